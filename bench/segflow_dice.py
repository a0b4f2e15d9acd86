#!/usr/bin/python3
"""Scores SegFlow's stored masks against a cohort's reference masks (synthetic truth, or the manual
masks `ingest` stores for lumbar-vb-t2): per volume the binary Dice, and the per-vertebra Dice, each
reference vertebra against the SegFlow vertebra that overlaps it most (names are not compared: the
reference may label T11-L5, SegFlow L1-S1). Reads /subjects/<id>/<visit>/{segflow,truth}/vertebra_mask.
    /usr/bin/python3 bench/segflow_dice.py COHORT.h5 [--visit baseline]
"""
import sys

import h5py
import numpy as np


def scores(found, truth):
    binary = 2 * np.logical_and(found > 0, truth > 0).sum() / max(1, (found > 0).sum() + (truth > 0).sum())
    per_vertebra = []
    for label in np.unique(truth[truth > 0]):
        mine = truth == label
        overlap = found[mine]
        overlap = overlap[overlap > 0]
        if overlap.size == 0:
            per_vertebra.append(0.0)
            continue
        best = np.bincount(overlap).argmax()
        theirs = found == best
        per_vertebra.append(2 * np.logical_and(mine, theirs).sum() / (mine.sum() + theirs.sum()))
    return binary, per_vertebra


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    visit = sys.argv[sys.argv.index("--visit") + 1] if "--visit" in sys.argv else "baseline"
    with h5py.File(sys.argv[1], "r") as f:
        all_binary, all_vertebrae, failed = [], [], []
        for subject in sorted(f["subjects"]):
            group = f["subjects"][subject].get(visit)
            if group is None or "truth" not in group or "segflow" not in group:
                continue
            status = group["segflow"].attrs["status"]
            status = status.decode() if isinstance(status, bytes) else status
            if status != "ok":
                failed.append(f"{subject}: {status}")
                continue
            binary, per_vertebra = scores(group["segflow/vertebra_mask"][()], group["truth/vertebra_mask"][()])
            all_binary.append(binary)
            all_vertebrae += per_vertebra
            print(f"{subject}: binary Dice {binary:.3f}, per-vertebra Dice {np.mean(per_vertebra):.3f} "
                  f"(min {np.min(per_vertebra):.3f}, {len(per_vertebra)} vertebrae)")
        for line in failed:
            print("failed", line)
        if all_binary:
            print(f"mean over {len(all_binary)} volumes: binary Dice {np.mean(all_binary):.3f}, "
                  f"per-vertebra Dice {np.mean(all_vertebrae):.3f} over {len(all_vertebrae)} vertebrae "
                  f"({len(failed)} volumes failed)")


if __name__ == "__main__":
    main()

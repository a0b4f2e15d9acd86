#!/usr/bin/python3
"""Scores SegFlow's stored masks against a cohort's reference masks (synthetic truth, or the manual
masks `ingest` stores for lumbar-vb-t2): per volume the binary Dice, and the per-vertebra Dice, each
reference vertebra against the SegFlow vertebra that overlaps it most (names are not compared: the
reference may label T11-L5, SegFlow L1-S1, T12 = 7, T11 = 8 and so on). The binary Dice counts SegFlow's
S1 against a reference that may not have it (lumbar-vb-t2 stops at L5); the "matched" binary Dice keeps
only the SegFlow vertebrae matched to a reference one. Reads /subjects/<id>/<visit>/{segflow,truth}/vertebra_mask.
Where the reference has disc centres (synthetic cohorts: truth/disc_centres), also the discs found and
the in-plane distance of each disc box's centre from the true centre of that level's disc (SegFlow's
acceptance figure: every disc found in >= 95 % of volumes, each within 3 mm).
    /usr/bin/python3 bench/segflow_dice.py COHORT.h5 [--visit baseline]
"""
import sys

import h5py
import numpy as np


def scores(found, truth):
    binary = 2 * np.logical_and(found > 0, truth > 0).sum() / max(1, (found > 0).sum() + (truth > 0).sum())
    per_vertebra, matched = [], set()
    for label in np.unique(truth[truth > 0]):
        mine = truth == label
        overlap = found[mine]
        overlap = overlap[overlap > 0]
        if overlap.size == 0:
            per_vertebra.append(0.0)
            continue
        best = np.bincount(overlap).argmax()
        matched.add(best)
        theirs = found == best
        per_vertebra.append(2 * np.logical_and(mine, theirs).sum() / (mine.sum() + theirs.sum()))
    kept = np.isin(found, list(matched))
    binary_matched = 2 * np.logical_and(kept, truth > 0).sum() / max(1, kept.sum() + (truth > 0).sum())
    return binary, binary_matched, per_vertebra


def disc_errors(group):
    """In-plane distance (mm) from each found disc box's centre to the true centre, None where not found."""
    boxes = group["segflow/disc_boxes"][()].reshape(-1, 4, 3)  # corner, then the three edge vectors
    found = group["segflow/disc_found"][()]
    truth = group["truth/disc_centres"][()]
    spacing = np.array([group.attrs["spacing_row_mm"], group.attrs["spacing_col_mm"]])
    errors = []
    for level in range(len(found)):
        if not found[level]:
            errors.append(None)
            continue
        centre = boxes[level, 0] + 0.5 * boxes[level, 1:].sum(axis=0)  # (slice, row, col)
        errors.append(float(np.hypot(*((centre[1:] - truth[level]) * spacing))))
    return errors


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    visit = sys.argv[sys.argv.index("--visit") + 1] if "--visit" in sys.argv else "baseline"
    with h5py.File(sys.argv[1], "r") as f:
        all_binary, all_matched, all_vertebrae, failed, discs, all_found = [], [], [], [], [], 0
        for subject in sorted(f["subjects"]):
            group = f["subjects"][subject].get(visit)
            if group is None or "truth" not in group or "segflow" not in group:
                continue
            status = group["segflow"].attrs["status"]
            status = status.decode() if isinstance(status, bytes) else status
            if status != "ok":
                failed.append(f"{subject}: {status}")
                continue
            binary, binary_matched, per_vertebra = scores(group["segflow/vertebra_mask"][()], group["truth/vertebra_mask"][()])
            all_binary.append(binary)
            all_matched.append(binary_matched)
            all_vertebrae += per_vertebra
            if "truth/disc_centres" in group:
                errors = disc_errors(group)
                discs += errors
                all_found += all(e is not None for e in errors)
            print(f"{subject}: binary Dice {binary:.3f} (matched {binary_matched:.3f}), per-vertebra Dice {np.mean(per_vertebra):.3f} "
                  f"(min {np.min(per_vertebra):.3f}, {len(per_vertebra)} vertebrae)")
        for line in failed:
            print("failed", line)
        if all_binary:
            print(f"mean over {len(all_binary)} volumes: binary Dice {np.mean(all_binary):.3f} "
                  f"(matched {np.mean(all_matched):.3f}), "
                  f"per-vertebra Dice {np.mean(all_vertebrae):.3f} over {len(all_vertebrae)} vertebrae "
                  f"({len(failed)} volumes failed)")
        if discs:
            volumes = len(all_binary) + len(failed)
            placed = [e for e in discs if e is not None]
            print(f"discs: all five found in {all_found} of {volumes} volumes ({100 * all_found / volumes:.1f} %); "
                  f"{len(placed)} of {5 * volumes} found, centres within 3 mm for {100 * np.mean(np.array(placed) <= 3):.1f} % "
                  f"of those (mean {np.mean(placed):.2f} mm, max {np.max(placed):.1f} mm); "
                  f"found and within 3 mm: {100 * np.sum(np.array(placed) <= 3) / (5 * volumes):.1f} % of all discs")


if __name__ == "__main__":
    main()

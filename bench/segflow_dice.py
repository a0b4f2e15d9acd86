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

Level naming: each reference vertebra is named right when the SegFlow label covering most of it is its
level's label (L1-L5 = 1-5, S1 = 6, T12 = 7, T11 = 8, ...). The reference's own labels follow ldd's
convention (synthetic truth) unless --reference-levels names them, label 1 first: lumbar-vb-t2's manual
masks are `--reference-levels T11,T12,L1,L2,L3,L4,L5`. Reported: the share of volumes with every name
right, and the share of bodies named right.
    /usr/bin/python3 bench/segflow_dice.py COHORT.h5 [--visit baseline] [--reference-levels T11,T12,L1,...]
"""
import sys

import h5py
import numpy as np


LUMBAR = {"L1": 1, "L2": 2, "L3": 3, "L4": 4, "L5": 5, "S1": 6}


def segflow_label(level):
    """SegFlow's label for a level name: L1-L5 1-5, S1 6, T12 7, T11 8, ... (segflow/refine.h)."""
    if level in LUMBAR:
        return LUMBAR[level]
    if level.startswith("T") and level[1:].isdigit() and 1 <= int(level[1:]) <= 12:
        return 7 + 12 - int(level[1:])
    sys.exit(f"segflow_dice: unknown level name '{level}' in --reference-levels (T1-T12, L1-L5, S1)")


def naming(found, truth, expected):
    """Per reference vertebra: is the SegFlow label covering most of it the one its level should have?"""
    right = []
    for label in np.unique(truth[truth > 0]):
        overlap = found[truth == label]
        overlap = overlap[overlap > 0]
        right.append(overlap.size > 0 and np.bincount(overlap).argmax() == expected(int(label)))
    return right


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
    expected = lambda label: label  # ldd's own convention
    if "--reference-levels" in sys.argv:
        names = sys.argv[sys.argv.index("--reference-levels") + 1].split(",")
        table = {k + 1: segflow_label(n.strip()) for k, n in enumerate(names)}
        expected = lambda label: table.get(label, -1)
    with h5py.File(sys.argv[1], "r") as f:
        all_binary, all_matched, all_vertebrae, failed, discs, all_found = [], [], [], [], [], 0
        named, all_named = [], 0
        for subject in sorted(f["subjects"]):
            group = f["subjects"][subject].get(visit)
            if group is None or "truth" not in group or "segflow" not in group:
                continue
            status = group["segflow"].attrs["status"]
            status = status.decode() if isinstance(status, bytes) else status
            if status != "ok":
                failed.append(f"{subject}: {status}")
                truth = group["truth/vertebra_mask"][()]
                named += [False] * len(np.unique(truth[truth > 0]))  # a failed volume names nothing
                continue
            found, truth = group["segflow/vertebra_mask"][()], group["truth/vertebra_mask"][()]
            binary, binary_matched, per_vertebra = scores(found, truth)
            right = naming(found, truth, expected)
            named += right
            all_named += all(right)
            all_binary.append(binary)
            all_matched.append(binary_matched)
            all_vertebrae += per_vertebra
            if "truth/disc_centres" in group:
                errors = disc_errors(group)
                discs += errors
                all_found += all(e is not None for e in errors)
            print(f"{subject}: binary Dice {binary:.3f} (matched {binary_matched:.3f}), per-vertebra Dice {np.mean(per_vertebra):.3f} "
                  f"(min {np.min(per_vertebra):.3f}, {len(per_vertebra)} vertebrae), named right {sum(right)} of {len(right)}")
        for line in failed:
            print("failed", line)
        if all_binary:
            print(f"mean over {len(all_binary)} volumes: binary Dice {np.mean(all_binary):.3f} "
                  f"(matched {np.mean(all_matched):.3f}), "
                  f"per-vertebra Dice {np.mean(all_vertebrae):.3f} over {len(all_vertebrae)} vertebrae "
                  f"({len(failed)} volumes failed)")
            volumes = len(all_binary) + len(failed)
            print(f"naming: every body named right in {all_named} of {volumes} volumes ({100 * all_named / volumes:.1f} %); "
                  f"{sum(named)} of {len(named)} bodies named right ({100 * np.mean(named):.1f} %; a failed volume's bodies count as wrong)")
        if discs:
            volumes = len(all_binary) + len(failed)
            placed = [e for e in discs if e is not None]
            print(f"discs: all five found in {all_found} of {volumes} volumes ({100 * all_found / volumes:.1f} %); "
                  f"{len(placed)} of {5 * volumes} found, centres within 3 mm for {100 * np.mean(np.array(placed) <= 3):.1f} % "
                  f"of those (mean {np.mean(placed):.2f} mm, max {np.max(placed):.1f} mm); "
                  f"found and within 3 mm: {100 * np.sum(np.array(placed) <= 3) / (5 * volumes):.1f} % of all discs")


if __name__ == "__main__":
    main()

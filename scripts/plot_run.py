#!/usr/bin/python3
"""Plots of a finished cross-validation run folder (the output of the `train` command).

Usage: /usr/bin/python3 scripts/plot_run.py RUN_FOLDER

Reads, in RUN_FOLDER:
  predictions.csv        per-disc test predictions (p_progression, true_progression, fold)
  metrics.json           name, pathology, grades and per-fold grade confusion matrices
  fold-<k>/history.csv   per-epoch losses and accuracies, for each fold k listed in metrics.json

Writes RUN_FOLDER/plots/roc.png, pr.png (precision-recall), reliability.png (calibration of
P(progression), from predictions.csv in metrics.json "pooled"'s ten bins), confusion.png and training.png (each atomically) and
prints their paths, one per line. A cross-sectional run (metrics.json "target": "current") predicts
grades, not progression: it gets none of the first three. On a missing or malformed input it prints `plot_run.py: <file>: <what is wrong>`
to stderr and exits 1.
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # set before pyplot is imported: no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HEAD = ["subject", "level", "fold", "baseline_grade", "true_followup_grade", "predicted_followup_grade"]
TAIL = ["p_progression", "true_progression", "predicted_progression"]
GRADING_HEAD = ["subject", "level", "fold", "true_grade", "predicted_grade"]
HISTORY = ["epoch", "learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "seconds"]


class InputError(Exception):
    def __init__(self, path, what):
        super().__init__(f"{path}: {what}")


def read_csv(path, expected_header):
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    if not rows or rows[0] != expected_header:
        raise InputError(path, f"header is not {','.join(expected_header)}")
    body = rows[1:]
    while body and not body[-1]:  # trailing blank lines are harmless
        body.pop()
    if not body:
        raise InputError(path, "no data rows")
    for number, row in enumerate(body, start=2):
        if len(row) != len(expected_header):
            raise InputError(path, f"line {number}: {len(row)} fields, expected {len(expected_header)}")
    return body


def column(path, rows, index, name, kind):
    values = []
    for number, row in enumerate(rows, start=2):
        try:
            values.append(kind(row[index]))
        except ValueError:
            raise InputError(path, f"line {number}: {name} '{row[index]}' is not {'an integer' if kind is int else 'a number'}")
    return np.array(values)


def optional_float(text):
    """A number, or NaN for an empty cell (history.csv's validation columns without a validation split)."""
    return float(text) if text != "" else float("nan")


def read_metrics(path):
    try:
        with open(path) as f:
            m = json.load(f)
    except OSError as e:
        raise InputError(path, e.strerror or str(e))
    except ValueError as e:
        raise InputError(path, f"not valid JSON ({e})")
    if not isinstance(m, dict):
        raise InputError(path, "not a JSON object")
    for key, kind in (("name", str), ("pathology", str), ("grades", list), ("folds", list)):
        if not isinstance(m.get(key), kind):
            raise InputError(path, f'"{key}" is missing or not a {kind.__name__}')
    grades = m["grades"]
    if not grades or not all(isinstance(g, int) for g in grades):
        raise InputError(path, '"grades" is not a non-empty list of integers')
    if not m["folds"]:
        raise InputError(path, '"folds" is empty')
    n = len(grades)
    for i, fold in enumerate(m["folds"]):
        if not isinstance(fold, dict) or not isinstance(fold.get("fold"), int) or fold["fold"] < 1:
            raise InputError(path, f'folds[{i}]: "fold" is missing or not a positive integer')
        c = fold.get("confusion")
        if not (isinstance(c, list) and len(c) == n
                and all(isinstance(r, list) and len(r) == n and all(isinstance(v, int) and v >= 0 for v in r) for r in c)):
            raise InputError(path, f"fold {fold['fold']}: \"confusion\" is not a {n}x{n} matrix of counts")
    return m


def roc_curve(scores, positive):
    """(fpr, tpr, auc), or None with only one class; equal scores form one step so ties count half."""
    p, n = positive.sum(), (~positive).sum()
    if p == 0 or n == 0:
        return None
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], positive[order]
    last_of_group = np.r_[s[1:] != s[:-1], True]
    tp = np.r_[0, np.cumsum(y)[last_of_group]]
    fp = np.r_[0, np.cumsum(~y)[last_of_group]]
    fpr, tpr = fp / n, tp / p
    return fpr, tpr, float(np.trapz(tpr, fpr))


def pr_curve(scores, positive):
    """(recall, precision, average precision), or None without a positive; tied scores form one step."""
    p = positive.sum()
    if p == 0:
        return None
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], positive[order]
    last_of_group = np.r_[s[1:] != s[:-1], True]
    tp = np.cumsum(y)[last_of_group]
    called = np.arange(1, len(y) + 1)[last_of_group]
    recall, precision = tp / p, tp / called
    ap = float(np.sum(np.diff(np.r_[0, recall]) * precision))  # as train/pooled_metrics.h average_precision
    return np.r_[0, recall], np.r_[precision[0], precision], ap


def plot_pr(ax, name, folds, scores, positive):
    for k in sorted(set(folds.tolist())):
        curve = pr_curve(scores[folds == k], positive[folds == k])
        if curve:
            ax.step(curve[0], curve[1], where="post", lw=1, color=fold_colour(k), label=f"fold {k} (AP {curve[2]:.2f})")
    pooled = pr_curve(scores, positive)
    if pooled:
        ax.step(pooled[0], pooled[1], where="post", lw=2.5, color="black", label=f"all folds (AP {pooled[2]:.2f})")
    ax.axhline(positive.mean(), ls="--", lw=1, color="grey", label=f"prevalence {positive.mean():.2f}")
    ax.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal", xlabel="recall", ylabel="precision",
           title=f"{name}: progression precision-recall")
    ax.legend(loc="upper right", fontsize="small")


def plot_reliability(fig, name, scores, positive):
    """Observed share progressed against mean P(progression) in ten bins of width 0.1, and the bins' sizes."""
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    bins = np.clip((scores * 10).astype(int), 0, 9)
    used = [b for b in range(10) if (bins == b).any()]
    mean_p = [scores[bins == b].mean() for b in used]
    observed = [positive[bins == b].mean() for b in used]
    counts = [(bins == b).sum() for b in used]
    top.plot([0, 1], [0, 1], ls="--", lw=1, color="grey", label="perfect calibration")
    top.plot(mean_p, observed, marker="o", color="black", label="model, all folds")
    brier = float(np.mean((scores - positive) ** 2))
    ece = float(sum(abs(scores[bins == b].sum() - positive[bins == b].sum()) for b in used) / len(scores))
    top.set(xlim=(0, 1), ylim=(0, 1.01), ylabel="share that progressed",
            title=f"{name}: calibration (Brier {brier:.3f}, ECE {ece:.3f})")
    top.legend(loc="upper left", fontsize="small")
    bottom.bar([b / 10 + 0.05 for b in used], counts, width=0.09, color="grey")
    bottom.set(xlabel="predicted P(progression)", ylabel="discs")


def fold_colour(k):
    return f"C{(k - 1) % 10}"  # the same fold gets the same colour in every plot


def plot_roc(ax, name, folds, scores, positive):
    for k in sorted(set(folds.tolist())):
        curve = roc_curve(scores[folds == k], positive[folds == k])
        if curve:  # a fold whose test discs all progress (or none do) has no ROC curve
            ax.plot(curve[0], curve[1], lw=1, color=fold_colour(k), label=f"fold {k} (AUC {curve[2]:.2f})")
    pooled = roc_curve(scores, positive)
    if pooled:
        ax.plot(pooled[0], pooled[1], lw=2.5, color="black", label=f"all folds (AUC {pooled[2]:.2f})")
    ax.plot([0, 1], [0, 1], ls="--", lw=1, color="grey")
    ax.set(xlim=(0, 1), ylim=(0, 1.01), aspect="equal", xlabel="false positive rate", ylabel="true positive rate",
           title=f"{name}: progression ROC")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize="small")


def heat_map(ax, values, labels, grades, title):
    ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1e-12))
    threshold = values.max() / 2
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, labels[i][j], ha="center", va="center", color="white" if v > threshold else "black")
    ticks = range(len(grades))
    ax.set(xticks=ticks, yticks=ticks, xticklabels=grades, yticklabels=grades,
           xlabel="predicted follow-up grade", ylabel="true follow-up grade", title=title)


def plot_confusion(fig, metrics):
    counts = np.sum([np.array(f["confusion"]) for f in metrics["folds"]], axis=0)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)  # a grade absent from the test sets stays 0
    left, right = fig.subplots(1, 2)
    grades = metrics["grades"]
    heat_map(left, counts, [[str(v) for v in r] for r in counts], grades, "counts")
    heat_map(right, shares, [[f"{v:.2f}" for v in r] for r in shares], grades, "share of each true grade")
    which = "" if metrics.get("target") == "current" else "follow-up "
    fig.suptitle(f"{metrics['name']}: {which}{metrics['pathology']} grades (all folds)")


def plot_training(fig, name, histories):
    loss, accuracy = fig.subplots(1, 2)
    any_validation = False
    for k, h in histories:
        epoch = h["epoch"]
        has_validation = np.isfinite(h["validation_loss"]).any()  # empty cells: no validation split
        any_validation |= has_validation
        for ax, what in ((loss, "loss"), (accuracy, "accuracy")):
            ax.plot(epoch, h[f"train_{what}"], color=fold_colour(k), label=f"fold {k}")
            if has_validation:
                ax.plot(epoch, h[f"validation_{what}"], color=fold_colour(k), ls="--")
    for ax, what in ((loss, "loss"), (accuracy, "accuracy")):
        ax.set(xlabel="epoch", ylabel=what, title=what)
        ax.grid(alpha=0.3)
    handles, labels = loss.get_legend_handles_labels()
    handles += [plt.Line2D([], [], color="black"), plt.Line2D([], [], color="black", ls="--")]
    labels += ["train", "validation"]
    count = len(labels) if any_validation else len(labels) - 1  # no "validation" entry when nothing was validated
    loss.legend(handles[:count], labels[:count], fontsize="small")
    fig.suptitle(f"{name}: training")


def save(fig, path):
    tmp = path + ".tmp.png"
    try:
        fig.savefig(tmp, format="png", dpi=120)
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise InputError(path, e.strerror or str(e))
    finally:
        plt.close(fig)
    return path


def main(run):
    metrics_path = os.path.join(run, "metrics.json")
    metrics = read_metrics(metrics_path)
    grades = metrics["grades"]

    grading = metrics.get("target") == "current"
    predictions_path = os.path.join(run, "predictions.csv")
    probabilities = [f"p_grade_{g}" for g in grades]
    header = GRADING_HEAD + probabilities if grading else HEAD + probabilities + TAIL
    rows = read_csv(predictions_path, header)
    if not grading:
        folds = column(predictions_path, rows, header.index("fold"), "fold", int)
        scores = column(predictions_path, rows, header.index("p_progression"), "p_progression", float)
        truth = column(predictions_path, rows, header.index("true_progression"), "true_progression", int)
        if not np.isfinite(scores).all():
            raise InputError(predictions_path, "p_progression is not finite everywhere")
        if not np.isin(truth, (0, 1)).all():
            raise InputError(predictions_path, "true_progression is not 0 or 1 everywhere")

    histories = []
    for k in sorted(f["fold"] for f in metrics["folds"]):
        path = os.path.join(run, f"fold-{k}", "history.csv")
        rows = read_csv(path, HISTORY)
        histories.append((k, {name: column(path, rows, i, name, int if name == "epoch" else
                                           optional_float if name.startswith("validation") else float)
                              for i, name in enumerate(HISTORY)}))

    plots = os.path.join(run, "plots")
    try:
        os.makedirs(plots, exist_ok=True)
    except OSError as e:
        raise InputError(plots, e.strerror or str(e))

    written = []
    if not grading:
        fig, ax = plt.subplots(figsize=(6, 6))
        plot_roc(ax, metrics["name"], folds, scores, truth == 1)
        written.append(save(fig, os.path.join(plots, "roc.png")))
        fig, ax = plt.subplots(figsize=(6, 6))
        plot_pr(ax, metrics["name"], folds, scores, truth == 1)
        written.append(save(fig, os.path.join(plots, "pr.png")))
        fig = plt.figure(figsize=(6, 7), layout="constrained")
        plot_reliability(fig, metrics["name"], scores, truth == 1)
        written.append(save(fig, os.path.join(plots, "reliability.png")))

    fig = plt.figure(figsize=(12, 5.5), layout="constrained")
    plot_confusion(fig, metrics)
    written.append(save(fig, os.path.join(plots, "confusion.png")))

    fig = plt.figure(figsize=(12, 4.5), layout="constrained")
    plot_training(fig, metrics["name"], histories)
    written.append(save(fig, os.path.join(plots, "training.png")))
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: plot_run.py RUN_FOLDER", file=sys.stderr)
        sys.exit(2)
    try:
        for path in main(sys.argv[1]):
            print(path)
    except InputError as e:
        print(f"plot_run.py: {e}", file=sys.stderr)
        sys.exit(1)

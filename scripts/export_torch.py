#!/usr/bin/python3
"""Exports an ldd checkpoint (a fold's checkpoint.h5 or best.h5) to PyTorch: OUT/state_dict.pt (the
parameters under the checkpoint's names), OUT/config.json (the model's configuration) and
OUT/ldd_disc_grader.py (the module definition). How to load it: experiments/README.md.

  /usr/bin/python3 scripts/export_torch.py runs/quickstart/fold-1/checkpoint.h5 exports/quickstart-fold1
  /usr/bin/python3 scripts/export_torch.py CHECKPOINT OUT --verify CASE.h5   # also check the export's outputs

--verify reads `input` (N, slices, H, W), optionally `side` (N, side_inputs), and `expected` (ldd's outputs
for them) from CASE.h5, and exits with status 1 unless the export's outputs are within 1e-4 of them
(relative to their norm). Needs Debian's python3-torch and python3-h5py (scripts/install-deps --peers).
"""
import argparse
import json
import os
import shutil
import sys

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ldd_disc_grader import DiscGrader  # noqa: E402

INTEGERS = {"in_channels", "height", "width", "classes", "fc_width", "lrn_size", "side_inputs"}
FLOATS = {"dropout", "lrn_alpha", "lrn_beta", "lrn_k"}


def text_attribute(value):
    """ldd writes string attributes fixed-length (data/SCHEMA.md), which h5py reads as bytes."""
    return value.decode() if isinstance(value, bytes) else value


def read_config(checkpoint):
    with h5py.File(checkpoint, "r") as f:
        if text_attribute(f.attrs.get("format")) != "ldd-checkpoint":
            sys.exit(f"export_torch: {checkpoint} is not an ldd checkpoint (no format attribute 'ldd-checkpoint')")
        text = text_attribute(f["model"].attrs["config"])
        parameters = {name: np.array(f["model/parameters/" + name]) for name in f["model/parameters"]}
    c = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    if c.get("model") != "vggm" or "head" not in c:
        sys.exit(f"export_torch: {checkpoint} holds a model this exporter does not know (config: {text!r}); it exports disc graders")
    config = {k: int(v) if k in INTEGERS else float(v) if k in FLOATS else v for k, v in c.items()}
    config["conv_channels"] = [int(v) for v in c["conv_channels"].split(",")]
    return config, parameters


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--verify", metavar="CASE.h5")
    a = p.parse_args()
    config, parameters = read_config(a.checkpoint)
    model = DiscGrader(config)
    state = {name: torch.from_numpy(value) for name, value in parameters.items()}
    missing = set(model.state_dict()) ^ set(state)
    if missing:
        sys.exit(f"export_torch: the checkpoint's parameters and the module's differ: {sorted(missing)}")
    model.load_state_dict(state, strict=True)
    os.makedirs(a.out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(a.out, "state_dict.pt"))
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ldd_disc_grader.py"), a.out)
    print(f"export_torch: {len(state)} tensors to {a.out}")
    if a.verify:
        loaded = DiscGrader.load(a.out).eval()
        with h5py.File(a.verify, "r") as f:
            x = torch.from_numpy(np.array(f["input"]))
            side = torch.from_numpy(np.array(f["side"])) if "side" in f else None
            expected = np.array(f["expected"], dtype=np.float64)
        with torch.no_grad():
            out = loaded(x, side).double().numpy()
        error = np.linalg.norm(out - expected) / max(np.linalg.norm(expected), 1e-30)
        print(f"export_torch: relative error against {a.verify}: {error:.3g}")
        if not error <= 1e-4:
            sys.exit(1)


if __name__ == "__main__":
    main()

"""ldd's disc grader (nn/models/disc_grader.h) as a PyTorch module: VGG-M on a disc crop, an optional side
input (the one-hot baseline grade, then clinical covariates) added to fc6 and fc8, and a softmax or
ordinal (cumulative-link) head. scripts/export_torch.py copies this file next to the exported weights;
its parameter names are the checkpoint's, so state_dict.pt loads with load_state_dict(strict=True).

    import sys; sys.path.insert(0, "EXPORT_DIR")
    from ldd_disc_grader import DiscGrader
    model = DiscGrader.load("EXPORT_DIR").eval()
    out = model(x, side)   # x (N, slices, H, W) normalised as ldd's dataset holds crops; side (N, side_inputs) or None
    p = out.softmax(1)     # per-grade probabilities, for either head
"""
import json
import os
from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F

# kernel, stride, padding of conv1..conv5; a max-pool 3/2 (ceil mode) after conv1, conv2 and conv5, a
# local response normalisation after the first two (DESIGN.md, nn/models/vggm.h).
CONVS = [(7, 2, 0), (5, 2, 1), (3, 1, 1), (3, 1, 1), (3, 1, 1)]
POOL_AFTER = [True, True, False, False, True]


def vggm(c, classes):
    layers = OrderedDict()
    channels = c["in_channels"]
    for i, (kernel, stride, pad) in enumerate(CONVS):
        n = str(i + 1)
        layers["conv" + n] = nn.Conv2d(channels, c["conv_channels"][i], kernel, stride=stride, padding=pad)
        layers["relu" + n] = nn.ReLU()
        if i < 2:  # ldd's alpha is PyTorch's (both divide it by the window size: kernels/lrn.h)
            layers["norm" + n] = nn.LocalResponseNorm(c["lrn_size"], alpha=c["lrn_alpha"], beta=c["lrn_beta"], k=c["lrn_k"])
        if POOL_AFTER[i]:
            layers["pool" + n] = nn.MaxPool2d(3, 2, ceil_mode=True)
        channels = c["conv_channels"][i]
    layers["flatten"] = nn.Flatten()
    features = nn.Sequential(layers)(torch.zeros(1, c["in_channels"], c["height"], c["width"])).shape[1]
    layers["fc6"] = nn.Linear(features, c["fc_width"])
    layers["relu6"] = nn.ReLU()
    layers["drop6"] = nn.Dropout(c["dropout"])
    layers["fc7"] = nn.Linear(c["fc_width"], c["fc_width"])
    layers["relu7"] = nn.ReLU()
    layers["drop7"] = nn.Dropout(c["dropout"])
    layers["fc8"] = nn.Linear(c["fc_width"], classes)
    return nn.Sequential(layers)


class DiscGrader(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.ordinal = config["head"] == "ordinal"
        self.vggm = vggm(config, 1 if self.ordinal else config["classes"])
        side = config["side_inputs"]
        if side > 0:
            self.side_fc6 = nn.Linear(side, config["fc_width"], bias=False)
            self.side_fc8 = nn.Linear(side, 1 if self.ordinal else config["classes"], bias=False)
        if self.ordinal:
            self.cutpoints = nn.Parameter(torch.zeros(config["classes"] - 1))

    @staticmethod
    def load(folder, map_location="cpu"):
        with open(os.path.join(folder, "config.json")) as f:
            model = DiscGrader(json.load(f))
        model.load_state_dict(torch.load(os.path.join(folder, "state_dict.pt"), map_location=map_location))
        return model

    def forward(self, x, side=None):
        """Logits (softmax head) or log P(grade) (ordinal head): both go through softmax to probabilities."""
        if self.config["side_inputs"] > 0 and side is None:
            raise ValueError(f"this model takes a side input of {self.config['side_inputs']} values per crop")
        h = x
        for name, layer in self.vggm.named_children():
            h = layer(h)
            if name == "fc6" and side is not None:
                h = h + self.side_fc6(side)
        if side is not None:
            h = h + self.side_fc8(side)
        if not self.ordinal:
            return h
        # theta_1 = raw_1, theta_k = theta_{k-1} + softplus(raw_k); P(grade <= k) = sigmoid(theta_k - score)
        theta = torch.cumsum(torch.cat([self.cutpoints[:1], F.softplus(self.cutpoints[1:])]), 0)
        below = torch.sigmoid(theta.unsqueeze(0) - h)  # (N, K - 1)
        cumulative = torch.cat([torch.zeros_like(h), below, torch.ones_like(h)], 1)
        return torch.log((cumulative[:, 1:] - cumulative[:, :-1]).clamp_min(1e-30))

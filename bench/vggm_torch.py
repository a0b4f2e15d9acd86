#!/usr/bin/python3
"""The same VGG-M training step as bench/train_step.cpp, in PyTorch (Debian's python3-torch on the CPU;
the GPU machine's PyTorch with device=cuda): forward + backward + SGD (momentum 0.9, weight decay 5e-4),
batch 32, ceil-mode pooling, LRN(5, 5e-4, 0.75, 2). On CUDA, cudnn.benchmark is on (as our per-shape
search), TF32 follows tf32= for convolutions and matmuls alike, and steps are timed with CUDA events.
Prints one line in the same form as ldd_bench_train_step:
    RESULT impl=torch device=... input=... threads=... images_per_s=... gflops=... peak_rss_mb=... peak_gpu_mb=...
    python3 bench/vggm_torch.py input=9x112x112 batch=32 threads=2 steps=5 warmup=2 device=cpu tf32=0
"""
import resource
import sys
import time
from collections import OrderedDict

import torch
from torch import nn


def vggm(c: int, h: int, w: int, classes: int, fc: int) -> nn.Sequential:
    pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)
    lrn = lambda: nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)
    layers = OrderedDict([
        ("conv1", nn.Conv2d(c, 96, 7, stride=2)), ("relu1", nn.ReLU()), ("norm1", lrn()), ("pool1", pool()),
        ("conv2", nn.Conv2d(96, 256, 5, stride=2, padding=1)), ("relu2", nn.ReLU()), ("norm2", lrn()), ("pool2", pool()),
        ("conv3", nn.Conv2d(256, 512, 3, padding=1)), ("relu3", nn.ReLU()),
        ("conv4", nn.Conv2d(512, 512, 3, padding=1)), ("relu4", nn.ReLU()),
        ("conv5", nn.Conv2d(512, 512, 3, padding=1)), ("relu5", nn.ReLU()), ("pool5", pool()),
        ("flatten", nn.Flatten()),
    ])
    features = nn.Sequential(layers)(torch.zeros(1, c, h, w)).shape[1]
    layers.update([("fc6", nn.Linear(features, fc)), ("relu6", nn.ReLU()), ("drop6", nn.Dropout(0.5)),
                   ("fc7", nn.Linear(fc, fc)), ("relu7", nn.ReLU()), ("drop7", nn.Dropout(0.5)),
                   ("fc8", nn.Linear(fc, classes))])
    return nn.Sequential(layers)


def main() -> None:
    args = {"input": "9x112x112", "batch": "32", "threads": "2", "steps": "5", "warmup": "2", "fc": "4096",
            "classes": "5", "device": "cpu", "tf32": "0"}
    for a in sys.argv[1:]:
        key, _, value = a.partition("=")
        if key not in args:
            sys.exit(f"unknown argument '{a}'; accepted: " + " ".join(f"{k}=" for k in args))
        args[key] = value
    c, h, w = (int(v) for v in args["input"].split("x"))
    batch, threads = int(args["batch"]), int(args["threads"])
    device = args["device"]
    if device not in ("cpu", "cuda"):
        sys.exit(f"device={device}: expected cpu or cuda")
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    cuda = device == "cuda"
    if cuda:
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.allow_tf32 = args["tf32"] == "1"
        torch.backends.cuda.matmul.allow_tf32 = args["tf32"] == "1"
    model = vggm(c, h, w, int(args["classes"]), int(args["fc"])).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, c, h, w).to(device)
    y = (torch.arange(batch) % int(args["classes"])).to(device)
    times = []
    for step in range(int(args["warmup"]) + int(args["steps"])):
        if cuda and step == int(args["warmup"]):
            torch.cuda.reset_peak_memory_stats()
        if cuda:
            begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            begin.record()
        start = time.perf_counter()
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
        if cuda:
            end.record()
            end.synchronize()
            elapsed = begin.elapsed_time(end) * 1e-3
        else:
            elapsed = time.perf_counter() - start
        if step >= int(args["warmup"]):
            times.append(elapsed)
    median = sorted(times)[len(times) // 2]
    gpu_mb = torch.cuda.max_memory_allocated() / 2**20 if cuda else 0.0

    # Training FLOPs as in train_step.cpp: 3 x forward, minus conv1's backward-data.
    flops, conv1 = 0.0, 0.0
    hooks = []
    def count(module, inputs, output):
        nonlocal flops, conv1
        if isinstance(module, nn.Conv2d):
            f = 2.0 * output.numel() * module.in_channels * module.kernel_size[0] * module.kernel_size[1]
            flops += f
            conv1 = conv1 or f
        elif isinstance(module, nn.Linear):
            flops += 2.0 * output.numel() * module.in_features
    for m in model.modules():
        hooks.append(m.register_forward_hook(count))
    with torch.no_grad():
        model(x)
    train_flops = 3.0 * flops - conv1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"RESULT impl=torch device={device} input={args['input']} batch={batch} threads={threads} "
          f"images_per_s={batch / median:.2f} gflops={train_flops / median * 1e-9:.1f} peak_rss_mb={rss_mb:.0f} "
          f"peak_gpu_mb={gpu_mb:.0f}")


if __name__ == "__main__":
    main()

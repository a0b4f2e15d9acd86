#!/usr/bin/python3
"""SegFlow's optical flow next to OpenCV's Farneback and DIS, on the same 448 x 336 frame pairs with a
known displacement, in one run: median milliseconds per frame pair and mean endpoint error (pixels, 8
from the border). Needs Debian's python3-opencv, numpy and scipy, and a built `ldd_bench_flow`.
    /usr/bin/python3 bench/flow_compare.py [build-dir] [--threads 2]
Pairs: "texture", the smooth waves of tests/segflow/test_optical_flow.cpp, and "mri", the mid-sagittal
slice of lumbar-vb-t2 case 04 resampled to 448 x 336 (skipped when ../shared/data is absent). Frame 1
is frame 0 moved by about (1.6, -0.9) px plus a smooth variation of up to 0.5 px.
"""
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
from scipy import ndimage

ROWS, COLS = 448, 336
HERE = os.path.dirname(os.path.abspath(__file__))
MRI = os.path.join(HERE, "..", "..", "shared", "data", "lumbar-vb-t2", "04.nii.gz")


def displacement():
    r, c = np.mgrid[0:ROWS, 0:COLS].astype(np.float64)
    return 1.6 + 0.5 * np.sin(r / 23.0), -0.9 + 0.4 * np.cos(c / 19.0)  # along columns, along rows


def texture(r, c):
    return (0.5 + 0.12 * np.sin(0.21 * r + 0.4) + 0.12 * np.sin(0.17 * c + 1.1) + 0.08 * np.sin(0.11 * r + 0.13 * c)
            + 0.06 * np.cos(0.29 * r - 0.23 * c + 0.7))


def mri_slice():
    import gzip
    import struct
    raw = gzip.open(MRI).read()
    dims = struct.unpack("<8h", raw[40:56])
    offset = int(struct.unpack("<f", raw[108:112])[0])
    volume = np.frombuffer(raw[offset:offset + dims[1] * dims[2] * dims[3]], dtype=np.uint8)
    image = volume.reshape(dims[3], dims[2], dims[1])[dims[3] // 2].T.astype(np.float64) / 255.0  # (rows, cols)
    return ndimage.zoom(image, (ROWS / image.shape[0], COLS / image.shape[1]), order=3)


def pairs():
    u, v = displacement()
    r, c = np.mgrid[0:ROWS, 0:COLS].astype(np.float64)
    yield "texture", texture(r, c), texture(r - v, c - u), u, v
    if os.path.exists(MRI):
        image = mri_slice()
        moved = ndimage.map_coordinates(image, [r - v, c - u], order=3, mode="nearest")
        yield "mri", image, moved, u, v


def endpoint_error(flow, u, v):
    inner = (slice(8, -8), slice(8, -8))
    return float(np.hypot(flow[..., 0] - u, flow[..., 1] - v)[inner].mean())


def time_opencv(run, repeats=5):
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        flow = run()
        times.append(time.perf_counter() - start)
    return 1e3 * sorted(times)[len(times) // 2], flow


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    cv2.setNumThreads(threads)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        listing = []
        for name, a, b, u, v in pairs():
            for suffix, array in (("0", a), ("1", b), ("u", u), ("v", v)):
                array.astype(np.float32).tofile(os.path.join(folder, f"{name}_{suffix}.f32"))
            listing.append(f"{name} {ROWS} {COLS}")
            a8, b8 = (np.clip(x / max(a.max(), b.max()) * 255, 0, 255).astype(np.uint8) for x in (a, b))
            farneback = lambda: cv2.calcOpticalFlowFarneback(a8, b8, None, 0.5, 3, 15, 3, 5, 1.2, 0)
            ms, flow = time_opencv(farneback)
            rows.append((name, "OpenCV Farneback (3 levels, window 15)", ms, endpoint_error(flow, u, v)))
            for preset, label in ((cv2.DISOPTICAL_FLOW_PRESET_MEDIUM, "medium"), (cv2.DISOPTICAL_FLOW_PRESET_FAST, "fast")):
                dis = cv2.DISOpticalFlow_create(preset)
                ms, flow = time_opencv(lambda: dis.calc(a8, b8, None))
                rows.append((name, f"OpenCV DIS ({label} preset)", ms, endpoint_error(flow, u, v)))
        with open(os.path.join(folder, "pairs.txt"), "w") as f:
            f.write("\n".join(listing) + "\n")
        ours = subprocess.run([os.path.join(build, "bench", "ldd_bench_flow"), folder, f"threads={threads}"],
                              check=True, capture_output=True, text=True).stdout
        for line in ours.splitlines():
            if line.startswith("RESULT"):
                field = dict(kv.split("=") for kv in line.split()[1:])
                rows.append((field["pair"], "ldd Horn-Schunck (3 levels x 3 warps x 60 Jacobi)", float(field["ms"]), float(field["epe"])))
    print(f"{ROWS} x {COLS} frame pairs, {threads} threads; median ms of 5 runs; mean endpoint error in px")
    print(f"| pair | method | ms | endpoint error |\n|---|---|---|---|")
    for name, method, ms, epe in sorted(rows, key=lambda row: row[0]):
        print(f"| {name} | {method} | {ms:.1f} | {epe:.3f} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints a Markdown table of the medians in a Google Benchmark JSON file (run with
--benchmark_repetitions=N --benchmark_out=FILE --benchmark_out_format=json), for bench/RESULTS.md."""
import json
import sys


def main(path: str) -> None:
    with open(path) as f:
        data = json.load(f)
    rows = [b for b in data["benchmarks"] if b.get("aggregate_name", "median") == "median"]
    print("| benchmark | label | time (median) | GFLOP/s |")
    print("|---|---|---:|---:|")
    for b in rows:
        name = b["run_name"].removesuffix("/real_time")
        gflops = b.get("GFLOP/s")
        print(f"| {name} | {b.get('label', '')} | {b['real_time']:.2f} {b['time_unit']} | "
              f"{'' if gflops is None else f'{gflops:.1f}'} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gbench_table.py RESULTS.json")
    main(sys.argv[1])

#!/usr/bin/env bash
# The VGG-M training step on the GPU in ldd and in PyTorch + cuDNN, back to back on the same card, for
# two inputs and batch sizes, with TF32 off (exact FP32) and on; prints images/s, the ratio ours / PyTorch
# and peak GPU memory. Run on the GPU machine (its PyTorch has CUDA):
#   bench/compare_vggm_gpu.sh [build-dir] [python]
set -euo pipefail
build=${1:-build}
python=${2:-python3}
here=$(cd "$(dirname "$0")" && pwd)
steps=${STEPS:-20}
warmup=${WARMUP:-5}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
printf "%-10s %5s %4s | %10s %11s | %6s | %10s %11s\n" input batch tf32 "ldd img/s" "torch img/s" ratio "ldd GPU MB" "torch GPU MB"
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
for input in 9x112x112 9x64x64; do
  for batch in 32 128; do
    for tf32 in 0 1; do
      common="input=$input batch=$batch steps=$steps warmup=$warmup device=cuda tf32=$tf32"
      ours=$("$build/bench/ldd_bench_train_step" $common | grep '^RESULT')
      theirs=$("$python" "$here/vggm_torch.py" $common | grep '^RESULT')
      printf "%-10s %5s %4s | %10s %11s | %6.2f | %10s %11s\n" "$input" "$batch" "$tf32" \
        "$(field "$ours" images_per_s)" "$(field "$theirs" images_per_s)" \
        "$(echo "$(field "$ours" images_per_s) / $(field "$theirs" images_per_s)" | bc -l)" \
        "$(field "$ours" peak_gpu_mb)" "$(field "$theirs" peak_gpu_mb)"
    done
  done
done

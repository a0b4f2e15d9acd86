#!/usr/bin/env bash
# Runs the VGG-M training step in ldd and in PyTorch on this machine, back to back, for each input and
# thread count, and prints images/s, GFLOP/s, peak RSS and the ratio ours / PyTorch.
#   bench/compare_vggm.sh [build-dir]        (needs: scripts/install-deps --peers)
# PyTorch's fully connected layers call the system BLAS: with Debian's reference BLAS they are ~10x
# slower, so the peers install OpenBLAS (libopenblas0-openmp) and this script refuses to run without it.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
if ! readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | grep -q openblas; then
  echo "compare_vggm: PyTorch would use the reference BLAS; run scripts/install-deps --peers first" >&2
  exit 1
fi
export OMP_WAIT_POLICY=passive
steps=${STEPS:-5}
warmup=${WARMUP:-2}
printf "%-10s %7s | %10s %10s | %10s %10s | %7s | %12s %12s\n" input threads "ldd img/s" "torch img/s" \
  "ldd GF/s" "torch GF/s" ratio "ldd RSS MB" "torch RSS MB"
for input in 9x112x112 1x64x64; do
  for threads in 1 2; do
    ours=$("$build/bench/ldd_bench_train_step" input=$input threads=$threads steps=$steps warmup=$warmup | grep '^RESULT')
    theirs=$(/usr/bin/python3 "$here/vggm_torch.py" input=$input threads=$threads steps=$steps warmup=$warmup | grep '^RESULT')
    field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
    printf "%-10s %7s | %10s %10s | %10s %10s | %7.2f | %12s %12s\n" "$input" "$threads" \
      "$(field "$ours" images_per_s)" "$(field "$theirs" images_per_s)" "$(field "$ours" gflops)" \
      "$(field "$theirs" gflops)" "$(echo "$(field "$ours" images_per_s) / $(field "$theirs" images_per_s)" | bc -l)" \
      "$(field "$ours" peak_rss_mb)" "$(field "$theirs" peak_rss_mb)"
  done
done

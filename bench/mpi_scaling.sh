#!/usr/bin/env bash
# Wall time of `mpirun -np N train` for N = 1, 2, 4, fold-parallel and data-parallel, on the quickstart's
# experiment with fewer epochs (one OpenMP thread per rank), and each run's efficiency T(1) / (N T(N)).
# Every run gets a fresh run folder, so a rank count never reuses another's folds.
#   bench/mpi_scaling.sh [build-dir] [cohort]   (cohort: one holding SegFlow's results, default
#                                                cohorts/quickstart.h5, made by the quickstart)
# EPOCHS (default 4) and FOLDS (default 4: as many units as the largest N) size the run.
set -euo pipefail
build=${1:-build}
cohort=${2:-cohorts/quickstart.h5}
epochs=${EPOCHS:-4}
folds=${FOLDS:-4}
[[ -f "$cohort" ]] || { echo "mpi_scaling: $cohort does not exist (run build/bin/train experiments/quickstart.yaml once)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpi_scaling: no mpirun (scripts/install-deps installs openmpi-bin)" >&2; exit 1; }
out=$(mktemp -d /tmp/ldd-mpi-scaling.XXXXXX)
trap 'rm -rf "$out"' EXIT
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
# Root may run Open MPI here (CI machines run as root); an idle rank yields its core instead of spinning.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
cores=$(getconf _NPROCESSORS_ONLN)  # not nproc: it follows OMP_NUM_THREADS
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores; $(mpirun --version | head -1)"
echo "experiment: experiments/quickstart.yaml, $folds folds x $epochs epochs, one thread per rank"
printf "%-14s %5s %9s %10s %s\n" mode ranks "wall s" efficiency note
for mode in fold-parallel data-parallel; do
  set_dp=()
  [[ $mode == data-parallel ]] && set_dp=(--set training.data_parallel=true)
  base=""
  for ranks in 1 2 4; do
    start=$(date +%s.%N)
    mpirun --oversubscribe --bind-to none -x OMP_NUM_THREADS -x OMP_WAIT_POLICY -np "$ranks" "$build/bin/train" experiments/quickstart.yaml \
      --set dataset.cohort="$cohort" --set training.epochs="$epochs" --set folds="$folds" "${set_dp[@]}" \
      --out "$out/$mode-$ranks" --threads 1 --quiet --no-plots > "$out/$mode-$ranks.log" 2>&1 ||
      { echo "mpi_scaling: $mode on $ranks ranks failed:" >&2; tail -20 "$out/$mode-$ranks.log" >&2; exit 1; }
    wall=$(echo "$(date +%s.%N) - $start" | bc -l)
    [[ -z $base ]] && base=$wall
    note=""
    (( ranks > cores )) && note="oversubscribed: $ranks ranks on $cores cores"
    printf "%-14s %5d %9.1f %10.2f %s\n" "$mode" "$ranks" "$wall" "$(echo "$base / ($ranks * $wall)" | bc -l)" "$note"
    # The metrics, and how far each grade probability moved from the 1-rank run of the same mode.
    /usr/bin/python3 - "$out/$mode-$ranks" "$out/$mode-1" <<'PY'
import csv, json, sys
def probabilities(folder):
    rows = list(csv.DictReader(open(folder + "/predictions.csv")))
    return [float(r[k]) for r in rows for k in r if k.startswith("p_grade_")]
s = json.load(open(sys.argv[1] + "/metrics.json"))["summary"]
moved = max(abs(a - b) for a, b in zip(probabilities(sys.argv[1]), probabilities(sys.argv[2])))
print("%30s balanced accuracy %.4f, ROC-AUC %.4f; largest grade-probability change from 1 rank %.2g"
      % ("", s["balanced_accuracy"]["mean"], s["roc_auc"]["mean"], moved))
PY
  done
done

#!/usr/bin/env bash
# Compares GNN configurations over several seeds on one split, because with about 60
# test pipelines one seed's test MAPE moves by ten points from seed to seed.
#   scripts/compare-configs.sh DB SPLIT "SEEDS" NAME=JSON...
#   e.g. scripts/compare-configs.sh out/reference.db random "1 2 3" base='{}' ape='{"ape_weight": 1}'
# Trains every (configuration, seed) pair, two at a time with one LibTorch thread each,
# into out/compare/SPLIT/, and prints each run's test metrics and each configuration's
# mean over the seeds. GNNPERF names the binary (default build/gnnperf): with a copy the
# build can change while the runs go on.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 4 ]]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
db=$1 split=$2 seeds=$3
shift 3
export OMP_NUM_THREADS=1
gnnperf=${GNNPERF:-build/gnnperf}
dir=out/compare/${split/:/-}
mkdir -p "$dir"
names=()
for spec in "$@"; do
  name=${spec%%=*}
  names+=("$name")
  printf '%s\n' "${spec#*=}" > "$dir/$name.json"
  for seed in $seeds; do
    [[ $(jobs -rp | wc -l) -ge 2 ]] && wait -n
    log=$dir/$name-s$seed.log
    ("$gnnperf" train --db "$db" --out "$dir/$name-s$seed.pt" --seed "$seed" \
      --split "$split" --config "$dir/$name.json" > "$log" 2>&1 ||
      echo "compare-configs: training failed, see $log" >&2) &
  done
done
wait
printf '%-12s %5s %8s %11s %7s %7s\n' config seed MAPE "median APE" tau top-1
for name in "${names[@]}"; do
  for seed in $seeds; do
    # The train command's test line: test PIPELINES SCHEDULES MAPE% MEDIAN% TAU TOP1.
    awk -v n="$name" -v s="$seed" '$1 == "test" {
      printf "%-12s %5s %8s %11s %7s %7s\n", n, s, $4, $5, $6, $7 }' "$dir/$name-s$seed.log"
  done
done | tee "$dir/runs.txt"
echo "mean over seeds $seeds:"
awk '{ m[$1] += $3; a[$1] += $4; t[$1] += $5; k[$1] += $6; c[$1]++ }
  END { for (n in c) printf "%-12s %7.1f%% %10.1f%% %7.3f %7.3f\n",
        n, m[n] / c[n], a[n] / c[n], t[n] / c[n], k[n] / c[n] }' "$dir/runs.txt" | sort

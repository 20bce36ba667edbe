#!/usr/bin/env bash
# make bench-scale: the process stage on a 25M-rating synthetic dataset in
# ml-25m format, beside pandas doing the same read + k-core + split
# (scripts/bench-scale-pandas.py). Prints each run and the medians of wall
# time, CPU time (user + sys) and peak RSS. CPU time is the fairer figure
# on a shared machine; wall time is what the targets speak of.
# Usage: scripts/bench-scale.sh [RUNS] [DIR]   (DIR: where the dataset and
# outputs go, default build/bench-scale)
set -euo pipefail
runs=${1:-3}
dir=${2:-build/bench-scale}
data=$dir/ml-25m-synth
out=$dir/processed
python=${PYTHON:-/usr/bin/python3}
mkdir -p "$dir"
if [ ! -f "$data/ratings.csv" ]; then
  bin/pipeline synth --format ml-25m --ratings 25000000 --users 162000 --movies 62000 --seed 1 --out "$data"
fi
measure() { # label, command...: one line "label wall cpu rss_mib"
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" -o "$dir/time.txt" "$@" > "$dir/$label.out" 2> "$dir/$label.err"
  awk '{printf "%s wall %.2f s, cpu %.2f s, peak RSS %d MiB\n", $1, $2, $3+$4, $5/1024}' "$dir/time.txt"
}
: > "$dir/runs.txt"
for i in $(seq "$runs"); do
  measure process bin/process --set data_processing.dataset=ml-25m --raw "$data" --out "$out" --metrics "$dir/process.json" | tee -a "$dir/runs.txt"
  measure pandas "$python" scripts/bench-scale-pandas.py "$data/ratings.csv" | tee -a "$dir/runs.txt"
done
grep -h '"seconds"' "$dir/pandas.out" | tail -1
for label in process pandas; do
  grep "^$label " "$dir/runs.txt" | awk -v l="$label" '
    { w[NR]=$3; c[NR]=$6; r[NR]=$10 }
    END { n=asort(w); asort(c); asort(r); m=int((n+1)/2);
          printf "median of %d: %s wall %.2f s, cpu %.2f s, peak RSS %d MiB\n", n, l, w[m], c[m], r[m] }'
done | tee "$dir/medians.txt"
awk '/^median/ { w[$4]=$6; c[$4]=$9 } END { if (w["process"] > 0) printf "pandas / process: wall %.1fx, cpu %.1fx\n", w["pandas"]/w["process"], c["pandas"]/c["process"] }' "$dir/medians.txt"

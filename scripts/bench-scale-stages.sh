#!/usr/bin/env bash
# make bench-scale-stages: every stage on the 25M-rating synthetic dataset
# of make bench-scale (ml-25m format, 162K users, 62K movies), one run each
# in the order of the pipeline, with the flags the Makefile gives them.
# Prints each stage's wall time, CPU time (user + sys) and peak RSS, and
# for the trainers seconds per epoch. An epoch at 25M ratings is long
# (Two-Tower as in params.yaml: over 8 minutes; BERT4Rec with
# sampled_softmax=2048: about half an hour on 2 cores), so each trainer
# runs for TRAIN_SECONDS (default 300) and is stopped: its s/epoch is
# extrapolated from the steps done (the rate between the first and last
# progress lines, times the steps of an epoch), and its peak RSS is that
# of loading and training, not of the evaluation after the last epoch
# (which scores in chunks of about 64 MiB). dbsetup needs recommendation
# files of the models' size: one-epoch runs of tiny models (twotower-recs,
# bert4rec-recs: not measurements) write them.
# Usage: scripts/bench-scale-stages.sh [DIR] [STAGE...]
#   DIR: where the dataset and outputs go (default build/bench-scale);
#   STAGE: process features semantic train-twotower train-bert4rec
#   twotower-recs bert4rec-recs dbsetup (default: all, in that order; a later
#   stage reads the outputs an earlier run left in DIR).
set -euo pipefail
dir=${1:-build/bench-scale}
shift || true
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(process features semantic train-twotower train-bert4rec twotower-recs bert4rec-recs dbsetup)
data=$dir/ml-25m-synth
o=$dir/stages
mkdir -p "$o/metrics" "$o/logs" "$o/bounded"
if [ ! -f "$data/ratings.csv" ]; then
  bin/pipeline synth --format ml-25m --ratings 25000000 --users 162000 --movies 62000 --seed 1 --out "$data"
fi
P=(--params params.yaml --set data_processing.dataset=ml-25m)
tiny=(--set model_training.bert4rec.hidden_size=16 --set model_training.bert4rec.num_layers=1
  --set model_training.bert4rec.num_heads=1 --set model_training.bert4rec.epochs=1
  --set model_training.bert4rec.sampled_softmax=256
  --set model_training.two_tower.embedding_dim=16 --set model_training.two_tower.text_components=16
  --set model_training.two_tower.text_dim=8 --set 'model_training.two_tower.user_layers=[16]'
  --set 'model_training.two_tower.item_layers=[16]' --set model_training.two_tower.epochs=1)

# measure LABEL CMD...: one line "LABEL wall W s, cpu C s, peak RSS R MiB"
# (also appended to $o/results.txt); the command's output goes to
# $o/logs/LABEL.log.
measure() {
  local label=$1 rc=0
  shift
  /usr/bin/time -f "%e %U %S %M %x" -o "$o/time.txt" "$@" >"$o/logs/$label.log" 2>&1 || rc=$?
  report "$label" "$o/time.txt"
  return "$rc"
}

# report LABEL FILE: the line of measure from /usr/bin/time's output FILE
# (its last line; a first line says the command failed).
report() {
  tail -n 1 "$2" | awk -v l="$1" '{printf "%s wall %.1f s, cpu %.1f s, peak RSS %d MiB, exit %s\n", l, $1, $2+$3, $4/1024, $5}' | tee -a "$o/results.txt"
}

# epoch_rate NAME LOG: s/epoch from a trainer's redrawn progress lines
# ("epoch 1/E batch J/N ... elapsed T"): (T_last - T_first) / (J_last -
# J_first) * N.
epoch_rate() {
  local name=$1
  shift
  tr '\r' '\n' <"$1" | sed -nE 's/.*batch ([0-9]+)\/([0-9]+).* elapsed ([0-9hms.]+) .*/\1 \2 \3/p' | awk -v name="$name" '
    function secs(s,   t, n) {
      t = 0
      if (match(s, /[0-9]+h/)) { t += 3600 * substr(s, RSTART, RLENGTH - 1) }
      if (match(s, /[0-9]+m/)) { t += 60 * substr(s, RSTART, RLENGTH - 1) }
      if (match(s, /[0-9.]+s/)) { t += substr(s, RSTART, RLENGTH - 1) }
      return t
    }
    $1 > 0 { if (!n++) { j0 = $1; e0 = secs($3) } j1 = $1; e1 = secs($3); steps = $2 }
    END {
      if (j1 > j0) printf "%s: %d of %d steps of epoch 1 in %.1f s: %.4f s/step, about %.0f s/epoch (extrapolated)\n", name, j1 - j0, steps, e1 - e0, (e1 - e0) / (j1 - j0), (e1 - e0) / (j1 - j0) * steps
      else printf "%s: too few progress lines to extrapolate an epoch\n", name
    }'
}

# bounded NAME CMD: CMD (one shell word) for TRAIN_SECONDS, then stopped;
# its peak RSS and extrapolated s/epoch. A pseudo-terminal (script) makes
# the progress reporter redraw its batch line; time waits for timeout,
# which waits for the trainer, so the trainer's peak RSS is counted.
bounded() {
  script -qc "/usr/bin/time -f '%e %U %S %M %x' -o $o/time.txt timeout ${TRAIN_SECONDS:-300} $2" \
    /dev/null >"$o/logs/$1.log" 2>&1 </dev/null || true
  report "$1" "$o/time.txt"
  epoch_rate "$1" "$o/logs/$1.log" | tee -a "$o/results.txt"
}

for s in "${stages[@]}"; do
  case $s in
  process)
    measure process bin/process "${P[@]}" --raw "$data" --out "$o/processed" --metrics "$o/metrics/process.json" ;;
  features)
    measure features bin/features "${P[@]}" --processed "$o/processed" --out "$o/features" --metrics "$o/metrics/features.json" ;;
  semantic)
    measure semantic bin/semantic "${P[@]}" build --processed "$o/processed" --features "$o/features" --index "$o/models/semantic.bin" --metrics "$o/metrics/semantic.json" ;;
  train-twotower)
    bounded train-twotower "bin/train-twotower ${P[*]} --processed $o/processed --features $o/features --model $o/bounded/twotower.bin --recs $o/bounded/twotower.parquet --vectors $o/bounded/vectors --metrics $o/bounded/train-twotower.json" ;;
  twotower-recs)
    measure twotower-recs bin/train-twotower "${P[@]}" "${tiny[@]}" --processed "$o/processed" --features "$o/features" \
      --model "$o/models/twotower.bin" --recs "$o/recs/twotower.parquet" --vectors "$o/vectors" --metrics "$o/metrics/train-twotower.json" ;;
  bert4rec-recs)
    measure bert4rec-recs bin/train-bert4rec "${P[@]}" "${tiny[@]}" --processed "$o/processed" --features "$o/features" \
      --model "$o/models/bert4rec.bin" --recs "$o/recs/bert4rec.parquet" --metrics "$o/metrics/train-bert4rec.json" ;;
  train-bert4rec)
    bounded train-bert4rec "bin/train-bert4rec ${P[*]} --set model_training.bert4rec.sampled_softmax=2048 --processed $o/processed --features $o/features --model $o/bounded/bert4rec.bin --recs $o/bounded/bert4rec.parquet --metrics $o/bounded/train-bert4rec.json" ;;
  dbsetup)
    measure dbsetup bin/dbsetup "${P[@]}" --processed "$o/processed" --recs "$o/recs" --vectors "$o/vectors" --features "$o/features" \
      --metrics-dir "$o/metrics" --db "$o/moviegenie.db" --metrics "$o/metrics/dbsetup.json" ;;
  *)
    echo "bench-scale-stages: unknown stage $s" >&2
    exit 2 ;;
  esac
done

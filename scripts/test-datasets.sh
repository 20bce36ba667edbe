#!/usr/bin/env bash
# End-to-end test of datasets other than ML-100K: in a copy of the
# repository in a temporary directory, `make all` on a tiny synthetic set in
# ML-25M's format (half stars, tags, no demographics) and then on a tiny set
# in the project's own csv format (with a users.csv), each with UNVERIFIED=1
# and one-epoch training. After each, the database must hold what process
# kept (its metrics' row counts), the ratings as given and the demographics
# the dataset has. Each dataset builds into its own output root
# (out/<dataset>): at the end both builds must be intact side by side,
# `make -q` clean for each, and the top-level (ML-100K) root untouched.
# Needs sqlite3 (as the README's queries do).
# Usage: scripts/test-datasets.sh
set -euo pipefail
repo=$(pwd)
command -v sqlite3 >/dev/null || { echo "test-datasets: sqlite3 is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# A copy of the source tree (tracked and untracked-but-not-ignored files).
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work")
cd "$work"
cat >test-params.yaml <<'EOF'
feature_engineering:
  embedding_dim: 16
  max_sequence_length: 20
model_training:
  bert4rec:
    hidden_size: 16
    num_layers: 1
    num_heads: 1
    batch_size: 64
    epochs: 1
  two_tower:
    embedding_dim: 16
    text_components: 16
    text_dim: 8
    user_layers: [16]
    item_layers: [16]
    epochs: 1
EOF
export PARAMS_OVERRIDE=test-params.yaml
unset MAKEFLAGS MFLAGS MAKELEVEL MAKE_RESTARTS || true

pass=0; fail=0
ok()  { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
# expect DESC GOT WANT
expect() { if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got $2, want $3"; fi; }
root=  # the output root of the dataset under test
q() { sqlite3 "$root/data/moviegenie.db" "$1"; }
# processed N: the row count of table N that process recorded.
processed() { sqlite3 :memory: "SELECT json_extract(readfile('$root/metrics/process.json'), '\$.rows.$1')"; }
# The top-level root's tracked files (ML-100K's metrics and reports).
top_sum() { find metrics reports -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
top_before=$(top_sum)
declare -A dbsum

# The raw sets: ML-25M's format from synth; the csv set is the same data
# renamed to the csv format's headers, plus demographics for every user.
make -s bin/pipeline >/dev/null
bin/pipeline synth --format ml-25m --ratings 3000 --users 60 --movies 200 --seed 7 --out "$work/raw-25m" >/dev/null
mkdir "$work/raw-csv"
{ echo user_id,movie_id,rating,timestamp; tail -n +2 "$work/raw-25m/ratings.csv"; } >"$work/raw-csv/ratings.csv"
{ echo movie_id,title,genres; tail -n +2 "$work/raw-25m/movies.csv" | sed 's/,(no genres listed)$/,/'; } >"$work/raw-csv/movies.csv"
{ echo user_id,age,gender,occupation,zip_code
  for u in $(seq 1 60); do
    echo "$u,$((18 + u % 50)),$([ $((u % 2)) = 0 ] && echo F || echo M),$([ $((u % 3)) = 0 ] && echo engineer || echo artist),0$((2100 + u))"
  done; } >"$work/raw-csv/users.csv"
n_raw=$(($(wc -l <"$work/raw-25m/ratings.csv") - 1))

for ds in ml-25m csv; do
  t0=$SECONDS
  root=out/$ds
  if ! make all DATASET=$ds DATA_DIR="$work/raw-${ds#ml-}" UNVERIFIED=1 >"$work/make-$ds.log" 2>&1; then
    bad "make all DATASET=$ds failed; the end of its log:"
    tail -n 30 "$work/make-$ds.log"
    continue
  fi
  ok "make all DATASET=$ds ($((SECONDS - t0)) s)"
  # Every stage ran on this dataset (none left over from the previous one).
  ran=$(sed -nE 's|^bin/([a-z0-9-]+) .*|\1|p' "$work/make-$ds.log" | grep -vx pipeline | sort | tr '\n' ' ')
  expect "$ds: stages run" "$ran" "dbsetup features process semantic train-bert4rec train-twotower "
  expect "$ds: $root/metrics/process.json names the dataset" \
    "$(sqlite3 :memory: "SELECT COALESCE(json_extract(readfile('$root/metrics/process.json'), '\$.params.dataset'), json_extract(readfile('$root/metrics/process.json'), '\$.params.data_processing.dataset'))")" "$ds"
  for t in ratings users movies; do
    expect "$ds: $t in the database = $t process kept" "$(q "SELECT COUNT(*) FROM $t")" "$(processed $t)"
  done
  r=$(q "SELECT COUNT(*) FROM ratings")
  if [ "$r" -gt $((n_raw / 2)) ] && [ "$r" -le "$n_raw" ]; then ok "$ds: $r of $n_raw ratings kept"; else bad "$ds: $r of $n_raw ratings kept"; fi
  # The same ratings on the same scale, half stars as given.
  # Each kept rating as the raw file gives it: value and time.
  rm -f "$work/raw.db"
  sqlite3 "$work/raw.db" "CREATE TABLE raw (user_id INTEGER, movie_id INTEGER, rating REAL, ts INTEGER)" \
    ".import --csv --skip 1 $work/raw-${ds#ml-}/ratings.csv raw"
  expect "$ds: kept ratings equal to the raw file's (value, timestamp)" \
    "$(sqlite3 "$work/raw.db" "ATTACH '$root/data/moviegenie.db' AS m" \
      "SELECT COUNT(*) FROM m.ratings r JOIN raw USING (user_id, movie_id) WHERE raw.rating = r.rating AND raw.ts = r.timestamp")" "$r"
  expect "$ds: half-star ratings present" "$(q "SELECT COUNT(*) > 0 FROM ratings WHERE rating * 2 % 2 = 1")" 1
  expect "$ds: ratings outside 0.5..5 or not in half stars" \
    "$(q "SELECT COUNT(*) FROM ratings WHERE rating < 0.5 OR rating > 5 OR rating * 2 <> CAST(rating * 2 AS INTEGER)")" 0
  for m in bert4rec twotower; do
    expect "$ds: recommendations of $m" "$(q "SELECT COUNT(DISTINCT user_id) FROM recommendations WHERE model = '$m'") " "$(q "SELECT COUNT(*) FROM users") "
  done
  if [ $ds = csv ]; then
    expect "$ds: users with demographics" "$(q "SELECT COUNT(*) FROM users WHERE age IS NOT NULL AND gender IS NOT NULL AND occupation_id IS NOT NULL AND zip_code IS NOT NULL")" "$(processed users)"
    expect "$ds: occupations" "$(q "SELECT group_concat(name) FROM (SELECT name FROM occupations ORDER BY name)")" "artist,engineer"
  else
    expect "$ds: users without demographics" "$(q "SELECT COUNT(*) FROM users WHERE age IS NULL AND gender IS NULL AND occupation_id IS NULL AND zip_code IS NULL")" "$(processed users)"
    expect "$ds: occupations" "$(q "SELECT COUNT(*) FROM occupations")" 0
  fi
  expect "$ds: pipeline_runs name the dataset" "$(q "SELECT group_concat(DISTINCT dataset) FROM pipeline_runs")" "$ds"
  dbsum[$ds]=$(sha256sum <"$root/data/moviegenie.db")
done

# Side by side: after both builds, each root is complete and up to date
# (switching DATASET back reruns nothing), its database as built, and
# `make metrics` names its dataset; the ML-100K root saw none of it.
for ds in ml-25m csv; do
  root=out/$ds
  if make -q all DATASET=$ds DATA_DIR="$work/raw-${ds#ml-}" UNVERIFIED=1 >/dev/null 2>&1; then
    ok "$ds: make -q all is clean after both builds"
  else
    bad "$ds: make -q all would rebuild after the other dataset's build:"
    make -n all DATASET=$ds DATA_DIR="$work/raw-${ds#ml-}" UNVERIFIED=1 2>&1 | head -n 10
  fi
  expect "$ds: database unchanged by the other dataset's build" "$(sha256sum <"$root/data/moviegenie.db")" "${dbsum[$ds]}"
  expect "$ds: make metrics names the dataset" "$(make -s metrics DATASET=$ds | grep -c "^Stages, dataset $ds\$")" 1
done
expect "top-level root: no processed data, models or database" "$(ls -d data/processed data/features data/moviegenie.db models 2>/dev/null | wc -l)" 0
expect "top-level root: tracked metrics and reports unchanged" "$(top_sum)" "$top_before"

echo "test-datasets: $pass passed, $fail failed in $((SECONDS - start)) s"
[ "$fail" = 0 ]

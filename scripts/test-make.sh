#!/usr/bin/env bash
# Scripted test of the Make behaviour the README promises, run on a copy of
# the repository in a temporary directory with the real MovieLens 100K:
#   - after a build, make -n has nothing to do;
#   - touching a raw file reruns process (and what follows), nothing else;
#   - editing a model's params reruns only that model, not process/features;
#   - editing and reverting a param leaves nothing to do;
#   - changing a package reruns only the stages whose binaries import it;
#   - a killed stage leaves no output that Make takes as up to date;
#   - make why names the changed param; make dag lists the stages;
#   - make -j2 builds the same outputs.
# Usage: scripts/test-make.sh [ML100K_DIR]
set -euo pipefail
repo=$(pwd)
ml=${1:-$repo/../shared/data/ml-100k}
ml=$(cd "$ml" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of the source tree (tracked and untracked-but-not-ignored files).
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work")
cd "$work"
export ML100K_DIR=$ml
unset MAKEFLAGS MFLAGS MAKELEVEL || true

pass=0; fail=0
ok()   { pass=$((pass+1)); echo "ok   $*"; }
bad()  { fail=$((fail+1)); echo "FAIL $*"; }
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

# Which stage binaries `make -n TARGET` would run.
would_run() { make -n "$@" 2>/dev/null | grep -oE '^bin/[a-z0-9-]+ ' | sed 's|bin/||; s| $||' | grep -v '^pipeline$' | sort -u | tr '\n' ' ' || true; }
nothing_to_do() { [ -z "$(would_run "$@")" ]; }
runs() { local stage=$1; shift; [[ " $(would_run "$@") " == *" $stage "* ]]; }

target=features

echo "# building $target"
make "$target" >build.log 2>&1 || { cat build.log; bad "make $target"; exit 1; }
ok "make $target builds"
check "make -n $target has nothing to do after a build" nothing_to_do "$target"

touch data/raw/ml-100k/u.data
check "touching u.data reruns process" runs process "$target"
make "$target" >/dev/null 2>&1
check "then make -n has nothing to do" nothing_to_do "$target"

sed -i '/^  bert4rec:/,/^  [a-z_]*:$/ s/^\(    epochs:\) 50$/\1 7/' params.yaml
grep -q 'epochs: 7' params.yaml || bad "could not edit params.yaml"
check "editing model_training.bert4rec.epochs does not rerun process/features" nothing_to_do "$target"
if [ -d cmd/train-bert4rec ]; then
  check "editing model_training.bert4rec.epochs reruns train-bert4rec" runs train-bert4rec models/bert4rec.bin
fi
sed -i 's/^\(    epochs:\) 7$/\1 50/' params.yaml

sed -i 's/min_ratings_per_movie: 5/min_ratings_per_movie: 6/' params.yaml
check "editing data_processing reruns process" runs process "$target"
check "make why names the changed data_processing param" bash -c "make why T=data/processed/ratings.parquet | grep -q 'min_ratings_per_movie 5 -> 6'"
sed -i 's/min_ratings_per_movie: 6/min_ratings_per_movie: 5/' params.yaml
check "reverting the edit leaves nothing to do" nothing_to_do "$target"

check "a SET override reruns process" runs process "$target" SET=data_processing.test_split_ratio=0.25
check "dropping the override again leaves nothing to do" nothing_to_do "$target"

touch pkg/rawdata/rawdata.go   # used by the pipeline tool, not by process
check "changing a package process does not import leaves process alone" nothing_to_do "$target"
touch pkg/split/*.go 2>/dev/null || touch pkg/movielens/*.go
check "changing a package process imports reruns process" runs process "$target"
make "$target" >/dev/null 2>&1
check "then nothing to do" nothing_to_do "$target"

# A stage killed midway (SIGKILL): the old outputs survive intact, and
# the stage is not taken as done.
before=$(sha256sum data/processed/*.parquet)
touch bin/process
( make "$target" >kill.log 2>&1 || true ) &
makepid=$!
until pkill -KILL -f '^bin/process ' 2>/dev/null; do sleep 0.01; done
wait $makepid || true
check "a killed process leaves every processed table intact" bash -c "[ \"\$(sha256sum data/processed/*.parquet)\" = '$before' ]"
check "after the kill, make -n says process will rerun" runs process "$target"
make "$target" >/dev/null 2>&1
check "and make completes it" nothing_to_do "$target"

check "make dag lists the process stage" bash -c "make -s dag | grep '^process' >/dev/null"
rm -rf data/processed data/features metrics
make -j2 "$target" >/dev/null 2>&1
check "make -j2 $target builds everything" nothing_to_do "$target"

echo "make behaviour: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Test of the cluster path (make ... EXECUTOR=slurm, scripts/srun-shell) on a
# Slurm cluster: the one SLURM_CONF names, else the one-node cluster of
# scripts/slurm-local.sh (started here when it is not running and we are
# root, and stopped again at the end). Without Slurm it says so and exits 0.
# On a copy of the repository in a temporary directory, with the real
# MovieLens 100K and .ci/params-short.yaml:
#   1. make all locally (the reference), then the same with EXECUTOR=slurm
#      from a copy of it with every stage's outputs and record removed:
#      every stage ran as a Slurm job of its name (job id in its log's name
#      and header, COMPLETED for scontrol), every output is byte-identical
#      to the local one except the timings in metrics/*.json and the
#      database's build time and pipeline_runs, and make -q has nothing left;
#   2. make -n prints the same with EXECUTOR=slurm as without;
#   3. make -j2 train-bert4rec train-twotower: both jobs RUNNING at once;
#   4. scancel of the running train-bert4rec job: make fails naming the
#      stage, job and log; no file changed or vanished; make -n names the
#      stage; the next make all completes;
#   5. a recipe that exits 1 inside its job, and a job Slurm refuses: make
#      fails with the stage, job id (when there is one) and log path.
# Usage: scripts/test-slurm.sh [ML100K_DIR]
set -euo pipefail
repo=$(pwd)
ml=${1:-${ML100K_DIR:-$repo/../shared/data/ml-100k}}
ml=$(cd "$ml" && pwd)
start=$SECONDS

skip() { echo "SKIP scripts/test-slurm.sh: $*; EXECUTOR=slurm was NOT tested"; exit 0; }
if ! command -v srun >/dev/null || ! command -v sinfo >/dev/null; then
  skip "Slurm is not installed (apt-get install -y slurm-wlm munge, as .ci/run does)"
fi
work=$(mktemp -d)
started_cluster=
cleanup() {
  local p
  for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done
  if [ -n "$started_cluster" ] && flock -xn 8; then "$repo/scripts/slurm-local.sh" stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Several tests may share the local cluster: each holds a shared lock on it
# while it runs; the one that started it stops it only if none holds one.
if [ -z "${SLURM_CONF:-}" ]; then
  eval "$(scripts/slurm-local.sh env)"
  export SLURM_CONF
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$(dirname "$SLURM_CONF")"
    exec 8>>"$(dirname "$SLURM_CONF")/test-users.lock" 7>>"$(dirname "$SLURM_CONF")/test-start.lock"
    flock -s 8
    flock -x 7
    if ! scripts/slurm-local.sh status >/dev/null 2>&1; then
      scripts/slurm-local.sh start 7>&- 8>&- # the daemons must not hold the locks
      started_cluster=yes
    fi
    flock -u 7
  elif ! scripts/slurm-local.sh status >/dev/null 2>&1; then
    skip "no cluster: SLURM_CONF is not set and the local cluster is not running (sudo scripts/slurm-local.sh start)"
  fi
fi
if ! sinfo -h >/dev/null; then
  echo "FAIL the cluster of SLURM_CONF=$SLURM_CONF does not answer (sinfo above)"
  exit 1
fi

unset MAKEFLAGS MFLAGS MAKELEVEL MAKE_RESTARTS EXECUTOR SET PARAMS_OVERRIDE SLURM_PARTITION SLURM_ACCOUNT SRUN_FLAGS || true
export ML100K_DIR=$ml

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }
# run LOG CMD...: run CMD with its output in LOG; show LOG's end when it fails.
run() {
  local log=$1 rc=0
  shift
  "$@" >"$log" 2>&1 || rc=$?
  [ $rc != 0 ] || return 0
  echo "     ($* exited $rc; end of $log:)"; tail -n 15 "$log" | sed 's/^/     | /'
  return $rc
}

STAGES="data process features train-bert4rec train-twotower semantic dbsetup"
SHORT=.ci/params-short.yaml

# outputs: every stage output the records of the current directory list.
outputs() { grep -ho '"path": *"[^"]*"' build/stages/*.json | sed 's/.*"\([^"]*\)"$/\1/' | sort -u; }
# sums: SHA-256 of every stage output, to compare two moments.
sums() { outputs | xargs sha256sum 2>&1; }
# db_dump DB: the database's rows, without its build time and the run timings.
db_dump() {
  local t
  for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('meta','pipeline_runs') ORDER BY name"); do
    echo "== $t"; sqlite3 "$1" "SELECT * FROM \"$t\""
  done
}
# jobs_here: id, name and state of the jobs running in this directory (others
# may use the cluster at the same time).
jobs_here() { squeue -h -o '%i %j %T %Z' | awk -v d="$PWD" '$4 == d { print $1, $2, $3 }'; }
# job_of STAGE: the job id in the name of STAGE's newest log.
job_of() { ls -t logs/"$1".*.log 2>/dev/null | head -n1 | sed "s|^logs/$1\.\([0-9][0-9]*\)\.log$|\1|"; }
job_state() { scontrol show job "$1" -o 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# --- 1. the reference, then the same on the cluster ----------------------
mkdir "$work/local"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work/local")
cd "$work/local"
check "local make all PARAMS_OVERRIDE=$SHORT (the reference)" run "$work/local.log" make all PARAMS_OVERRIDE=$SHORT
echo "     ($((SECONDS - start)) s)"

cp -a "$work/local" "$work/slurm"
cd "$work/slurm"
outputs | xargs rm -f
rm -f build/stages/*.json
t0=$SECONDS
check "make all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT" run "$work/slurm.log" make all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT
echo "     ($((SECONDS - t0)) s)"
for s in $STAGES; do
  id=$(job_of "$s")
  if [ -z "$id" ]; then bad "$s ran as a Slurm job: no logs/$s.<jobid>.log"; continue; fi
  state=$(job_state "$id" JobState)
  name=$(job_state "$id" JobName)
  if grep -q "^# stage $s, Slurm job $id on " "logs/$s.$id.log" && grep -q "^# exit status 0," "logs/$s.$id.log" &&
    { [ -z "$state" ] || [ "$state.$name" = "COMPLETED.$s" ]; }; then
    ok "$s ran as Slurm job $id (logs/$s.$id.log${state:+, scontrol: $name $state})"
  else
    bad "$s as Slurm job $id: log header/exit line or scontrol ($name $state) wrong"
  fi
done
n=$(ls logs/*.log | wc -l)
check "one job per stage (logs: $n, stages: $(echo $STAGES | wc -w))" [ "$n" = "$(echo $STAGES | wc -w)" ]
differ=
db=
for f in $(outputs); do
  case $f in
    metrics/*.json) continue ;; # wall/CPU time, memory, dates
    *.db) db=$f; continue ;;
  esac
  cmp -s "$f" "$work/local/$f" || differ="$differ $f"
done
check "outputs byte-identical to the local run ($(outputs | grep -vc '^metrics/') files)${differ:+; differ:$differ}" [ -z "$differ" ]
if [ -n "$db" ] && command -v sqlite3 >/dev/null; then
  check "$db: every table identical to the local run's (but meta's build time and pipeline_runs' timings)" \
    cmp -s <(db_dump "$db") <(db_dump "$work/local/$db")
elif [ -n "$db" ]; then
  echo "note $db not compared: sqlite3 is not installed"
fi
check "make -q all EXECUTOR=slurm: nothing left to do" make -q all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT

# --- 2. make -n is the same with either executor -------------------------
SMALL='model_training.bert4rec.hidden_size=16 model_training.bert4rec.num_layers=1 model_training.bert4rec.num_heads=1 model_training.bert4rec.epochs=1 model_training.two_tower.epochs=1'
make -n all PARAMS_OVERRIDE=$SHORT SET="$SMALL" >"$work/n-local" 2>&1 || true
make -n all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL" >"$work/n-slurm" 2>&1 || true
check "make -n all prints the same with EXECUTOR=slurm ($(wc -l <"$work/n-slurm") lines)" cmp -s "$work/n-local" "$work/n-slurm"

# --- 3. -j2: two stage jobs at once --------------------------------------
t0=$SECONDS
(while :; do jobs_here; echo --; sleep 0.2; done >"$work/squeue.log" 2>&1) &
poller=$!
check "make -j2 train-bert4rec train-twotower EXECUTOR=slurm" run "$work/j2.log" make -j2 train-bert4rec train-twotower EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL"
kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null || true
both=$(awk '/^--$/ { if (b && t) n++; b = t = 0; next } $2 == "train-bert4rec" && $3 == "RUNNING" { b = 1 } $2 == "train-twotower" && $3 == "RUNNING" { t = 1 } END { print n + 0 }' "$work/squeue.log")
check "both trainers' jobs RUNNING at the same time (in $both squeue samples; $((SECONDS - t0)) s)" [ "$both" -gt 0 ]
t0=$SECONDS

# --- 4. scancel of a running stage loses nothing -------------------------
SMALL2="${SMALL/bert4rec.epochs=1/bert4rec.epochs=3}"
before=$(sums)
ls logs >"$work/logs-before"
make all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL2" >"$work/cancel.log" 2>&1 &
mk=$!
id=
for _ in $(seq 1 600); do
  id=$(jobs_here | awk '$2 == "train-bert4rec" && $3 == "RUNNING" { print $1; exit }')
  [ -z "$id" ] || break
  kill -0 "$mk" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$id" ]; then
  sleep 0.5
  scancel "$id"
  rc=0; wait "$mk" || rc=$?
  check "make fails after scancel of job $id (exit $rc)" [ "$rc" != 0 ]
  check "its message names the stage, the job, CANCELLED and the log" \
    grep -q "stage train-bert4rec failed: Slurm job $id CANCELLED .*log: logs/train-bert4rec.$id.log" "$work/cancel.log"
  check "no output changed or vanished" [ "$before" = "$(sums)" ]
  make -n all PARAMS_OVERRIDE=$SHORT SET="$SMALL2" >"$work/n-after-cancel" 2>&1 || true
  check "make -n names train-bert4rec first" [ "$(grep -m1 '^bin/' "$work/n-after-cancel" | cut -d' ' -f1)" = bin/train-bert4rec ]
  check "the next make all EXECUTOR=slurm completes" run "$work/after-cancel.log" make all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL2"
  check "and leaves nothing to do ($((SECONDS - t0)) s)" make -q all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL2"
else
  wait "$mk" || true
  bad "train-bert4rec's job never showed as RUNNING (end of the make output:)"; tail -n 15 "$work/cancel.log" | sed 's/^/     | /'
fi

# --- 5. failures name the stage, the job and the log ---------------------
printf '#!/bin/sh\necho "semantic: simulated failure" >&2\nexit 1\n' >bin/semantic
rc=0; make all EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL2" >"$work/bad.log" 2>&1 || rc=$?
id=$(job_of semantic)
check "a recipe exiting 1 in its job fails make (exit $rc)" [ "$rc" != 0 ]
check "with the stage, job id, state and log in the message" \
  grep -q "stage semantic failed: Slurm job $id FAILED (exit status 1); log: logs/semantic.$id.log" "$work/bad.log"
check "the log holds the job's output" grep -q "simulated failure" "logs/semantic.$id.log"
make -n all PARAMS_OVERRIDE=$SHORT SET="$SMALL2" >"$work/n-after-bad" 2>&1 || true
check "make -n still names semantic" grep -q '^bin/semantic ' "$work/n-after-bad"
rc=0; make semantic EXECUTOR=slurm PARAMS_OVERRIDE=$SHORT SET="$SMALL2" SLURM_PARTITION=no-such-partition >"$work/refused.log" 2>&1 || rc=$?
check "a job Slurm refuses (no such partition) fails make (exit $rc) naming the stage" \
  grep -q "stage semantic failed before its Slurm job started" "$work/refused.log"

echo "test-slurm: $pass passed, $fail failed ($((SECONDS - start)) s)"
[ "$fail" = 0 ]

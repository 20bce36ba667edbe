#!/usr/bin/env bash
# slurm-local.sh start|stop|status|env: a one-node Slurm cluster on this
# machine, from Debian's slurm-wlm and munge packages, so the cluster path of
# the pipeline (make all EXECUTOR=slurm) can be tried on a laptop and tested
# in CI. Everything (slurm.conf, munge key and socket, daemon state, logs)
# lives in one state directory; nothing under /etc is touched.
#
#   scripts/slurm-local.sh start    # write slurm.conf, start munged, slurmctld, slurmd;
#                                   # wait until sinfo shows the node idle
#   eval "$(scripts/slurm-local.sh env)"   # point srun/sinfo/squeue at it (SLURM_CONF)
#   scripts/slurm-local.sh status   # sinfo and squeue; exit 3 when it is not running
#   scripts/slurm-local.sh stop     # stop the three daemons
#
# Settings (environment):
#   SLURM_LOCAL_DIR   state directory (default ${TMPDIR:-/tmp}/moviegenie-slurm)
#   SLURM_LOCAL_PORT  slurmctld port; slurmd uses the next one (default 6817)
#   SLURM_LOCAL_CPUS  CPUs the node offers (default: this machine's, at least 4)
#   SLURM_LOCAL_MEM   memory the node offers, in MB (default: this machine's,
#                     at least 8192)
#
# The node offers at least 4 CPUs and 8 GB, so that two of the pipeline's
# biggest stage requests (2 CPUs, 4G) fit at once even on a small machine,
# and jobs may share cores (OverSubscribe=FORCE:4), as recipes do under a
# local make -j: what the jobs really use is this machine's cores and memory
# (the stages need far less than they ask for). Needs root (slurmd starts
# job steps as the submitting user).
set -euo pipefail

DIR=${SLURM_LOCAL_DIR:-${TMPDIR:-/tmp}/moviegenie-slurm}
PORT=${SLURM_LOCAL_PORT:-6817}
CONF=$DIR/slurm.conf
SOCKET=$DIR/munge/munge.socket
NODE=$(hostname -s)

say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# pid_alive FILE: the process whose id FILE holds is running.
pid_alive() { [ -s "$1" ] && ps -p "$(cat "$1")" >/dev/null 2>&1; }

# node_state prints the node's state as sinfo reports it (idle, mix, down*, ...).
node_state() { SLURM_CONF=$CONF timeout 10 sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null | head -n1; }

# show_logs prints the end of each daemon log, for a start that failed.
show_logs() {
  local f
  for f in "$DIR"/log/*.log; do
    [ -f "$f" ] || continue
    printf '==> %s <==\n' "$f" >&2
    tail -n 15 "$f" >&2
  done
}

write_conf() {
  local cpus mem
  cpus=${SLURM_LOCAL_CPUS:-$(nproc)}
  mem=${SLURM_LOCAL_MEM:-$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)}
  [ -n "${SLURM_LOCAL_CPUS:-}" ] || [ "$cpus" -ge 4 ] || cpus=4
  [ -n "${SLURM_LOCAL_MEM:-}" ] || [ "$mem" -ge 8192 ] || mem=8192
  mkdir -p "$DIR"/munge "$DIR"/ctld "$DIR"/spool "$DIR"/log
  chmod 755 "$DIR"/munge
  cat > "$CONF.tmp" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on $NODE.
ClusterName=moviegenie
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# No cgroups needed: processes are tracked by parentage, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# One line per finished job (id, name, state, times): a record without slurmdbd.
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# The node offers what this file says, even more than the machine has.
SlurmdParameters=config_overrides
ReturnToService=2
# A cancelled or timed-out job gets SIGTERM, then SIGKILL 5 s later.
KillWait=5
InactiveLimit=0
MailProg=/bin/true
MinJobAge=600
# A job that does not say how much memory it needs gets 1 GB, not the node.
DefMemPerNode=1024
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  mv "$CONF.tmp" "$CONF"
}

start() {
  [ "$(id -u)" = 0 ] || die "start needs root (slurmd runs jobs as their user): sudo $0 start"
  local b
  for b in munged slurmctld slurmd sinfo srun; do
    command -v "$b" >/dev/null || die "$b not found: apt-get install -y slurm-wlm munge"
  done
  if pid_alive "$DIR/slurmctld.pid" && pid_alive "$DIR/slurmd.pid"; then
    say "already running (state in $DIR)"
  else
    write_conf
    if ! pid_alive "$DIR/munged.pid"; then
      [ -s "$DIR/munge/munge.key" ] || {
        head -c 1024 /dev/urandom > "$DIR/munge/munge.key.tmp"
        chmod 600 "$DIR/munge/munge.key.tmp"
        mv "$DIR/munge/munge.key.tmp" "$DIR/munge/munge.key"
      }
      rm -f "$SOCKET" "$SOCKET.lock"
      munged --force --socket="$SOCKET" --key-file="$DIR/munge/munge.key" \
        --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" \
        --seed-file="$DIR/munge/munge.seed" || { show_logs; die "munged did not start"; }
    fi
    pid_alive "$DIR/slurmctld.pid" || SLURM_CONF=$CONF slurmctld -i -f "$CONF" || { show_logs; die "slurmctld did not start"; }
    pid_alive "$DIR/slurmd.pid" || SLURM_CONF=$CONF slurmd -f "$CONF" -N "$NODE" || { show_logs; die "slurmd did not start"; }
  fi
  local state deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    # (a daemon writes its pid file a moment after it forked)
    for b in slurmctld slurmd; do
      [ ! -s "$DIR/$b.pid" ] || pid_alive "$DIR/$b.pid" || { show_logs; die "$b exited (log above)"; }
    done
    state=$(node_state || true)
    case $state in
      idle|mix|alloc) say "node $NODE is $state; state in $DIR"; say "use it: export SLURM_CONF=$CONF"; return 0 ;;
      drain*|down|down~|fail*) SLURM_CONF=$CONF scontrol update NodeName="$NODE" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
  done
  show_logs
  die "node $NODE did not become idle within 60 s (last state: ${state:-none})"
}

# stop_daemon NAME: SIGTERM the daemon whose pid file this script's cluster
# wrote, wait up to 10 s for it to exit, then SIGKILL it.
stop_daemon() {
  local pidfile=$DIR/$1.pid pid i
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }; sleep 0.2; done
  say "$1 (pid $pid) did not stop within 10 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  local rc=0
  stop_daemon slurmd || rc=1
  stop_daemon slurmctld || rc=1
  stop_daemon munged || rc=1
  [ $rc = 0 ] && say "stopped (state kept in $DIR)"
  return $rc
}

status() {
  if ! pid_alive "$DIR/slurmctld.pid" || ! pid_alive "$DIR/slurmd.pid"; then
    say "not running (state dir $DIR)"
    return 3
  fi
  SLURM_CONF=$CONF sinfo -N -l
  SLURM_CONF=$CONF squeue
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) printf 'export SLURM_CONF=%q\n' "$CONF" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Holds LOCKFILE (flock) for as long as process PID lives, so that two
# builds never run side by side in one folder. Prints nothing and exits 0
# when the lock is taken (a background process keeps it); prints why and
# exits 1 when another build holds it. The Makefile calls it while it
# reads itself, with PID = the make process.
# Usage: scripts/build-lock.sh LOCKFILE PID
set -u
lock=$1 pid=$2
mkdir -p "$(dirname "$lock")"
exec 9>>"$lock"
if ! flock -n 9; then
  holder=$(cat "$lock.pid" 2>/dev/null || echo '?')
  # A holder whose make just ended lets go within a moment.
  if kill -0 "$holder" 2>/dev/null || ! flock -w 2 9; then
    echo "another make is building in this folder (pid $holder, see $lock.pid); wait until it finishes or stop it, then run make again"
    exit 1
  fi
fi
echo "$pid" >"$lock.pid"
# The background loop inherits descriptor 9 and with it the lock.
( trap '' INT; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done ) </dev/null >/dev/null 2>&1 &
exit 0

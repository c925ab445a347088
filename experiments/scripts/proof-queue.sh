#!/usr/bin/env bash
# Runs the long proofs (experiments/scripts/proofs.jobs) as a queue with two workers, so that two
# 1-thread trainings share the 2 cores (about 1.5x the images/s of one 2-thread training here). A job
# starts when the jobs it needs are done (or, for a need "file:PATH", when that file exists); "alone" jobs
# (latency measurements) pause the other worker's job (SIGTERM: it checkpoints and exits) and run with the
# machine to themselves. Every job resumes, so the queue can be stopped and started at any time:
#   RUNS=/work/runs NASPRUNE=/path/to/nasprune.dll experiments/scripts/proof-queue.sh start
#   experiments/scripts/proof-queue.sh status | stop
# WORKERS=1 runs the jobs one after another, each with all cores.
# State (locks, pids, logs) lives in $RUNS/queue; job logs in $RUNS/queue/<job>.log. A job runs with the
# binary it first started with ($RUNS/queue/<job>.binary); NASPRUNE applies to jobs not started yet.
# The whole script is one brace group, read before it runs: editing it cannot derail running workers.
{
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUNS=${RUNS:-runs}
export NASPRUNE=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}
JOBS=${JOBS:-experiments/scripts/proofs.jobs}
STATE="$RUNS/queue"
export WORKERS=${WORKERS:-2}
MAX_CRASHES=${MAX_CRASHES:-5}
POLL=${POLL:-30}   # seconds between looks for a ready job
mkdir -p "$STATE"

nasprune() { dotnet "$NASPRUNE" "$@"; }
export -f nasprune

log() { echo "[$(date -u +%FT%TZ)] $*" >> "$STATE/queue.log"; }

# Jobs as "name|needs|mode|done|command" lines, comments and blanks dropped, fields trimmed.
job_lines() { grep -v -e '^\s*#' -e '^\s*$' "$JOBS" | sed -E 's/\s*\|\s*/|/g; s/^\s+//'; }
field() { job_lines | grep "^$1|" | cut -d'|' -f"$2"; }
is_done() { bash -c "$(field "$1" 4)" 2>/dev/null; }
running() { ls -d "$STATE"/*.lock 2>/dev/null | wc -l; }

# ready: needs done; blocked: a need failed (or is blocked); else waiting. A need "file:PATH" is met once PATH
# exists (a file another job writes on its way, such as a phase's supernet).
state_of() {
  local name=$1
  is_done "$name" && { echo done; return; }
  [ -f "$STATE/$name.failed" ] && { echo failed; return; }
  [ -d "$STATE/$name.lock" ] && { echo running; return; }
  local needs; needs=$(field "$name" 2)
  [ "$needs" = "-" ] && { echo ready; return; }
  local s=ready n
  for n in $needs; do
    if [[ $n == file:* ]]; then
      bash -c "[ -e ${n#file:} ]" || s=waiting
      continue
    fi
    case $(state_of "$n") in
      done) ;;
      failed|blocked) echo blocked; return ;;
      *) s=waiting ;;
    esac
  done
  echo $s
}

# Takes the first ready job (a lock folder) and prints "name|mode|command", or prints nothing.
# Runs under a file lock so that two workers never take the same job.
pick() {
  [ -f "$STATE/alone" ] && return 0
  local name mode
  for name in $(job_lines | cut -d'|' -f1); do
    [ "$(state_of "$name")" = ready ] || continue
    mode=$(field "$name" 3)
    [ "$mode" = alone ] && touch "$STATE/alone"
    mkdir "$STATE/$name.lock"
    printf '%s|%s|%s\n' "$name" "$mode" "$(field "$name" 5-)"
    return 0
  done
}

# Jobs that may still run (not done, failed or blocked).
pending() {
  local name c=0
  for name in $(job_lines | cut -d'|' -f1); do
    case $(state_of "$name") in ready|waiting|running) c=$((c + 1)) ;; esac
  done
  echo $c
}

# SIGTERM the nasprune (dotnet) processes of the running jobs: they checkpoint and exit, and the job's
# shell, which is left alone, ends after them. Each job runs in its own process group (setsid).
pause_others() {
  local pidfile
  for pidfile in "$STATE"/*.lock/pid; do
    [ -f "$pidfile" ] && pkill -TERM -g "$(cat "$pidfile")" -f "^dotnet " 2>/dev/null || true
  done
}

worker() {
  local id=$1
  export -f job_lines field is_done state_of pick
  export JOBS STATE
  while [ ! -f "$STATE/stop" ]; do
    local picked name mode cmd
    picked=$(flock "$STATE/queue.mutex" bash -c pick)
    if [ -z "$picked" ]; then
      [ "$(pending)" = 0 ] && { log "worker $id: nothing left to run"; return 0; }
      sleep "$POLL"; continue
    fi
    IFS='|' read -r name mode cmd <<< "$picked"
    if [ "$mode" = alone ]; then
      pause_others
      while [ "$(running)" -gt 1 ]; do sleep 1; done
    fi
    # A job keeps the binary it started with (a resumed run must not change code under its checkpoint).
    [ -f "$STATE/$name.binary" ] || echo "$NASPRUNE" > "$STATE/$name.binary"
    log "worker $id: $name starts ($mode, $(cat "$STATE/$name.binary"))"
    local threads=1
    if [ "$mode" = alone ] || [ "$WORKERS" = 1 ]; then threads=$(nproc); fi
    # A native crash (a segmentation fault in libtorch) leaves the .NET runtime's crash report (every thread's
    # managed and native stack, JSON) and a minidump gdb can read, beside the job's log.
    DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpName="$STATE/$name-crash-%p.core" \
      NASPRUNE=$(cat "$STATE/$name.binary") THREADS=$threads setsid bash -c "$cmd" >> "$STATE/$name.log" 2>&1 &
    echo $! > "$STATE/$name.lock/pid"
    local rc=0; wait $! || rc=$?
    if is_done "$name"; then log "worker $id: $name done"
    elif [ $rc != 0 ]; then
      # A crash mid-run (seen before 1cde9a2: TorchSharp freeing a temporary Scalar during a libtorch call) or a
      # diverged step (exit 3: nothing of it saved) resumes from the last checkpoint; one that fails again and
      # again is marked.
      local crashes=$(( $(cat "$STATE/$name.crashes" 2>/dev/null || echo 0) + 1 ))
      echo $crashes > "$STATE/$name.crashes"
      local report; report=$(ls -t "$STATE/$name"-crash-*.crashreport.json 2>/dev/null | head -n 1 || true)
      [ -n "$report" ] && [ "$report" -nt "$STATE/$name.lock" ] && log "worker $id: $name left a crash report: $report"
      if [ $crashes -lt "$MAX_CRASHES" ]; then log "worker $id: $name crashed (exit $rc, crash $crashes of $MAX_CRASHES allowed; see $STATE/$name.log): resumes"
      else log "worker $id: $name FAILED (exit $rc, $crashes crashes; see $STATE/$name.log)"; touch "$STATE/$name.failed"; fi
    else log "worker $id: $name stopped before the end (resumes when picked again)"; fi
    rm -rf "$STATE/$name.lock"
    if [ "$mode" = alone ]; then rm -f "$STATE/alone"; fi
  done
  log "worker $id: stopped"
}

case "${1:-start}" in
  start)
    rm -rf "$STATE"/*.lock "$STATE/alone" "$STATE/stop" "$STATE"/*.crashes
    log "queue starts: $WORKERS workers, binary $NASPRUNE"
    rm -f "$STATE"/worker-*.pid
    for i in $(seq 1 "$WORKERS"); do
      nohup bash "$0" worker "$i" >> "$STATE/worker-$i.out" 2>&1 &
      echo $! > "$STATE/worker-$i.pid"
    done
    echo "queue started; log: $STATE/queue.log" ;;
  worker) worker "$2" ;;
  stop)
    touch "$STATE/stop"
    pause_others
    for pidfile in "$STATE"/worker-*.pid; do
      [ -f "$pidfile" ] || continue
      while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 1; done
    done
    echo "queue stopped" ;;
  status)
    # A running job's line ends with its last progress line (step, loss, images/s, ETA), when its log has one.
    for name in $(job_lines | cut -d'|' -f1); do
      s=$(state_of "$name")
      progress=""
      [ "$s" = running ] && progress=$(grep -a 'ETA' "$STATE/$name.log" 2>/dev/null | tail -n 1 | sed -E 's/^\[[^]]*\] *//' | cut -c1-140 || true)
      printf '%-16s %s%s\n' "$name" "$s" "${progress:+   $progress}"
    done ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
exit
}

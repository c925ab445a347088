#!/usr/bin/env bash
# Samples a running process's resident memory before and after glibc's malloc_trim(0), called in the
# process through gdb, every INTERVAL seconds until it exits: how much of its RSS is free heap that glibc
# keeps (RSS after the trim is what the process really holds). For runs started by a binary that does not
# trim on its own (before MemoryUse.TrimmedRssMb). Attaching pauses the process for about a second.
#   experiments/scripts/sample-trimmed-rss.sh PID OUT.csv [INTERVAL=600] [RUN_DIR for the current step]
set -euo pipefail
pid=$1 out=$2 interval=${3:-600} run=${4:-}
command -v gdb > /dev/null || { echo "error: gdb is needed (apt-get install gdb)" >&2; exit 2; }
[ -f "$out" ] || echo "time,step,rss_before_mb,rss_after_mb" > "$out"
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
while kill -0 "$pid" 2> /dev/null; do
  step=""
  [ -n "$run" ] && step=$(tail -n 1 "$run/metrics.csv" | cut -d, -f2)
  before=$(rss) || break
  gdb -p "$pid" -batch -ex "call ((int(*)(unsigned long))malloc_trim)(0)" > /dev/null 2>&1 || break
  after=$(rss) || break
  echo "$(date -u +%FT%TZ),$step,$before,$after" >> "$out"
  sleep "$interval"
done

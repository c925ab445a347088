#!/usr/bin/env bash
# The proof queue across working sessions, in two commands (README, "Results"):
#   RUNS=/work/runs experiments/scripts/proofs-session.sh begin   # set up, bring back the carried runs, start the queue
#   RUNS=/work/runs experiments/scripts/proofs-session.sh end     # stop the queue, carry its state (then commit experiments/carry/)
# begin: scripts/setup.sh (data set, restore, build); carry.sh restore when the machine has no runs folder;
# the current commit published to $RUNS/bin-<commit> (jobs not started yet take it; started ones keep their
# pinned binary); the carried runs verified to resume; the queue started.
# end: the queue stopped (every job checkpoints), carry.sh save, and carry.sh verify on what was saved.
{
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUNS=${RUNS:-runs}

published() {
  local folder; folder="$RUNS/bin-$(git rev-parse --short HEAD)"
  if [ ! -f "$folder/nasprune.dll" ]; then
    dotnet publish experiments -c Release -o "$folder" > "$RUNS/publish.log" 2>&1 \
      || { echo "proofs: publishing failed; see $RUNS/publish.log" >&2; exit 1; }
  fi
  echo "$folder/nasprune.dll"
}

case "${1:-}" in
  begin)
    scripts/setup.sh
    mkdir -p "$RUNS"
    experiments/scripts/carry.sh restore
    binary=$(published)
    NASPRUNE=$binary experiments/scripts/carry.sh verify
    rm -f "$RUNS/queue/stop"
    NASPRUNE=$binary setsid nohup experiments/scripts/proof-queue.sh start > "$RUNS/queue/start.out" 2>&1 < /dev/null &
    wait $!
    echo "proofs: queue started with $binary; log: $RUNS/queue/queue.log" ;;
  end)
    experiments/scripts/proof-queue.sh stop
    experiments/scripts/carry.sh save
    NASPRUNE=$(published) experiments/scripts/carry.sh verify
    echo "proofs: carried; commit experiments/carry/" ;;
  *) echo "usage: $0 begin|end" >&2; exit 2 ;;
esac
# Exit inside the group: bash reads nothing after it, so editing this file cannot derail a running copy.
exit
}

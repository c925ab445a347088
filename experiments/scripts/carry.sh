#!/usr/bin/env bash
# Carries the proof queue's unfinished work from one machine to the next through the repository.
# The long proofs run for many sessions, and a session's machine may be replaced by a fresh one with only
# the repository on it (it happened on 2026-11-30: every run folder was lost). So at the end of a session:
#   RUNS=/work/runs experiments/scripts/proof-queue.sh stop
#   RUNS=/work/runs experiments/scripts/carry.sh save      # then verify, and commit experiments/carry/
#   NASPRUNE=path/to/nasprune.dll experiments/scripts/carry.sh verify   # each unfinished run passes train --check
# and at the start of the next, on a machine without the runs folder:
#   RUNS=/work/runs experiments/scripts/carry.sh restore   # then start the queue
# save copies each run folder of $RUNS with only what resuming and the later jobs need: every file but the
# checkpoints, of which an unfinished run keeps its newest (with its checksum file), and the per-phase
# supernets (phases/*.npta, report material that the run never reads back). A file over 4 MiB (a supernet's
# checkpoint, a teacher a later job reads) is stored as numbered parts of at most 4 MiB with the whole file's
# SHA-256 beside them (FILE.part-000, ..., FILE.parts.sha256): losing hours of a run with the machine costs
# more than the repository's growth, and an unchanged file adds nothing to git's history. It also keeps the
# queue's binary pins (a resumed job runs the code it started with) and its log. restore copies back the runs
# the machine lacks, joins and checks the parts, and rebuilds the pinned binary of each job not yet done from
# its commit (a git worktree, published to the pinned folder), so every carried job resumes as if never moved.
{
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}
CARRY=${CARRY:-experiments/carry}   # the tests carry into a scratch folder
MAX_BYTES=${MAX_BYTES:-4194304}       # 4 MiB: the largest file the repository holds (larger ones go in parts)

newest_checkpoint() { ls "$1"/ckpt-*.npta 2>/dev/null | sort | tail -n 1; }

# Replaces each file over $MAX_BYTES under $1 by its parts and the whole file's checksum.
split_big() {
  local big
  find "$1" -type f -size +"$MAX_BYTES"c -print0 | while IFS= read -r -d '' big; do
    sha256sum "$big" | cut -d' ' -f1 > "$big.parts.sha256"
    split -b "$MAX_BYTES" -d -a 3 "$big" "$big.part-"
    rm "$big"
    echo "carry: $(basename "$big") stored as $(ls "$big".part-* | wc -l) parts"
  done
}

# Joins every FILE.part-NNN under $1 back into FILE, checked against FILE.parts.sha256 (a mismatch is an error:
# a corrupted carry must not resume silently).
join_parts() {
  local first whole
  find "$1" -type f -name '*.part-000' -print0 | while IFS= read -r -d '' first; do
    whole=${first%.part-000}
    cat "$whole".part-* > "$whole.joining"
    if [ "$(sha256sum "$whole.joining" | cut -d' ' -f1)" != "$(cat "$whole.parts.sha256")" ]; then
      rm -f "$whole.joining"; echo "carry: $whole's parts do not match their checksum" >&2; exit 1
    fi
    mv "$whole.joining" "$whole"
    rm -f "$whole".part-* "$whole.parts.sha256"
  done
}

save() {
  if ls -d "$RUNS"/queue/*.lock >/dev/null 2>&1; then
    echo "carry: jobs are running ($(ls -d "$RUNS"/queue/*.lock | xargs -n1 basename | tr '\n' ' ')); stop the queue first" >&2; exit 2
  fi
  rm -rf "$CARRY/runs" "$CARRY/queue"
  mkdir -p "$CARRY/runs" "$CARRY/queue"
  local dir name
  for dir in "$RUNS"/*/; do
    name=$(basename "$dir")
    case $name in queue|bin-*|*.partial) continue ;; esac
    mkdir -p "$CARRY/runs/$name"
    tar -C "$dir" --exclude=./checkpoints --exclude='./phases/*.npta' -cf - . | tar -C "$CARRY/runs/$name" -xf -
    # A finished run (result.json) never resumes: its checkpoints stay behind.
    if [ -d "$dir/checkpoints" ] && [ ! -f "$dir/result.json" ]; then
      local newest; newest=$(newest_checkpoint "$dir/checkpoints")
      if [ -n "$newest" ]; then
        mkdir -p "$CARRY/runs/$name/checkpoints"
        cp "$newest" "$newest.sha256" "$CARRY/runs/$name/checkpoints/"   # a checkpoint loads only with its checksum
      fi
    fi
    split_big "$CARRY/runs/$name"
  done
  cp "$RUNS"/queue/*.binary "$CARRY/queue/" 2>/dev/null || true
  [ -f "$RUNS/queue/queue.log" ] && cp "$RUNS/queue/queue.log" "$CARRY/queue/"
  echo "carry: saved $(ls "$CARRY/runs" | wc -l) runs, $(du -sh "$CARRY" | cut -f1), into $CARRY (commit it)"
}

restore() {
  [ -d "$CARRY/runs" ] || { echo "carry: nothing carried ($CARRY/runs missing)"; return 0; }
  mkdir -p "$RUNS/queue"
  local dir name
  for dir in "$CARRY"/runs/*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    if [ -e "$RUNS/$name" ]; then echo "carry: $RUNS/$name exists; left as it is"; continue; fi
    # Joined beside the runs first, so a damaged carry leaves no half-restored run behind.
    rm -rf "$RUNS/$name.partial"
    cp -r "$dir" "$RUNS/$name.partial"
    join_parts "$RUNS/$name.partial" || { rm -rf "$RUNS/$name.partial"; exit 1; }
    mv "$RUNS/$name.partial" "$RUNS/$name"
    echo "carry: restored $RUNS/$name"
  done
  local pin
  for pin in "$CARRY"/queue/*.binary; do
    [ -f "$pin" ] || continue
    [ -f "$RUNS/queue/$(basename "$pin")" ] || cp "$pin" "$RUNS/queue/"
  done
  if [ ! -f "$RUNS/queue/queue.log" ] && [ -f "$CARRY/queue/queue.log" ]; then cp "$CARRY/queue/queue.log" "$RUNS/queue/"; fi
  # Rebuild every pinned binary the machine lacks: .../bin-<commit>/nasprune.dll, from that commit.
  # Only the queue's jobs not done yet run again, so only their pins are rebuilt (a finished or retired job's pin is history).
  local binary folder pins=()
  local to_run; to_run=$(experiments/scripts/proof-queue.sh status | awk '$2 != "done" { print $1 }')
  for pin in "$RUNS"/queue/*.binary; do
    [ -f "$pin" ] || continue
    if grep -qx "$(basename "$pin" .binary)" <<< "$to_run"; then pins+=("$(cat "$pin")"); fi
  done
  for binary in $(printf '%s\n' "${pins[@]}" | sort -u); do
    folder=$(dirname "$binary")
    experiments/scripts/publish-commit.sh "${folder##*/bin-}" "$folder"
  done
}

# Checks that the carried runs resume: each unfinished one, copied to a scratch folder, passes `train --check`
# (config, the files it names, the newest checkpoint and its checksum loaded) with the binary $NASPRUNE.
verify() {
  local nasprune=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll} scratch dir failed=0
  scratch=$(mktemp -d)
  cp -r "$CARRY/runs/." "$scratch/"
  join_parts "$scratch"
  for dir in "$scratch"/*/; do
    [ -d "$dir/checkpoints" ] && [ ! -f "$dir/result.json" ] || continue
    # The run must resume at its carried checkpoint's step (a checkpoint that fails its checksum is passed over).
    local checkpoint step out
    checkpoint=$(newest_checkpoint "$dir/checkpoints")
    step=$(basename "$checkpoint" .npta | sed 's/^ckpt-0*//')
    if out=$(dotnet "$nasprune" train --config "$dir/config.json" --run-dir "$dir" --check --threads 1 2>&1) \
       && echo "$out" | grep -q "a run would resume at step ${step:-0}\b"; then
      echo "carry: $(basename "$dir") resumes at step $step"
    else
      echo "carry: $(basename "$dir") does not resume at step $step: $(echo "$out" | grep -e 'ERR' -e 'would' | tail -n 1)" >&2; failed=1
    fi
  done
  rm -rf "$scratch"
  return $failed
}

case "${1:-}" in
  save) save ;;
  restore) restore ;;
  verify) verify ;;
  *) echo "usage: $0 save|restore|verify" >&2; exit 2 ;;
esac
# Exit inside the group: bash reads nothing after it, so editing this file cannot derail a running copy.
exit
}

#!/usr/bin/env bash
# Training speed with and without a thread arena's free heaps kept (NativeAllocator's top pad), two binaries in
# interleaved rounds: 75 steps of the largest OFA network (its long config on 9,600 training images, 1 thread, as
# the queue trains), each under /usr/bin/time. OUT/malloc-top-pad-ab.csv gets wall seconds, minor page faults and the
# last logged training images/s; the two binaries must give the same losses (compared at the end).
#   experiments/scripts/malloc-top-pad-ab.sh OLD_COMMIT NEW.dll OUT     # OLD_COMMIT's binary is built into $RUNS/bin-<commit> if missing
set -euo pipefail
old_commit=${1:?usage: malloc-top-pad-ab.sh OLD_COMMIT NEW.dll OUT}; new=${2:?}; out=${3:?}
old=$RUNS/bin-$old_commit/nasprune.dll
experiments/scripts/publish-commit.sh "$old_commit" "$(dirname "$old")"
mkdir -p "$out"
csv=$out/malloc-top-pad-ab.csv
[ -f "$csv" ] || echo "binary,round,wall_seconds,minor_page_faults,train_images_per_s" > "$csv"
for round in 1 2 3; do
  for v in old new; do
    grep -q "^$v,$round," "$csv" && continue
    dll=$old; [ "$v" = new ] && dll=$new
    run=$out/$v-$round; rm -rf "$run"
    NASPRUNE_training__evalBatchSize=100 NASPRUNE_data__trainSubset=9600 NASPRUNE_data__validationSize=500 \
    NASPRUNE_training__epochs=1 NASPRUNE_training__warmupEpochs=0 \
      /usr/bin/time -f "%e %R" -o "$run.time" dotnet "$dll" train --config experiments/configs/fmnist-ofa-long-alone-largest.json \
        --run-dir "$run" --threads 1 > "$run.log" 2>&1
    rate=$(awk -F, '$4 == "train" { r = $9 } END { print r }' "$run/metrics.csv")
    read -r wall faults < "$run.time"
    printf '%s,%s,%s,%s,%.1f\n' "$v" "$round" "$wall" "$faults" "$rate" >> "$csv"
  done
done
# Same arithmetic: losses and accuracies of every logged step equal.
cmp <(cut -d, -f1-8 "$out/old-1/metrics.csv") <(cut -d, -f1-8 "$out/new-1/metrics.csv") && echo "same losses" > "$out/same-losses"
# The run folders were only the means: the logs, times and the table stay.
rm -rf "$out"/old-[0-9] "$out"/new-[0-9]

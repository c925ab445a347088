#!/usr/bin/env bash
# TAS search speed, two binaries (A/B in interleaved rounds): one epoch of ResNet-20's search on 10,000 training
# images from a given base network, 2 threads, run folders under OUT. The search phase's training seconds (metrics.csv)
# go to OUT/tas-search-ab.csv; the two binaries must give the same losses (compared at the end).
#   experiments/scripts/tas-search-ab.sh OLD.dll NEW.dll BASE.npta OUT
set -euo pipefail
old=${1:?usage: tas-search-ab.sh OLD.dll NEW.dll BASE.npta OUT}; new=${2:?}; base=${3:?}; out=${4:?}
mkdir -p "$out"
csv=$out/tas-search-ab.csv
[ -f "$csv" ] || echo "binary,round,search_seconds,images_per_s" > "$csv"
for round in 1 2 3; do
  for v in old new; do
    grep -q "^$v,$round," "$csv" && continue
    dll=$old; [ "$v" = new ] && dll=$new
    run=$out/$v-$round; rm -rf "$run"
    NASPRUNE_data__trainSubset=10000 NASPRUNE_tas__search__epochs=1 NASPRUNE_tas__baseModel="$base" \
      dotnet "$dll" train --config experiments/configs/fmnist-tas-resnet20.json --run-dir "$run" --stop-after search --threads 2 > "$run.log" 2>&1
    tail -1 "$run/metrics.csv" | awk -F, -v v="$v" -v r="$round" '{ printf "%s,%s,%.1f,%.1f\n", v, r, $10, $9 }' >> "$csv"
  done
done
# Same arithmetic: losses and accuracies of every logged step equal.
cmp <(cut -d, -f1-8 "$out/old-1/metrics.csv") <(cut -d, -f1-8 "$out/new-1/metrics.csv") && echo "same losses" > "$out/same-losses"
# The run folders (checkpoints of a search network) were only the means: the logs and the table stay.
rm -rf "$out"/old-[0-9] "$out"/new-[0-9]

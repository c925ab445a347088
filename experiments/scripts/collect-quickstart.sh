#!/usr/bin/env bash
# Copies the files a quickstart run's report shows (experiments/results/fmnist-ofa-quick.md) from its run
# folder into a results folder, under the names the report links to:
#   experiments/scripts/collect-quickstart.sh runs/quickstart experiments/results/fmnist-ofa-quick/epyc
set -euo pipefail
run=${1:?run folder}; out=${2:?results folder}
mkdir -p "$out"
cp "$run"/{result.json,metrics.csv,phases.csv,subnets.csv,subnets.png,curves.png} "$out"/
[ -f "$run/memory.png" ] && cp "$run/memory.png" "$out"/
cp "$run/lut/cpu-2core-b1.csv" "$out/lut-cpu-2core-b1.csv"
cp "$run/lut/cpu-2core-b1.csv.meta.json" "$out/lut-cpu-2core-b1.csv.meta.json"
cp "$run/lut/cpu-2core-b1-check/networks.csv" "$out/lut-check-networks.csv"
cp "$run/lut/cpu-2core-b1-check/summary.json" "$out/lut-check-summary.json"
cp "$run/lut/cpu-2core-b1-check/predicted-vs-measured.png" "$out/lut-check.png"
cp "$run/predictor/data.csv" "$out/predictor-data.csv"
cp "$run/predictor/predictor-report/summary.json" "$out/predictor-summary.json"
cp "$run/predictor/predictor-report/predicted-vs-measured.png" "$out/predictor.png"
cp "$run/search/search.csv" "$run/search/search-front.png" "$out"/
echo "copied to $out"

#!/usr/bin/env bash
# The per-device proof on the full progressive-shrinking supernet (experiments/results/fmnist-ofa-search.md):
# latency tables of this CPU at batch 1 and 32 and their checks on 100 random sub-networks, 1,000
# measured sub-networks for the accuracy predictor and its training, then the search for every budget of
# experiments/search/cpu-2core.json with export and verification. Needs fmnist-ofa-ps-full.sh's supernet.
# Every step resumes; run it in the background:
#   nohup experiments/scripts/fmnist-ofa-search-full.sh > runs/fmnist-ofa-search-full.out 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}
NASPRUNE=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}
nasprune() { dotnet "$NASPRUNE" "$@"; }
PS="$RUNS/fmnist-ofa-ps"

for device in cpu-2core-b1 cpu-2core-b32; do
  nasprune lut build --device "experiments/devices/$device.json" --space ofa-mbv3-small --width 0.5 --out "$RUNS/lut/$device.csv"
  [ -f "$RUNS/lut/$device-check/summary.json" ] || nasprune lut check --device "experiments/devices/$device.json" --lut "$RUNS/lut/$device.csv" --networks 100
done
nasprune predictor data --supernet "$PS/supernet.npta" --out "$PS/predictor/data.csv" --count 1000
nasprune predictor train --data "$PS/predictor/data.csv" --supernet "$PS/supernet.npta" --out "$PS/predictor/predictor.npta"
NASPRUNE_lut="$RUNS/lut/cpu-2core-b1.csv" NASPRUNE_predictor="$PS/predictor/predictor.npta" \
NASPRUNE_supernet="$PS/supernet.npta" NASPRUNE_exportDir="$PS/search" \
  nasprune search --config experiments/search/cpu-2core.json --verify

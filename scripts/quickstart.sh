#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs the whole product end to end on real Fashion-MNIST, quickly
# (about 15 minutes on 2 cores): progressive shrinking of the OFA supernet on a 10,000-image subset,
# a latency table of this CPU and its check, accuracy-predictor data and training, evolutionary search
# for two latency budgets, export of the found sub-networks and their verification (measured latency
# and test accuracy), then the final table. Every step resumes when the script is rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

RUN_DIR=${RUN_DIR:-runs/quickstart}
DEVICE=experiments/devices/cpu-2core-b1.json
nasprune() { dotnet experiments/bin/Release/net10.0/nasprune.dll "$@"; }

nasprune info
nasprune train --config experiments/configs/fmnist-ofa-quick.json --run-dir "$RUN_DIR"
nasprune eval --run-dir "$RUN_DIR" --split test
nasprune lut build --device "$DEVICE" --space ofa-mbv3-small --width 0.5 --out "$RUN_DIR/lut/cpu-2core-b1.csv"
nasprune lut check --device "$DEVICE" --lut "$RUN_DIR/lut/cpu-2core-b1.csv" --networks 30 --supernet "$RUN_DIR/supernet.npta"
nasprune predictor data --supernet "$RUN_DIR/supernet.npta" --out "$RUN_DIR/predictor/data.csv" --count 100 --recalibrate 500 --validation-images 2000
nasprune predictor train --data "$RUN_DIR/predictor/data.csv" --supernet "$RUN_DIR/supernet.npta" --out "$RUN_DIR/predictor/predictor.npta"
# The search config names files under runs/quickstart; point it at $RUN_DIR (configs take NASPRUNE_ overrides).
NASPRUNE_lut="$RUN_DIR/lut/cpu-2core-b1.csv" NASPRUNE_predictor="$RUN_DIR/predictor/predictor.npta" \
NASPRUNE_supernet="$RUN_DIR/supernet.npta" NASPRUNE_exportDir="$RUN_DIR/search" \
  nasprune search --config experiments/search/cpu-2core-quick.json --verify
echo "pictures: $RUN_DIR/subnets.png $RUN_DIR/curves.png $RUN_DIR/lut/cpu-2core-b1-check/predicted-vs-measured.png $RUN_DIR/search/search-front.png"

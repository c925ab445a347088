#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs the main job end to end on real Fashion-MNIST, quickly (about
# 10 minutes on 2 cores): progressive shrinking of the OFA supernet (teacher, kernel, depth, expand
# phases on a 10,000-image subset), BN-recalibrated accuracy of the largest / middle / smallest
# sub-networks, their export, and a reload of each export in a new process (bit-identical logits) on
# the test split. Resumable: rerun to continue after a stop.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

RUN_DIR=${RUN_DIR:-runs/quickstart}
nasprune() { dotnet experiments/bin/Release/net10.0/nasprune.dll "$@"; }

nasprune info
nasprune train --config experiments/configs/fmnist-ofa-quick.json --run-dir "$RUN_DIR"
nasprune eval --run-dir "$RUN_DIR" --split test
echo "sub-networks after each phase: $RUN_DIR/subnets.csv ($RUN_DIR/subnets.png); training curves: $RUN_DIR/curves.png"
cat "$RUN_DIR/result.json"

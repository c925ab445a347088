#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs the main job end to end on real Fashion-MNIST, quickly:
# train (resumable: rerun to continue), evaluate on the test split, print the result.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

RUN_DIR=${RUN_DIR:-runs/quickstart}
nasprune() { dotnet experiments/bin/Release/net10.0/nasprune.dll "$@"; }

nasprune info
nasprune train --config experiments/configs/fmnist-resnet20-quick.json --run-dir "$RUN_DIR"
nasprune eval --run-dir "$RUN_DIR" --split test
cat "$RUN_DIR/result.json"

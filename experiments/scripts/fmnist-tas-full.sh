#!/usr/bin/env bash
# The TAS proof on Fashion-MNIST (experiments/results/fmnist-tas.md): ResNet-20 TAS (base, search, KD),
# then its baselines on the same base network (width-only TAS, the found architecture from scratch,
# L1-norm filter pruning), then ResNet-56 TAS. Every step resumes: rerun after a stop or a kill
# (finished runs are skipped). Hours on 2 cores; run it in the background:
#   nohup experiments/scripts/fmnist-tas-full.sh > runs/fmnist-tas-full.out 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}
NASPRUNE=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}
nasprune() { dotnet "$NASPRUNE" "$@"; }

# The configs name their inputs under runs/ (the R20 run's base network and found architecture).
nasprune train --config experiments/configs/fmnist-tas-resnet20.json --run-dir "$RUNS/fmnist-tas-resnet20"
NASPRUNE_tas__baseModel="$RUNS/fmnist-tas-resnet20/base.npta" \
  nasprune train --config experiments/configs/fmnist-tas-resnet20-width.json --run-dir "$RUNS/fmnist-tas-resnet20-width"
NASPRUNE_tas__final__architecture="@$RUNS/fmnist-tas-resnet20/tas-architecture.txt" \
  nasprune train --config experiments/configs/fmnist-tas-resnet20-scratch.json --run-dir "$RUNS/fmnist-tas-resnet20-scratch"
NASPRUNE_pruning__baseModel="$RUNS/fmnist-tas-resnet20/base.npta" \
  nasprune train --config experiments/configs/fmnist-l1-resnet20.json --run-dir "$RUNS/fmnist-l1-resnet20"
nasprune train --config experiments/configs/fmnist-tas-resnet56.json --run-dir "$RUNS/fmnist-tas-resnet56"

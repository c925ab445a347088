#!/usr/bin/env bash
# The DASS proof on Fashion-MNIST (experiments/results/fmnist-dass.md), at 90 % and 95 % sparsity:
# DASS (sparsity-aware search + HYDRA training of the derived cells), the dense DARTS search whose cells
# are pruned the same way, and ResNet-20 with gradual global magnitude pruning on the same data and
# epochs; then each network's latency dense vs with the sparse kernel. Every step resumes: rerun
# after a stop or a kill (finished runs are skipped). Hours on 2 cores; run it in the background:
#   nohup experiments/scripts/fmnist-dass-full.sh > runs/fmnist-dass-full.out 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}
NASPRUNE=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}
nasprune() { dotnet "$NASPRUNE" "$@"; }

for p in 90 95; do
  nasprune train --config "experiments/configs/fmnist-dass-$p.json" --run-dir "$RUNS/fmnist-dass-$p"
done
nasprune train --config experiments/configs/fmnist-darts-dense-90.json --run-dir "$RUNS/fmnist-darts-dense-90"
NASPRUNE_dass__final__genotype="@$RUNS/fmnist-darts-dense-90/dass-genotype.txt" \
  nasprune train --config experiments/configs/fmnist-darts-dense-95.json --run-dir "$RUNS/fmnist-darts-dense-95"
for p in 90 95; do
  nasprune prune --config "experiments/configs/fmnist-gmp-resnet20-dass-$p.json" --run-dir "$RUNS/fmnist-gmp-resnet20-dass-$p"
done
for run in fmnist-dass-90 fmnist-dass-95 fmnist-darts-dense-90 fmnist-darts-dense-95; do
  [ -f "$RUNS/$run/bench-sparse.csv" ] || nasprune bench sparse --model "$RUNS/$run/model.npta" --out "$RUNS/$run/bench-sparse.csv"
done
for p in 90 95; do
  run="$RUNS/fmnist-gmp-resnet20-dass-$p"
  [ -f "$run/bench-sparse.csv" ] || nasprune bench sparse --run-dir "$run" --out "$run/bench-sparse.csv"
done

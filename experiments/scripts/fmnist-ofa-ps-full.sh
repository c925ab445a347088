#!/usr/bin/env bash
# The progressive-shrinking proof on Fashion-MNIST (experiments/results/fmnist-ofa-ps.md): the full CPU
# run, then the largest, middle and smallest sub-networks trained alone from scratch for as many epochs
# as the teacher phase. Every step resumes: rerun this script after a stop or a kill and it continues
# where it was (finished runs are skipped). Hours on 2 cores; run it in the background:
#   nohup experiments/scripts/fmnist-ofa-ps-full.sh > runs/fmnist-ofa-ps-full.out 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}
NASPRUNE=${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}
nasprune() { dotnet "$NASPRUNE" "$@"; }

nasprune train --config experiments/configs/fmnist-ofa-ps.json --run-dir "$RUNS/fmnist-ofa-ps"
for net in largest middle smallest; do
  nasprune train --config "experiments/configs/fmnist-ofa-alone-$net.json" --run-dir "$RUNS/fmnist-ofa-alone-$net"
done

#!/usr/bin/env bash
# Every long proof of the results reports, one after the other (never two trainings at once: on 2 cores
# two libtorch processes slow each other down 5-10x): progressive shrinking and its trained-alone
# baselines, the latency tables / predictor / search on that supernet, TAS with its baselines, DASS with
# its baselines. Each script resumes where it stopped, so after a stop or a kill rerun this and it goes on:
#   RUNS=runs nohup experiments/scripts/all-proofs.sh > runs/all-proofs.out 2>&1 &
# To pause: kill this script first (pkill -f all-proofs.sh), then SIGTERM the nasprune process (it
# checkpoints and exits).
# (Not NASPRUNE_...: that prefix is how configs take overrides from the environment.)
# A run must be resumed by the binary that started it: PS_NASPRUNE names the one of the progressive-
# shrinking run and its baselines when it differs from NASPRUNE (the rest).
set -euo pipefail
cd "$(dirname "$0")"
NASPRUNE="${PS_NASPRUNE:-${NASPRUNE:-experiments/bin/Release/net10.0/nasprune.dll}}" ./fmnist-ofa-ps-full.sh
./fmnist-ofa-search-full.sh
./fmnist-tas-full.sh
./fmnist-dass-full.sh

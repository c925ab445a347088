#!/usr/bin/env bash
# Evaluation speed against the evaluation batch size: validation (10,000 images) of three trained networks at
# several batch sizes, the sizes interleaved round by round so that drift on the machine falls on all of them.
# One line per evaluation: model,threads,batch,round,seconds,images_per_s (from nasprune eval's own timing,
# which leaves out start-up and data loading). Run it with the machine to itself (the proof queue's "alone").
#   RUNS=/work/runs experiments/scripts/eval-batch-ab.sh OUT.csv
set -euo pipefail
out=${1:?usage: eval-batch-ab.sh OUT.csv}
runs=${RUNS:?set RUNS}
type nasprune >/dev/null 2>&1 || nasprune() { dotnet "${NASPRUNE:?set NASPRUNE}" "$@"; }
models="resnet20:fmnist-gmp-resnet20-dass-90 darts-cells:fmnist-gmp-darts-cell-90 ofa-largest:fmnist-ofa-long-alone-largest"
[ -f "$out" ] || echo "model,threads,batch,round,seconds,images_per_s" > "$out"
measure() { # model run threads batch round
  grep -q "^$1,$3,$4,$5," "$out" && return 0
  line=$(nasprune eval --run-dir "$runs/$2" --split validation --threads "$3" --batch-size "$4" 2>&1 | grep " s at batch ")
  echo "$line" | sed -E "s/.*; ([0-9.]+) s at batch [0-9]+ \(([0-9]+) images\/s\).*/$1,$3,$4,$5,\1,\2/" >> "$out"
}
for round in 1 2; do
  for entry in $models; do
    for batch in 25 50 100 200 500 1000; do measure "${entry%%:*}" "${entry#*:}" 1 $batch $round; done
    for batch in 100 1000; do measure "${entry%%:*}" "${entry#*:}" 2 $batch $round; done
  done
done

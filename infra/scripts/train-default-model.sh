#!/usr/bin/env bash
# Rebuilds the default model artifact the demo and the job use when auspex.model.file is unset:
# 24 h of the simulator's normal traffic (seed 1), golden signals computed with the pipeline's own
# window aggregation, a seeded IsolationForest. Same inputs, same artifact (training time aside).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$ROOT/target"
"$ROOT/auspex" simulate-signals --hours 24 --seed 1 --out "$ROOT/target/normal-24h.avro"
"$ROOT/auspex" train --signals "$ROOT/target/normal-24h.avro" \
  --out "$ROOT/models/src/main/resources/models/default.model" \
  --name default --version 1 --seed 42 --threshold-quantile 0.9995

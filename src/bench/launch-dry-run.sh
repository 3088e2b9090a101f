#!/usr/bin/env bash
# Whole-process time of `launch --dry-run` (JVM start included), as a user runs it through launchers/.
# Usage: src/bench/launch-dry-run.sh [RUNS]   (needs hyperfine: apt-get install hyperfine)
# Builds the jar first if it is missing; runs in a scratch folder so ./output is not left in the checkout.
set -euo pipefail
root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
runs=${1:-20}
command -v hyperfine >/dev/null 2>&1 || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 7; }
[ -f "$root/target/aitk-launcher.jar" ] || (cd "$root" && mvn -q -B -DskipTests package)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
hyperfine --warmup 3 --runs "$runs" --export-json "$scratch/result.json" -N \
  "$root/launchers/aitk-launcher launch --gpu-memory 80GB --gpus 2 --dry-run" \
  "$root/launchers/aitk-launcher launch --gpu-memory 24GB --gpus 1 --model kontext --set train.lr=5e-5 --dry-run" \
  "$root/launchers/aitk-launcher --version"
python3 - "$scratch/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("median %.3f s  (min %.3f, max %.3f, user %.3f s)  %s" % (r["median"], r["min"], r["max"], r["user"], r["command"]))
PY

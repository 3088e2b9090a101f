#!/usr/bin/env bash
# Whole-process time of `plan` (JVM start, fitting the memory model from the shipped rows, the search,
# the output) for the issue's four machines, measured with hyperfine on the packaged jar.
#
#   src/bench/plan.sh [RUNS]     (default 20 runs after 3 warm-ups; needs hyperfine, python3, java, mvn)
#
# Results go to docs/benchmarks.md, section "plan", with the machine line this script prints.
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
jar="$root/target/aitk-launcher.jar"
runs=${1:-20}

for tool in hyperfine python3 java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is not installed" >&2; exit 7; }
done
if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -q -B -DskipTests package)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/aitk-plan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

commands=(
  "plan --gpu-memory 24GB --gpus 1"
  "plan --gpu-memory 24GB --gpus 1 --json"
  "plan --gpu-memory 80GB --gpus 2 --json"
  "plan --gpu-memory 12GB --gpus 1 --json"
  "plan --gpu-memory 8GB --gpus 1"
)

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'),"\
  "$(java -version 2>&1 | head -1), load average$(uptime | sed 's/.*load average//'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| command | exit | median | min | max |"
echo "| --- | --- | --- | --- | --- |"
for args in "${commands[@]}"; do
  set +e
  # shellcheck disable=SC2086 # the argument strings are split into words on purpose
  java -jar "$jar" $args >/dev/null 2>&1
  code=$?
  set -e
  # -i: the refusals exit 4 on purpose.
  hyperfine --style none -N -i -w 3 -r "$runs" --export-json "$work/result.json" "java -jar $jar $args" >/dev/null
  python3 - "$work/result.json" "$args" "$code" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| `{sys.argv[2]}` | {sys.argv[3]} | {r['median'] * 1000:.0f} ms | {r['min'] * 1000:.0f} ms | {r['max'] * 1000:.0f} ms |")
PY
done

#!/usr/bin/env bash
# Times `validate` on a generated dataset of image + caption + mask triples (docs/benchmarks.md, "## validate").
#
#   src/bench/validate-bench.sh [DIR] [COUNT] [RUNS]
#
# DIR defaults to target/bench-validate, COUNT to 100000, RUNS to 5. The first run warms the file cache and
# is not counted. Prints each run's validation time (from the report's summary.elapsedMillis, JVM start
# excluded), the wall time of the whole command and the CPU time it used, then the medians and images per
# second. On a busy machine the wall times mostly measure the wait for a core; the CPU time does not.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${1:-target/bench-validate}"
count="${2:-100000}"
runs="${3:-5}"
jar="${JAR:-target/aitk-launcher.jar}"  # JAR=other.jar compares another build on the same dataset

[ -f "$jar" ] || mvn -q -B package -DskipTests
python3 src/bench/make_validate_dataset.py "$dir" "$count"

run_once() {
  local TIMEFORMAT="%R %U %S" times
  times=$( { time java -jar "$jar" validate "$dir/config.yaml" --gpu-memory 80GB --json > "$dir/report.json"; } 2>&1 )
  python3 - "$dir/report.json" "$times" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
real, user, system = (float(x) for x in sys.argv[2].split())
datasets = report["summary"]["datasets"]
images = sum(d["images"] for d in datasets)
masks = sum(d.get("withMask") or 0 for d in datasets)
errors = sum(1 for f in report["findings"] if f["severity"] == "ERROR")
print(f'{report["summary"]["elapsedMillis"]} {round(real * 1000)} {round((user + system) * 1000)} {images} {masks} {errors}')
PY
}

echo "warm-up run (not counted)"
run_once > /dev/null
validate_ms=()
wall_ms=()
cpu_ms=()
for i in $(seq 1 "$runs"); do
  read -r v w c images masks errors < <(run_once)
  echo "run $i: validate ${v} ms, whole command ${w} ms (${c} ms CPU), ${images} images, ${masks} masks, ${errors} errors"
  validate_ms+=("$v")
  wall_ms+=("$w")
  cpu_ms+=("$c")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mv=$(median "${validate_ms[@]}")
mw=$(median "${wall_ms[@]}")
mc=$(median "${cpu_ms[@]}")
echo "median: validate ${mv} ms, whole command ${mw} ms, CPU ${mc} ms (user + system, JVM start included)"
awk -v n="$count" -v v="$mv" -v w="$mw" 'BEGIN { printf "images/s: %.0f (validation), %.0f (whole command)\n", n / (v / 1000), n / (w / 1000) }'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"

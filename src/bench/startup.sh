#!/usr/bin/env bash
# Whole-process start-up time of the launcher, JVM start included, measured with hyperfine:
# each command through launchers/aitk-launcher with its class-data archive (CDS on), with
# AITK_LAUNCHER_CDS=off, and as a plain `java -jar` for reference. Prints a Markdown table of medians.
#
#   src/bench/startup.sh [RUNS]        (default 20 runs after 3 warm-ups; needs hyperfine and python3)
#
# Results go to docs/benchmarks.md, "Start-up time", with the machine line this script prints.
set -euo pipefail

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
launcher="$root/launchers/aitk-launcher"
jar="$root/target/aitk-launcher.jar"
runs=${1:-20}

for tool in hyperfine python3 java; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is not installed" >&2; exit 7; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/aitk-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT

# First run builds the jar if needed and makes the archive; neither belongs in the timings.
"$launcher" --version >/dev/null

commands=(
  "--version"
  "detect --gpu-memory 80GB --gpus 2 --json"
  "plan --gpu-memory 24GB --gpus 1 --json"
  "launch --gpu-memory 80GB --gpus 2 --dry-run --output $work/launch"
)

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'),"\
  "$(java -version 2>&1 | head -1), load average$(uptime | sed 's/.*load average//'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Wall-clock medians of $runs runs; in brackets the mean CPU time (user+sys), steadier on a busy machine."
echo
echo "| command | CDS on | CDS off | plain java -jar | off/on (wall) |"
echo "| --- | --- | --- | --- | --- |"
for args in "${commands[@]}"; do
  label=${args//$work/<tmp>}
  # shellcheck disable=SC2086 # the argument strings are split into words on purpose
  if ! "$launcher" $args >/dev/null 2>"$work/stderr"; then
    echo "| \`$label\` | fails: $(head -1 "$work/stderr" | cut -c1-80) | | | |"
    continue
  fi
  hyperfine --style none -N -w 3 -r "$runs" --export-json "$work/result.json" \
    "$launcher $args" \
    "env AITK_LAUNCHER_CDS=off $launcher $args" \
    "java -jar $jar $args" >/dev/null 2>"$work/hyperfine.err"
  python3 - "$work/result.json" "$label" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
cells = [f"{r['median'] * 1000:.0f} ms ({(r['user'] + r['system']) * 1000:.0f} ms CPU)" for r in results]
ratio = results[1]["median"] / results[0]["median"]
print(f"| `{sys.argv[2]}` | {cells[0]} | {cells[1]} | {cells[2]} | {ratio:.2f} |")
PY
done

# The one-off cost: the first run after a build makes the archive (class list + dump) before the command.
hyperfine --style none -N -r 3 --prepare "find $root/target -maxdepth 1 -name aitk-launcher-*.jsa* -delete" \
  --export-json "$work/first.json" "$launcher --version" >/dev/null 2>"$work/hyperfine.err"
python3 - "$work/first.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"\nFirst run after a build (makes the archive, then runs --version): median {r['median']:.2f} s of 3")
PY

#!/usr/bin/env bash
# Times the real-trainer test suite (#9), for docs/benchmarks.md:
#   1. setup-real-trainer.sh from nothing (a fresh, empty cache folder), RUNS times;
#   2. setup-real-trainer.sh again with everything built (warm), RUNS times;
#   3. the real-trainer ITs through Maven (after one `mvn -o -B -q package -DskipTests`), RUNS times, each
#      test's time read from its failsafe report.
# Prints each figure and the median of the runs as Markdown rows.
#
#   src/test/realtrainer/benchmark-real-trainer.sh [RUNS] [setup|suite|all]   (default 3 all; from any folder)
set -euo pipefail
runs=${1:-3}
what=${2:-all}
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
setup=src/test/realtrainer/setup-real-trainer.sh
its=RealTrainerKitIT,LaunchOnRealTrainerIT,StopOnRealTrainerIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$what" != suite ]; then
cold=()
for _ in $(seq "$runs"); do
  cache=$(mktemp -d)
  cold+=("$(AITK_TEST_CACHE=$cache seconds "$setup")")
  rm -rf "$cache"
done
warm=()
"$setup" >/dev/null 2>&1
for _ in $(seq "$runs"); do warm+=("$(seconds "$setup")"); done
printf '| set-up from nothing | %s | %s |\n' "${cold[*]}" "$(printf '%s\n' "${cold[@]}" | median)"
printf '| set-up, already built | %s | %s |\n' "${warm[*]}" "$(printf '%s\n' "${warm[@]}" | median)"
fi
[ "$what" = setup ] && exit 0

mvn -o -B -q package -DskipTests >/dev/null
declare -A times
suite=()
for _ in $(seq "$runs"); do
  t=$(seconds mvn -o -B -q failsafe:integration-test -Dit.test="$its" -Dfailsafe.failIfNoSpecifiedTests=false)
  suite+=("$t")
  for report in target/failsafe-reports/TEST-dev.aitk.launcher.realtrainer.*.xml; do
    while read -r name time; do
      times[$name]="${times[$name]:-} $time"
    done < <(grep -o '<testcase name="[^"]*" classname="[^"]*" time="[^"]*"' "$report" \
      | sed -E 's/<testcase name="([^"]*)" classname="[^"]*\.([^".]*)" time="([^"]*)"/\2.\1 \3/')
  done
  if grep -l '<failure\|<error' target/failsafe-reports/TEST-dev.aitk.launcher.realtrainer.*.xml >/dev/null 2>&1; then
    echo "note: a real-trainer IT failed in this run (see target/failsafe-reports)"
  fi
done
for name in "${!times[@]}"; do
  # shellcheck disable=SC2086
  printf '| %s | %s | %s |\n' "$name" "${times[$name]# }" "$(printf '%s\n' ${times[$name]} | median)"
done | sort
printf '| the real-trainer ITs together (mvn failsafe:integration-test) | %s | %s |\n' "${suite[*]}" \
  "$(printf '%s\n' "${suite[@]}" | median)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

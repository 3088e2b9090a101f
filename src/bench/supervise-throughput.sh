#!/usr/bin/env bash
# Supervision overhead: a child printing MB (default 200) megabytes of tqdm '\r' redraws as fast as it can,
# (a) alone with stderr to /dev/null and (b) under the launcher's supervisor (the code 'launch' runs: process
# group, parent-death shim, per-attempt log file, live parsing, run record). Prints the median of RUNS (default
# 5) wall times of each, their ratio, and the launcher JVM's peak RSS (from /usr/bin/time -v).
# Usage: src/bench/supervise-throughput.sh [MB] [RUNS]      (rerunnable; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-200}
runs=${2:-5}
python=${PYTHON:-python3}
bench=target/bench
jar=target/aitk-launcher.jar

if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time is missing (Debian: apt-get install -y time); it measures the launcher's peak RSS" >&2
  exit 7
fi
if [ ! -f "$jar" ]; then
  mvn -q -B -o -DskipTests package || mvn -q -B -DskipTests package
fi
mkdir -p "$bench"
javac -d "$bench" -cp "$jar" src/bench/supervise/java/SuperviseBench.java

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

base=()
sup=()
rss=()
for i in $(seq 1 "$runs"); do
  s=$(date +%s.%N)
  PYTHONUNBUFFERED=1 "$python" src/bench/supervise/tqdm_flood.py --mb "$mb" 2>/dev/null >/dev/null
  e=$(date +%s.%N)
  base+=("$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", b - a}')")

  rm -rf "$bench/out"
  s=$(date +%s.%N)
  PYTHONUNBUFFERED=1 /usr/bin/time -v -o "$bench/time.txt" \
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$jar:$bench" SuperviseBench \
    "$python" src/bench/supervise/tqdm_flood.py "$bench/out" --mb "$mb" >"$bench/sup.txt"
  e=$(date +%s.%N)
  sup+=("$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", b - a}')")
  rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$bench/time.txt")")
  logmb=$(du -m "$bench/out/log.txt" | cut -f1)
  echo "run $i: alone ${base[-1]} s; supervised ${sup[-1]} s ($(cat "$bench/sup.txt")); log ${logmb} MB; launcher RSS ${rss[-1]} KiB"
done
b=$(printf '%s\n' "${base[@]}" | median)
s=$(printf '%s\n' "${sup[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | median)
echo "median of $runs: alone $b s, supervised $s s (JVM start included), ratio $(awk -v a="$s" -v b="$b" 'BEGIN {printf "%.2f", a / b}')x, launcher peak RSS $((r / 1024)) MiB"

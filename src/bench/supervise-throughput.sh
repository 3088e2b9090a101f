#!/usr/bin/env bash
# Supervision overhead: a child printing MB (default 200) megabytes of tqdm '\r' redraws as fast as it can,
# (a) alone with stderr to /dev/null and (b) under the launcher's supervisor (the code 'launch' runs: process
# group, parent-death shim, per-attempt log file, live parsing, run record). For RUNS rounds (default 5) it
# prints wall time and CPU time (user+sys, children included) of each, and the launcher JVM's peak RSS;
# then the medians and their ratios. On a busy machine trust the CPU ratio more than the wall ratio.
# Usage: src/bench/supervise-throughput.sh [MB] [RUNS]      (rerunnable; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-200}
runs=${2:-5}
python=${PYTHON:-python3}
bench=target/bench
jar=target/aitk-launcher.jar

if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time is missing (Debian: apt-get install -y time); it measures CPU time and peak RSS" >&2
  exit 7
fi
if [ ! -f "$jar" ]; then
  mvn -q -B -o -DskipTests package || mvn -q -B -DskipTests package
fi
mkdir -p "$bench"
javac -d "$bench" -cp "$jar" src/bench/supervise/java/SuperviseBench.java

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
field() { awk -F': ' -v k="$1" '$0 ~ k {print $2}' "$2"; }
cpu() { awk -v u="$(field 'User time' "$1")" -v s="$(field 'System time' "$1")" 'BEGIN {printf "%.2f", u + s}'; }
wall() { field 'Elapsed' "$1" | awk -F: '{if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2}'; }

base_wall=(); base_cpu=(); sup_wall=(); sup_cpu=(); rss=()
for i in $(seq 1 "$runs"); do
  PYTHONUNBUFFERED=1 /usr/bin/time -v -o "$bench/alone.txt" \
    "$python" src/bench/supervise/tqdm_flood.py --mb "$mb" 2>/dev/null >/dev/null
  base_wall+=("$(wall "$bench/alone.txt")"); base_cpu+=("$(cpu "$bench/alone.txt")")

  rm -rf "$bench/out"
  PYTHONUNBUFFERED=1 /usr/bin/time -v -o "$bench/time.txt" \
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$jar:$bench" SuperviseBench \
    "$python" src/bench/supervise/tqdm_flood.py "$bench/out" --mb "$mb" >"$bench/sup.txt"
  sup_wall+=("$(wall "$bench/time.txt")"); sup_cpu+=("$(cpu "$bench/time.txt")")
  rss+=("$(field 'Maximum resident set size' "$bench/time.txt")")
  echo "run $i: alone ${base_wall[-1]} s wall, ${base_cpu[-1]} s CPU; supervised ${sup_wall[-1]} s wall," \
    "${sup_cpu[-1]} s CPU [$(cat "$bench/sup.txt")]; log $(du -m "$bench/out/log.txt" | cut -f1) MB;" \
    "launcher peak RSS $(( rss[-1] / 1024 )) MiB"
done
bw=$(printf '%s\n' "${base_wall[@]}" | median); bc=$(printf '%s\n' "${base_cpu[@]}" | median)
sw=$(printf '%s\n' "${sup_wall[@]}" | median); sc=$(printf '%s\n' "${sup_cpu[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "median of $runs ($mb MB): alone ${bw} s wall / ${bc} s CPU; supervised ${sw} s wall / ${sc} s CPU" \
  "(JVM start included); wall ratio $(ratio "$sw" "$bw")x, CPU ratio $(ratio "$sc" "$bc")x;" \
  "launcher peak RSS $(( r / 1024 )) MiB"

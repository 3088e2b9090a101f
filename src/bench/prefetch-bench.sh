#!/usr/bin/env bash
# Prefetch benchmark: aitk-launcher prefetch vs huggingface_hub snapshot_download vs aria2c, on the same file
# list, against the fake Hub on loopback serving a ~1 GB FLUX-shaped repo. Capped rounds limit every connection
# to CAP bytes/s (default 50 MB/s); uncapped rounds show the machine's own limit, next to dd's disk-write speed.
#
# Usage: src/bench/prefetch-bench.sh [RUNS]        (default RUNS=3; prints a Markdown table of medians)
# Needs: Java 17 + Maven (builds the jar), python3 with huggingface_hub 1.33, aria2c (Debian: aria2).
# Env:   CAP (bytes/s per connection, default 50000000), ROUNDS (default "capped uncapped"),
#        TOOLS (default "launcher launcher-no-sync huggingface_hub aria2c"), MVN_FLAGS (default -o: build offline),
#        SKIP_BUILD=1 uses the jar already built, KEEP=1 keeps the temp dir.
# The launcher runs as users run it, through launchers/aitk-launcher (its start-up archive is made before the first
# timed run); the tool launcher-java-jar runs `java -jar` without that archive, for comparison.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-3}
CAP=${CAP:-50000000}
REPO=black-forest-labs/FLUX.1-dev
JAR=target/aitk-launcher.jar

for tool in java python3 aria2c; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 7; }
done
python3 -c 'import huggingface_hub' 2>/dev/null || { echo "error: python3 lacks huggingface_hub (pip install huggingface_hub==1.33.0)" >&2; exit 7; }

ROUNDS=${ROUNDS:-capped uncapped}
LAUNCHER=launchers/aitk-launcher
TOOLS=${TOOLS:-launcher launcher-no-sync huggingface_hub aria2c}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086
  mvn -q -B ${MVN_FLAGS:--o} package -DskipTests >/dev/null
fi
# Makes the start-up archive now, so no timed run pays for it (a user pays it once per build).
"$LAUNCHER" --version >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/prefetch-bench.XXXXXX")
hub_pid=""
cleanup() {
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

start_hub() { # $1 = cap in bytes/s per connection (0 = none)
  local dir="$work/hub-$1"
  java -cp target/test-classes dev.aitk.launcher.hub.FakeHubMain "$1" "$dir" >"$work/hub-$1.log" 2>&1 &
  hub_pid=$!
  for _ in $(seq 1 600); do [ -f "$dir/endpoint" ] && break; sleep 0.1; done
  [ -f "$dir/endpoint" ] || { echo "error: the fake Hub did not start (see $work/hub-$1.log)" >&2; exit 1; }
  endpoint=$(cat "$dir/endpoint")
  files_list="$dir/files"
  mapfile -t paths < <(cut -f1 "$files_list")
  expected_bytes=$(awk -F'\t' '{s += $2} END {print s}' "$files_list")
}

stop_hub() {
  kill "$hub_pid" 2>/dev/null || true
  wait "$hub_pid" 2>/dev/null || true
  hub_pid=""
}

cpu_ticks() { # user+system clock ticks of a process
  awk '{print $14 + $15}' "/proc/$1/stat"
}

check_bytes() { # $1 = folder holding the files under their repo paths
  local got=0 p
  for p in "${paths[@]}"; do
    [ -f "$1/$p" ] || { echo "error: $1/$p is missing after the run" >&2; exit 1; }
    got=$((got + $(stat -L -c %s "$1/$p")))
  done
  [ "$got" -eq "$expected_bytes" ] || { echo "error: $1 holds $got bytes, expected $expected_bytes" >&2; exit 1; }
}

run_tool() { # $1 = tool, $2 = label; appends "label tool wall client_cpu server_cpu" to results
  local tool=$1 label=$2 dest="$work/dest" t0 t1 s0 s1 times
  rm -rf "$dest"; mkdir -p "$dest"
  s0=$(cpu_ticks "$hub_pid")
  t0=$(date +%s.%N)
  case "$tool" in
    launcher)
      /usr/bin/time -o "$work/time" -f '%U %S' "$LAUNCHER" prefetch "$REPO" --endpoint "$endpoint" --cache-dir "$dest" >"$work/out.log" 2>&1 ;;
    launcher-no-sync)
      /usr/bin/time -o "$work/time" -f '%U %S' "$LAUNCHER" prefetch "$REPO" --endpoint "$endpoint" --cache-dir "$dest" --no-sync >"$work/out.log" 2>&1 ;;
    launcher-java-jar)
      /usr/bin/time -o "$work/time" -f '%U %S' java -jar "$JAR" prefetch "$REPO" --endpoint "$endpoint" --cache-dir "$dest" >"$work/out.log" 2>&1 ;;
    huggingface_hub)
      HF_ENDPOINT="$endpoint" HF_HUB_CACHE="$dest" HF_HUB_DISABLE_XET=1 HF_HUB_DISABLE_PROGRESS_BARS=1 HF_HUB_DISABLE_TELEMETRY=1 \
        /usr/bin/time -o "$work/time" -f '%U %S' python3 -c 'import sys; from huggingface_hub import snapshot_download; snapshot_download(sys.argv[1], allow_patterns=sys.argv[2:])' \
        "$REPO" "${paths[@]}" >"$work/out.log" 2>&1 ;;
    aria2c)
      : >"$work/aria.txt"
      for p in "${paths[@]}"; do printf '%s/%s/resolve/main/%s\n  out=%s\n' "$endpoint" "$REPO" "$p" "$p" >>"$work/aria.txt"; done
      /usr/bin/time -o "$work/time" -f '%U %S' aria2c -x 16 -s 16 -c --file-allocation=none --console-log-level=error \
        --summary-interval=0 -d "$dest" -i "$work/aria.txt" >"$work/out.log" 2>&1 ;;
  esac
  t1=$(date +%s.%N)
  s1=$(cpu_ticks "$hub_pid")
  if [ "$tool" = aria2c ]; then check_bytes "$dest"; else check_bytes "$dest/models--${REPO//\//--}/snapshots/$(cat "$dest/models--${REPO//\//--}/refs/main")"; fi
  times=$(tail -1 "$work/time")
  echo "$label $tool $(echo "$t1 - $t0" | bc -l) $(echo "$times" | awk '{print $1 + $2}') $(echo "($s1 - $s0) / $(getconf CLK_TCK)" | bc -l)" >>"$work/results"
}

: >"$work/results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for label in $ROUNDS; do
  if [ "$label" = capped ]; then start_hub "$CAP"; else start_hub 0; fi
  for _ in $(seq 1 "$RUNS"); do
    for tool in $TOOLS; do run_tool "$tool" "$label"; done
  done
  stop_hub
done

dd_line=$(dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)
rm -f "$work/dd.bin"

median() { sort -n | awk '{a[NR] = $1} END {if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "Repo: ${expected_bytes} bytes in ${#paths[@]} files; cap ${CAP} B/s per connection in capped rounds; ${RUNS} run(s) each; $(nproc) CPU(s)."
echo "Load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| round | tool | median wall s | MB/s | x vs huggingface_hub | x vs aria2c | client CPU s | fake-Hub CPU s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for label in $ROUNDS; do
  hf=$(awk -v l="$label" '$1 == l && $2 == "huggingface_hub" {print $3}' "$work/results" | median)
  aria=$(awk -v l="$label" '$1 == l && $2 == "aria2c" {print $3}' "$work/results" | median)
  for tool in $TOOLS; do
    wall=$(awk -v l="$label" -v t="$tool" '$1 == l && $2 == t {print $3}' "$work/results" | median)
    cpu=$(awk -v l="$label" -v t="$tool" '$1 == l && $2 == t {print $4}' "$work/results" | median)
    srv=$(awk -v l="$label" -v t="$tool" '$1 == l && $2 == t {print $5}' "$work/results" | median)
    ratio=-
    [ -n "$hf" ] && ratio=$(printf '%.2f' "$(echo "$hf / $wall" | bc -l)")
    vs_aria=-
    [ -n "$aria" ] && vs_aria=$(printf '%.2f' "$(echo "$aria / $wall" | bc -l)")
    printf '| %s | %s | %.2f | %.0f | %s | %s | %.2f | %.2f |\n' "$label" "$tool" "$wall" \
      "$(echo "$expected_bytes / $wall / 1000000" | bc -l)" "$ratio" "$vs_aria" "$cpu" "$srv"
  done
done
echo
echo "dd (1 GiB, fdatasync) on the same disk: $dd_line"

#!/usr/bin/env bash
# Times the real-trainer test suite (#9), for docs/benchmarks.md:
#   1. setup-real-trainer.sh from nothing (a fresh, empty cache folder), RUNS times;
#   2. setup-real-trainer.sh again with everything built (warm), RUNS times;
#   3. every real-trainer IT (the realtrainer package) through Maven (after one `mvn -o -B -q package -DskipTests`), RUNS times, each
#      test's time read from its failsafe report;
#   4. (peer) the same 10-step tiny FLUX.1-dev training as `launch` and as run.py alone (the config launch
#      rendered, the tiny model's folder, no prefetch), and pip re-run on the built venv (what a set-up without
#      a ready marker would do on every run), RUNS times each.
# Prints each figure and the median of the runs as Markdown rows.
#
#   src/test/realtrainer/benchmark-real-trainer.sh [RUNS] [setup|suite|peer|all]   (default 3 all; from any folder)
set -euo pipefail
runs=${1:-3}
what=${2:-all}
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
setup=src/test/realtrainer/setup-real-trainer.sh
its='**/realtrainer/*IT'

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

if [ "$what" = peer ] || [ "$what" = all ]; then
  last=$("$setup" 2>/dev/null | tail -1)
  field() { printf '%s' "${last#AITK_REAL_TRAINER }" | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
  toolkit=$(field toolkitDir); python=$(field python); shims=$(field shimDir); model=$(field modelsDir)/flux-dev
  work=$(mktemp -d)
  mkdir -p "$work/images"
  "$python" - "$work/images" <<'PY'
import sys
from PIL import Image
for i in range(4):
    Image.new("RGB", (64, 64), (40 * i, 255 - 40 * i, 128)).save(f"{sys.argv[1]}/img{i}.png")
    open(f"{sys.argv[1]}/img{i}.txt", "w").write(f"a tiny square pattern, number {i}")
PY
  mvn -o -B -q package -DskipTests >/dev/null
  launch_args=(launch --gpu-memory 80GB --gpus 1 --model dev --dataset "$work/images" --output "$work/out" --name bench
    --steps 10 --no-quantize --no-gradient-checkpointing --optimizer adamw --rank 4 --toolkit-dir "$toolkit"
    --python "$python" --no-prefetch --set device=cpu --set train.dtype=fp32 --set save.dtype=float32
    --set model.quantize_te=false --set 'datasets[0].resolution=[64]' --set train.disable_sampling=true
    --set "model.name_or_path=$model" --set save.save_every=5)
  with_launch=(); alone=(); pip_again=()
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"
    with_launch+=("$(PYTHONPATH=$shims NO_ALBUMENTATIONS_UPDATE=1 seconds java -jar target/aitk-launcher.jar "${launch_args[@]}")")
    [ -f "$work/out/bench/bench.safetensors" ] || echo "note: launch did not finish the run"
    cp "$work/out/bench.yaml" "$work/bench.yaml"
    rm -rf "$work/out"
    alone+=("$(cd "$toolkit" && PYTHONPATH=$shims NO_ALBUMENTATIONS_UPDATE=1 seconds "$python" run.py "$work/bench.yaml")")
    [ -f "$work/out/bench/bench.safetensors" ] || echo "note: run.py did not finish the run"
    mapfile -t packages < <("$setup" --store-packages)
    pip_again+=("$(seconds "$python" -m pip install --disable-pip-version-check -q --retries 0 --timeout 10 "${packages[@]}")")
  done
  rm -rf "$work"
  printf '| 10 steps, tiny FLUX.1-dev, through launch (--no-prefetch) | %s | %s |\n' "${with_launch[*]}" "$(printf '%s\n' "${with_launch[@]}" | median)"
  printf '| the same config, run.py alone | %s | %s |\n' "${alone[*]}" "$(printf '%s\n' "${alone[@]}" | median)"
  printf '| pip install of the store packages again on the built venv | %s | %s |\n' "${pip_again[*]}" "$(printf '%s\n' "${pip_again[@]}" | median)"
  [ "$what" = peer ] && exit 0
fi

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

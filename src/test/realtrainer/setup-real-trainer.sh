#!/usr/bin/env bash
# Builds (once) a venv that runs the real ai-toolkit on CPU, and the tiny FLUX models the real-trainer tests train.
#
#   src/test/realtrainer/setup-real-trainer.sh [KIT_DIR]
#   src/test/realtrainer/setup-real-trainer.sh --store-packages
#
# KIT_DIR (else $AITK_TEST_KIT, else ../shared/real-trainer beside the project) holds ai-toolkit-*.tar.gz and
# wheels/. Everything is built under a cache folder outside the clone ($AITK_TEST_CACHE, else
# ${XDG_CACHE_HOME:-~/.cache}/aitk-launcher-tests), in a folder named by a hash of the kit's contents and of
# this set-up's own files, so a second run only checks and prints (seconds), and a changed kit or recipe gets
# a fresh folder (the key covers the kit, the package lists, the shims and the model builder, not the rest of
# this script: bump "recipe" below when a change here must rebuild). Each folder is built under a temporary name
# and renamed when complete: a killed set-up leaves nothing under a final name. Concurrent set-ups (several
# JVMs, several worktrees) take a lock.
#
# Last line of stdout, for programs: `AITK_REAL_TRAINER {"toolkitDir":...,"python":...,"shimDir":...,
# "modelsDir":...,"models":[...]}` (one JSON object); the same object is in the models folder's real-trainer.json.
# Exit 0 ready; 2 usage or no kit; 1 the build failed (its log is named).
set -euo pipefail

# Packages from the local pip store, as measured in the kit's README. ai-toolkit pins older transformers,
# huggingface_hub and peft; the store's newer ones work. torchvision, timm and open_clip without their
# dependencies, so pip never swaps the CPU torch for a CUDA one.
store_packages=(torch==2.13.0+cpu transformers==5.17.0 huggingface_hub==1.33.0 tokenizers==0.23.2 peft==0.21.0
  accelerate==1.15.0 safetensors==0.8.0 sentencepiece einops pyyaml toml pydantic python-dotenv python-slugify
  tensorboard opencv-python-headless matplotlib scipy scikit-image av mutagen psutil ftfy regex pillow numpy
  requests filelock ninja tqdm)
no_deps_packages=(torchvision==0.28.0 timm open_clip_torch)
# `--store-packages` prints the first list, one a line (benchmark-real-trainer.sh times pip on it).
if [ "${1:-}" = --store-packages ]; then
  printf '%s\n' "${store_packages[@]}"
  exit 0
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
kit=${1:-${AITK_TEST_KIT:-$project/../shared/real-trainer}}
if [ ! -d "$kit" ]; then
  echo "setup-real-trainer: no real-trainer kit at $kit (pass its folder or set AITK_TEST_KIT)" >&2
  exit 2
fi
kit=$(cd "$kit" && pwd)
tarballs=("$kit"/ai-toolkit-*.tar.gz)
if [ ! -f "${tarballs[0]}" ] || [ ! -d "$kit/wheels" ]; then
  echo "setup-real-trainer: $kit has no ai-toolkit-*.tar.gz or no wheels/ folder; it is not a real-trainer kit" >&2
  exit 2
fi
python_cmd=${AITK_TEST_PYTHON:-python3}
command -v "$python_cmd" >/dev/null || { echo "setup-real-trainer: $python_cmd is not on PATH" >&2; exit 2; }

cache=${AITK_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aitk-launcher-tests}
mkdir -p "$cache"


toolkit_key=$(cd "$kit" && { sha256sum "${tarballs[@]##*/}" wheels/*.whl
  sha256sum "$here"/shims/sitecustomize.py "$here"/shims/torchaudio/__init__.py | cut -c1-64
  echo "recipe 1: ${store_packages[*]} / --no-deps ${no_deps_packages[*]}"
  echo "$python_cmd $("$python_cmd" -c 'import sys; print(sys.version)')"; } | sha256sum | cut -c1-16)
toolkit_home=$cache/toolkit-$toolkit_key
models_key=$( { echo "$toolkit_key"; sha256sum "$here/build-tiny-models.py" | cut -c1-64; } | sha256sum | cut -c1-16)
models_home=$cache/models-$models_key

exec 9>"$cache/.setup.lock"
flock 9

# albumentations asks the network for its newest version at import; tests talk only to loopback.
export NO_ALBUMENTATIONS_UPDATE=1

step() { printf '%s setup-real-trainer: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ ! -f "$toolkit_home/ready" ]; then
  tmp=$cache/.building-toolkit-$toolkit_key
  rm -rf "$tmp" "$toolkit_home"
  mkdir -p "$tmp/ai-toolkit"
  log=$cache/setup-$toolkit_key.log
  step "building the real-trainer venv in $toolkit_home (about 2 minutes; pip log: $log)"
  tar xzf "${tarballs[0]}" -C "$tmp/ai-toolkit" --strip-components=0
  # The tarball may hold the toolkit at its top or inside one folder; run.py marks the toolkit folder.
  if [ ! -f "$tmp/ai-toolkit/run.py" ]; then
    inner=$(dirname "$(find "$tmp/ai-toolkit" -maxdepth 2 -name run.py | head -1)")
    [ -f "$inner/run.py" ] || { echo "setup-real-trainer: ${tarballs[0]} holds no run.py" >&2; exit 1; }
    mv "$inner" "$tmp/ai-toolkit.inner" && rm -rf "$tmp/ai-toolkit" && mv "$tmp/ai-toolkit.inner" "$tmp/ai-toolkit"
  fi
  cp -r "$here/shims" "$tmp/shims"
  "$python_cmd" -m venv "$tmp/venv"
  pip_install() {
    "$tmp/venv/bin/python" -m pip install --disable-pip-version-check --no-input -q --retries 0 --timeout 10 "$@" >>"$log" 2>&1 \
      || { echo "setup-real-trainer: pip install $* failed; see $log" >&2; tail -5 "$log" >&2; exit 1; }
  }
  step "pip: packages from the local store"
  pip_install "${store_packages[@]}"
  pip_install --no-deps "${no_deps_packages[@]}"
  step "pip: the kit's wheels (--no-deps)"
  pip_install --no-deps "$kit"/wheels/*.whl
  step "checking that ai-toolkit's modules import"
  (cd "$tmp/ai-toolkit" && PYTHONPATH="$tmp/shims" "$tmp/venv/bin/python" -c \
    'import torch, torchvision, diffusers, toolkit.config_modules, jobs; print("torch", torch.__version__)') \
    >>"$log" 2>&1 || { echo "setup-real-trainer: ai-toolkit does not import in the new venv; see $log" >&2; tail -5 "$log" >&2; exit 1; }
  touch "$tmp/ready"
  mv "$tmp" "$toolkit_home"
fi

if [ ! -f "$models_home/ready" ]; then
  tmp=$cache/.building-models-$models_key
  rm -rf "$tmp" "$models_home"
  mkdir -p "$tmp"
  step "building the tiny models in $models_home (about 15 s)"
  PYTHONPATH="$toolkit_home/shims" "$toolkit_home/venv/bin/python" "$here/build-tiny-models.py" "$tmp" >&2
  touch "$tmp/ready"
  mv "$tmp" "$models_home"
fi

json=$("$toolkit_home/venv/bin/python" - "$toolkit_home" "$models_home" <<'PY'
import json, os, sys
toolkit_home, models_home = sys.argv[1], sys.argv[2]
print(json.dumps({
    "toolkitDir": os.path.join(toolkit_home, "ai-toolkit"),
    "python": os.path.join(toolkit_home, "venv", "bin", "python"),
    "shimDir": os.path.join(toolkit_home, "shims"),
    "modelsDir": models_home,
    "models": sorted(d for d in os.listdir(models_home) if os.path.isfile(os.path.join(models_home, d, "model_index.json"))),
}, separators=(",", ":")))
PY
)
printf '%s\n' "$json" >"$models_home/real-trainer.json.tmp" && mv "$models_home/real-trainer.json.tmp" "$models_home/real-trainer.json"
echo "AITK_REAL_TRAINER $json"

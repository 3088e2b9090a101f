#!/usr/bin/env bash
# Measures FLUX.2 LoRA training memory/speed on this machine's GPU and captures what the launcher sees of
# it (nvidia-smi answers and `detect`), idle and while a FLUX.2-klein-9B model holds memory.
#
#   src/bench/gpu/measure.sh OUT_DIR AI_TOOLKIT_DIR [JAVA JAR] [BUDGET_S]
#
# OUT_DIR gets rows.jsonl (one JSON object a line, written as measured), bench.log and captures.tar.
# AI_TOOLKIT_DIR: an ai-toolkit checkout. JAVA and JAR (optional): a Java 17 and target/aitk-launcher.jar.
# Needs python3 (or $PYTHON) with torch, transformers, einops (and diffusers for the cross-check rows);
# PLAN=device-more measures what the second lease did; PLAN=cpu runs the tiny CPU smoke test.
set -u
out=$1 aitk=$2 java=${3:-} jar=${4:-} budget=${5:-340}
here=$(cd "$(dirname "$0")" && pwd)
cap=$(mktemp -d)
mkdir -p "$out"

capture() { # $1: idle or busy
    nvidia-smi --query-gpu=memory.used,memory.total --format=csv,noheader,nounits >"$cap/sampler-query-$1.csv" 2>&1
    nvidia-smi --query-gpu=index,name,uuid,memory.total,memory.used,memory.free,driver_version,compute_cap,pci.bus_id \
        --format=csv,noheader,nounits >"$cap/detect-query-$1.csv" 2>&1
    nvidia-smi >"$cap/nvidia-smi-$1.txt" 2>&1
    if [ -n "$jar" ]; then
        "$java" -jar "$jar" detect --json >"$cap/detect-$1.json" 2>"$cap/detect-$1.json.stderr"
        echo $? >"$cap/detect-$1.json.rc"
        "$java" -jar "$jar" detect >"$cap/detect-$1.txt" 2>&1
    fi
    tar -C "$cap" -cf "$out/captures.tar" .
}

if [ "${1:-}" = --capture ]; then # called back by the Python script while it holds GPU memory
    out=$2 cap=$3 java=$4 jar=$5
    capture busy
    exit 0
fi

capture idle
"${PYTHON:-python3}" "$here/flux2_lora_vram.py" --plan "${PLAN:-device}" --ai-toolkit "$aitk" --out "$out/rows.jsonl" \
    --budget-s "$budget" \
    --while-holding "bash '$here/measure.sh' --capture '$out' '$cap' '$java' '$jar'" 2>&1 | tee "$out/bench.log"

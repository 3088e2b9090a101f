"""Merges the rows of several flux2_lora_vram.py runs into the file the planner ships, most important first.

    python3 merge_runs.py run1.jsonl run2.jsonl > flux2-klein-lora-vram-h200.jsonl

A configuration measured more than once becomes one row: the median step time, the highest peaks, and
`runs` saying how many. For model, device and te_encode rows the last run's row wins (the second run
re-measured Qwen3-4B after a fix). An `oom` row stays only where no run of that configuration fitted.
"""
import json
import statistics
import sys

STEP_KEY = ("variant", "impl", "precision", "rank", "res", "ref_images", "batch", "grad_ckpt")
MODEL_KEY = ("variant", "impl", "precision", "rank")

# Most important first: what the planner fits FLUX.2-klein on, then the rest.
GROUP_ORDER = [
    ("flux2-klein-4b", "ai-toolkit", "bf16", 16),
    ("flux2-klein-9b", "ai-toolkit", "bf16", 16),
    ("flux2-klein-9b", "ai-toolkit", "fp8", 16),
    ("flux2-klein-4b", "ai-toolkit", "fp8", 16),
    "te_encode",
    ("flux2-dev", "ai-toolkit", "bf16", 16),
    ("flux2-dev", "ai-toolkit", "fp8", 16),
    ("flux2-klein-4b", "ai-toolkit", "bf16", 4),
    ("flux2-klein-4b", "ai-toolkit", "bf16", 64),
    ("flux2-klein-4b", "ai-toolkit", "bf16", 128),
    ("flux2-klein-4b", "diffusers", "bf16", 16),
]


def key(row, fields):
    return tuple(row[f] for f in fields)


def merge(runs):
    device, models, encoders, steps, ooms = None, {}, {}, {}, {}
    for rows in runs:
        for row in rows:
            kind = row["kind"]
            if kind == "device":
                device = row
            elif kind == "model":
                models[key(row, MODEL_KEY)] = row
            elif kind == "te_encode":
                encoders[row["te"]] = row
            elif kind == "step":
                steps.setdefault(key(row, STEP_KEY), []).append(row)
            elif kind == "oom":
                ooms[key(row, STEP_KEY)] = row
    merged = {}
    for k, measured in steps.items():
        row = dict(measured[-1])
        row["step_s"] = statistics.median(r["step_s"] for r in measured)
        row["peak_alloc_gib"] = max(r["peak_alloc_gib"] for r in measured)
        row["peak_reserved_gib"] = max(r["peak_reserved_gib"] for r in measured)
        row["loss_finite"] = all(r["loss_finite"] for r in measured)
        row["runs"] = len(measured)
        merged[k] = row
    for k, row in ooms.items():
        merged.setdefault(k, row)
    out = [device]
    for group in GROUP_ORDER:
        if group == "te_encode":
            out += [encoders[name] for name in sorted(encoders)]
            continue
        out.append(models[group])
        # Checkpointed rows first, then by references, resolution, batch.
        rows = [r for k, r in merged.items() if k[:4] == group]
        out += sorted(rows, key=lambda r: (not r["grad_ckpt"], r["ref_images"], r["res"], r["batch"]))
    return out


def main(paths):
    runs = [[json.loads(line) for line in open(p, encoding="utf-8") if line.strip()] for p in paths]
    for row in merge(runs):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

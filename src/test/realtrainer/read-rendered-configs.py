"""Reads configs the way the real ai-toolkit run.py does, without training: toolkit.job.get_job builds the job and
its SDTrainer process, whose constructor parses every section into ai-toolkit's config classes (ModelConfig,
TrainConfig, DatasetConfig, SampleConfig, ...) and runs validate_configs. No model is loaded, so a config planned
for a GPU is read as it is. Run with the real-trainer venv's python, in the ai-toolkit folder:

    python read-rendered-configs.py CONFIG.yaml [CONFIG.yaml ...]

Prints one line per config, `AITK_CONFIG {"file": ..., ...}` with what ai-toolkit made of it, or
`AITK_CONFIG_ERROR {"file": ..., "error": ...}`; exits 1 when any config could not be read.
"""
import json
import os
import sys

sys.path.insert(0, os.getcwd())

from toolkit.job import get_job  # noqa: E402
from toolkit.util.get_model import get_model_class  # noqa: E402


def resolutions(value):
    # DatasetConfig holds one size (ai-toolkit splits a dataset with a list of sizes into one config per size).
    return value if isinstance(value, (list, tuple)) else [value]


def facts(path):
    job = get_job(path, None)
    process = job.process[0]
    model, train, sample = process.model_config, process.train_config, process.sample_config
    samples = []
    if sample is not None:
        for item in sample.samples:
            samples.append({"prompt": item.prompt, "ctrl_img": getattr(item, "ctrl_img", None)})
    return {
        "file": path,
        "job": type(job).__name__,
        "process": type(process).__name__,
        "arch": model.arch,
        "modelClass": get_model_class(model).__name__,
        "quantize": bool(model.quantize),
        "lowVram": bool(model.low_vram),
        "batchSize": train.batch_size,
        "gradientCheckpointing": bool(train.gradient_checkpointing),
        "cacheTextEmbeddings": bool(train.cache_text_embeddings),
        "disableSampling": bool(train.disable_sampling),
        "resolutions": sorted({r for d in process.dataset_configs for r in resolutions(d.resolution)}),
        "samples": samples,
    }


failed = False
for config in sys.argv[1:]:
    try:
        print("AITK_CONFIG " + json.dumps(facts(config)), flush=True)
    except Exception as e:  # every config gets its line, the first failure does not hide the others
        failed = True
        print("AITK_CONFIG_ERROR " + json.dumps({"file": config, "error": f"{type(e).__name__}: {e}"}), flush=True)
sys.exit(1 if failed else 0)

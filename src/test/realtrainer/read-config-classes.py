"""Reads ai-toolkit configs with ai-toolkit's OWN loader and config classes, as its trainer does before training.

    python read-config-classes.py CONFIG.yaml [CONFIG.yaml ...]      (cwd: ai-toolkit's folder)

For each config: toolkit/config.py get_config (the YAML loader run.py uses), then, for every process entry, the
classes jobs/process/BaseSDTrainProcess.py builds in its __init__ (NetworkConfig, TrainConfig, ModelConfig with
the train dtype, SaveConfig, SampleConfig, LoggingConfig, preprocess_dataset_raw_config + DatasetConfig),
config_modules.validate_configs on them, and toolkit/util/get_model.py get_model_class for the arch (which model
class would load it). Prints one JSON line per config: what the classes hold after their own defaults and
checks (or the error they raised), so the test compares ai-toolkit's reading with the launcher's plan.
No weights are loaded and nothing is trained.
"""
import json
import os
import sys
import traceback

sys.path.insert(0, os.getcwd())  # ai-toolkit's folder, as run.py puts it first

from toolkit.config import get_config
from toolkit.config_modules import (DatasetConfig, LoggingConfig, ModelConfig, NetworkConfig, SampleConfig,
                                    SaveConfig, TrainConfig, preprocess_dataset_raw_config, validate_configs)
from toolkit.util.get_model import get_model_class


def read(path):
    config = get_config(path)
    processes = []
    for process in config["config"]["process"]:
        train = TrainConfig(**process.get("train", {}))
        model_raw = dict(process.get("model", {}))
        model_raw["dtype"] = train.dtype
        model = ModelConfig(**model_raw)
        network = NetworkConfig(**process["network"]) if process.get("network") else None
        save = SaveConfig(**process.get("save", {}))
        sample = SampleConfig(**process.get("sample", {}))
        LoggingConfig(**process.get("logging", {}))
        datasets = [DatasetConfig(**d) for d in preprocess_dataset_raw_config(process.get("datasets", []))]
        validate_configs(train, model, save, datasets)
        processes.append({
            "modelClass": get_model_class(model).__name__,
            "arch": model.arch,
            "quantize": model.quantize,
            "qtype": model.qtype,
            "quantize_te": model.quantize_te,
            "qtype_te": model.qtype_te,
            "low_vram": model.low_vram,
            "layer_offloading": model.layer_offloading,
            "layer_offloading_transformer_percent": model.layer_offloading_transformer_percent,
            "layer_offloading_text_encoder_percent": model.layer_offloading_text_encoder_percent,
            "batch_size": train.batch_size,
            "steps": train.steps,
            "gradient_accumulation": train.gradient_accumulation,
            "gradient_checkpointing": train.gradient_checkpointing,
            "optimizer": train.optimizer,
            "cache_text_embeddings": train.cache_text_embeddings,
            "linear": network.linear if network else None,
            "datasets": [{"resolution": d.resolution, "batch_size": d.batch_size,
                          "control_path": d.control_path} for d in datasets],
            "sample_ctrl_imgs": [s.ctrl_img_1 for s in sample.samples or []],
        })
    return {"name": config["config"]["name"], "processes": processes}


def main(paths):
    for path in paths:
        try:
            result = {"config": path, "ok": True, **read(path)}
        except Exception as e:  # the test shows which config ai-toolkit refused, and why
            result = {"config": path, "ok": False, "error": repr(e), "traceback": traceback.format_exc()[-2000:]}
        print("AITK_CONFIG " + json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Reads a rendered config the way ai-toolkit does and checks the keys its classes read.

Usage: python3 read_like_ai_toolkit.py CONFIG.yaml
Prints a JSON summary (values with their Python types) on success; exits 1 with one line per problem.
Written for aitk-launcher's tests from reading ai-toolkit's code; each check names where ai-toolkit reads the key.
"""
import json
import re
import sys

import yaml


def ai_toolkit_loader():
    # toolkit/config.py: a SafeLoader whose float resolver also takes 1e-4 (no dot, unsigned exponent).
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""", re.X),
        list("-+0123456789."))
    return Loader


def typed(value):
    return [value, type(value).__name__]


def main(path):
    problems = []
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    # toolkit/config.py replace_env_vars_in_string: ${VAR} anywhere in the raw text must be set.
    if re.search(r"\$\{([^}]+)\}", text):
        problems.append("contains ${VAR}, which run.py replaces from the environment")
    doc = yaml.load(text, Loader=ai_toolkit_loader())
    # toolkit/config.py preprocess_config: job and config must exist; config.name unless run.py -n is given;
    # the whole document goes through json.dumps, so every value must be JSON-serialisable.
    for key in ("job", "config"):
        if key not in doc:
            problems.append("missing " + key)
    json.dumps(doc)
    config = doc.get("config", {})
    if not isinstance(config.get("name"), str):
        problems.append("config.name is not a string")
    # toolkit/job.py get_job: 'extension' runs the process list (jobs/ExtensionJob.py).
    if doc.get("job") != "extension":
        problems.append("job is not extension")
    # jobs/BaseJob.py load_processes: a non-empty list, each entry with a known type.
    processes = config.get("process")
    if not isinstance(processes, list) or not processes:
        problems.append("config.process is not a non-empty list")
        processes = [{}]
    p = processes[0]
    if p.get("type") != "sd_trainer":
        problems.append("process[0].type is not sd_trainer")
    # jobs/process/BaseTrainProcess.py: training_folder joins with the name into the save root.
    if not isinstance(p.get("training_folder"), str):
        problems.append("training_folder is not a string")
    # toolkit/config_modules.py ModelConfig: name_or_path is required; arch picks the model class.
    model = p.get("model", {})
    if not isinstance(model.get("name_or_path"), str):
        problems.append("model.name_or_path is missing")
    if model.get("arch") not in ("flux", "flux_kontext", "flex2", "flux2", "flux2_klein_4b", "flux2_klein_9b"):
        problems.append("model.arch is not a FLUX family arch")
    # ModelConfig: layer_offloading is a bool, its percentages 0..1 ("0 is off and 1.0 is 100% of the layers");
    # model_kwargs is a dict the loaders .get() from (flux2_model.py match_target_res).
    if not isinstance(model.get("layer_offloading", False), bool):
        problems.append("model.layer_offloading is not a bool")
    for key in ("layer_offloading_transformer_percent", "layer_offloading_text_encoder_percent"):
        v = model.get(key, 1.0)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1:
            problems.append("model.%s is not a number from 0 to 1" % key)
    if not isinstance(model.get("model_kwargs", {}), dict):
        problems.append("model.model_kwargs is not a mapping")
    # toolkit/config_modules.py DatasetConfig + preprocess_dataset_raw_config: folder_path, resolution int or list.
    datasets = p.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        problems.append("datasets is not a non-empty list")
        datasets = [{}]
    for i, d in enumerate(datasets):
        if not isinstance(d.get("folder_path"), str):
            problems.append("datasets[%d].folder_path is not a string" % i)
        res = d.get("resolution", 512)
        res = res if isinstance(res, list) else [res]
        if not all(isinstance(r, int) for r in res):
            problems.append("datasets[%d].resolution is not ints" % i)
        for key in ("control_path", "inpaint_path", "mask_path"):
            if key in d and not isinstance(d[key], (str, list)):
                problems.append("datasets[%d].%s is not a path" % (i, key))
        # DatasetConfig: control_path_1..3 (the UI's multi-control folders) become a control_path list.
        for key in ("control_path_1", "control_path_2", "control_path_3"):
            if key in d and not isinstance(d[key], str):
                problems.append("datasets[%d].%s is not a path" % (i, key))
        # DatasetConfig.batch_size: None or an int that overrides train.batch_size (data_loader.py).
        if d.get("batch_size") is not None and not isinstance(d["batch_size"], int):
            problems.append("datasets[%d].batch_size is not an int" % i)
    # toolkit/config_modules.py TrainConfig: numbers must be numbers; the two accumulation keys exclude each other.
    train = p.get("train", {})
    if not isinstance(train.get("lr"), float):
        problems.append("train.lr is not a float")
    for key in ("batch_size", "steps"):
        if not isinstance(train.get(key), int):
            problems.append("train.%s is not an int" % key)
    if train.get("gradient_accumulation", 1) > 1 and train.get("gradient_accumulation_steps", 1) != 1:
        problems.append("gradient_accumulation and gradient_accumulation_steps are mutually exclusive")
    # toolkit/config_modules.py SaveConfig: save_format must be safetensors or diffusers.
    save = p.get("save", {})
    if save.get("save_format", "safetensors") not in ("safetensors", "diffusers"):
        problems.append("save.save_format is not safetensors or diffusers")
    # toolkit/config_modules.py NetworkConfig: linear (rank) and linear_alpha.
    network = p.get("network", {})
    if not isinstance(network.get("linear"), int):
        problems.append("network.linear is not an int")
    # toolkit/config_modules.py SampleConfig: prompts become SampleItem(prompt=...).
    sample = p.get("sample", {})
    if not all(isinstance(x, str) for x in sample.get("prompts", [])):
        problems.append("sample.prompts are not strings")
    # SampleConfig: samples (when given, instead of prompts) become SampleItem(**entry): a prompt string and
    # control images ctrl_img, ctrl_img_1..3 as paths.
    samples = sample.get("samples", [{"prompt": x} for x in sample.get("prompts", [])])
    for i, item in enumerate(samples):
        if not isinstance(item, dict) or not isinstance(item.get("prompt"), str):
            problems.append("sample.samples[%d] has no prompt string" % i)
            continue
        for key in ("ctrl_img", "ctrl_img_1", "ctrl_img_2", "ctrl_img_3"):
            if key in item and not isinstance(item[key], str):
                problems.append("sample.samples[%d].%s is not a path" % (i, key))
    if problems:
        print("\n".join(problems))
        return 1
    print(json.dumps({
        "name": typed(config["name"]),
        "training_folder": typed(p["training_folder"]),
        "folder_path": typed(datasets[0]["folder_path"]),
        "resolution": typed(datasets[0].get("resolution")),
        "lr": typed(train["lr"]),
        "batch_size": typed(train["batch_size"]),
        "arch": typed(model["arch"]),
        "prompts": typed(sample.get("prompts")),
        "sample_prompts": [x.get("prompt") for x in samples],
        "sample_controls": [x.get("ctrl_img", x.get("ctrl_img_1")) for x in samples],
        "dataset_keys": sorted(datasets[0].keys()),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

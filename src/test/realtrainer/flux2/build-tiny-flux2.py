"""Builds a tiny, randomly initialised FLUX.2 [klein] 4B for the real-trainer tests, as ai-toolkit reads it.

    python build-tiny-flux2.py OUT_DIR

Run with the real-trainer venv's python, in ai-toolkit's folder (it builds the model with ai-toolkit's own
FLUX.2 classes, so the weights have exactly the names its loader expects). Writes:
  OUT_DIR/model/flux-2-klein-base-4b.safetensors   the transformer (what Flux2Klein4BModel reads from name_or_path)
  OUT_DIR/vae/ae.safetensors                        the VAE (what it reads from ai-toolkit/flux2_vae)
  OUT_DIR/qwen3/                                    a Qwen3ForCausalLM + Qwen2Tokenizer (what it reads from Qwen/Qwen3-4B)
  OUT_DIR/shape.json                                the transformer and VAE shapes (flux2_shape/sitecustomize.py reads it)

ai-toolkit builds the FLUX.2 transformer and VAE from fixed dataclasses (Klein4BParams, AutoEncoderParams in
extensions_built_in/diffusion_models/flux2/src/), not from a config.json next to the weights, so a tiny model
only loads when those two dataclasses get the tiny shape: the shim does that and nothing else. The Qwen3 text
encoder is read by transformers from its config.json, so it is tiny by its own config; it keeps 28 layers
because the pipeline stacks hidden states 9, 18 and 27 (pipeline.py OUTPUT_LAYERS_QWEN3), whose widths add up
to the transformer's context_in_dim.
"""
import dataclasses
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.getcwd())  # ai-toolkit's folder, as run.py puts it first

import torch
from safetensors.torch import save_file
from transformers import Qwen2Tokenizer, Qwen3Config, Qwen3ForCausalLM

from extensions_built_in.diffusion_models.flux2.src.autoencoder import AutoEncoder, AutoEncoderParams
from extensions_built_in.diffusion_models.flux2.src.model import Flux2, Klein4BParams

SEED = 20261205
TE_HIDDEN = 16
TE_LAYERS = 28
# The transformer: 1 double and 1 single block, width 32 (2 heads of 16 = the 4 rotary axes of 4); its text
# input is the three stacked Qwen3 hidden states. in_channels stays 128: the VAE's 32 latent channels packed 2x2.
TRANSFORMER = {"context_in_dim": 3 * TE_HIDDEN, "hidden_size": 32, "num_heads": 2, "depth": 1,
               "depth_single_blocks": 1, "axes_dim": [4, 4, 4, 4]}
# The VAE: 4 levels (8x down, then 2x2 packing = 16 px per token, like the real one), 32 channels (its
# GroupNorm has 32 groups), one residual block per level.
VAE = {"ch": 32, "ch_mult": [1, 1, 1, 1], "num_res_blocks": 1}
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% if enable_thinking is defined and not "
                 "enable_thinking %}<think>\n\n</think>\n\n{% endif %}{% endif %}")


def byte_symbols():
    """GPT-2's byte-level symbols, from the kit's FLUX.1 builder beside this folder (one copy of the mapping)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build-tiny-models.py")
    spec = importlib.util.spec_from_file_location("build_tiny_models", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.byte_symbols()


def qwen3(folder):
    os.makedirs(folder, exist_ok=True)
    merges = [("Ġ", "a"), ("t", "h"), ("i", "n")]
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]
    vocab = byte_symbols() + [a + b for a, b in merges]
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({token: i for i, token in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(a + " " + b + "\n" for a, b in merges))
    tokenizer = Qwen2Tokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"),
                               unk_token=None, bos_token=None, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.add_special_tokens({"additional_special_tokens": specials})
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    config = Qwen3Config(vocab_size=len(tokenizer), hidden_size=TE_HIDDEN, intermediate_size=32,
                         num_hidden_layers=TE_LAYERS, num_attention_heads=2, num_key_value_heads=1, head_dim=8,
                         max_position_embeddings=1024, tie_word_embeddings=True)
    torch.manual_seed(SEED)
    Qwen3ForCausalLM(config).save_pretrained(folder)


def main(out):
    torch.manual_seed(SEED)
    transformer = Flux2(dataclasses.replace(Klein4BParams(), **TRANSFORMER))
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    save_file({k: v.contiguous() for k, v in transformer.state_dict().items()},
              os.path.join(out, "model", "flux-2-klein-base-4b.safetensors"))
    vae = AutoEncoder(dataclasses.replace(AutoEncoderParams(), **VAE))
    os.makedirs(os.path.join(out, "vae"), exist_ok=True)
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, os.path.join(out, "vae", "ae.safetensors"))
    qwen3(os.path.join(out, "qwen3"))
    with open(os.path.join(out, "shape.json"), "w", encoding="utf-8") as f:
        json.dump({"Klein4BParams": TRANSFORMER, "AutoEncoderParams": VAE}, f, indent=1)
    print("tiny FLUX.2 klein 4B written to " + out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python build-tiny-flux2.py OUT_DIR")
    main(sys.argv[1])

"""Builds tiny, randomly initialised FLUX models in diffusers layout for the real-trainer tests.

    python build-tiny-models.py OUT_DIR

Run with the real-trainer venv's python (setup-real-trainer.sh does). Writes OUT_DIR/flux-dev (FLUX.1-dev
shapes scaled down: FluxPipeline), OUT_DIR/flux-kontext (FluxKontextPipeline, the same shapes) and
OUT_DIR/flex2 (Flex.2: the transformer takes the noisy latent, the inpainting latent, its mask and the
control latent, 16 + 16 + 1 + 16 channels packed 2x2 = 196 inputs). Each is about 1 MB, and the same seed
gives the same weights, so a test that fails can be rerun on the same model. The tokenizers are built here
from a few hundred byte-level symbols: nothing is downloaded.
"""
import json
import os
import sys

import torch
from diffusers import (AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxKontextPipeline, FluxPipeline,
                       FluxTransformer2DModel)
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
from transformers import (CLIPTextConfig, CLIPTextModel, CLIPTokenizer, T5Config, T5EncoderModel,
                          T5TokenizerFast)

SEED = 20261205
HIDDEN = 32  # CLIP width = pooled projection; T5 width = joint attention width


def byte_symbols():
    """The printable stand-ins byte-level BPE uses for the 256 byte values (GPT-2's mapping)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return [chr(c) for c in codes]


def clip_tokenizer(folder):
    symbols = byte_symbols()
    merges = [("t", "h"), ("th", "e</w>"), ("a", "n"), ("i", "n"), ("o", "n</w>")]
    vocab = symbols + [s + "</w>" for s in symbols] + [a + b for a, b in merges] \
        + ["<|startoftext|>", "<|endoftext|>"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({token: i for i, token in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(a + " " + b + "\n" for a, b in merges))
    tokenizer = CLIPTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"),
                              model_max_length=77)
    return tokenizer


def t5_tokenizer():
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -1.0)]
    pieces += [(chr(c), -2.0) for c in range(ord(" ") + 1, ord("~") + 1)]
    pieces += [("\u2581" + chr(c), -1.5) for c in range(ord("a"), ord("z") + 1)]
    core = Tokenizer(models.Unigram(pieces, unk_id=2, byte_fallback=False))
    core.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    core.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    core.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                        special_tokens=[("</s>", 1)])
    return T5TokenizerFast(tokenizer_object=core, eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
                           extra_ids=0, model_max_length=512)


def parts(folder, transformer_inputs):
    torch.manual_seed(SEED)
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=transformer_inputs, out_channels=64, num_layers=1, num_single_layers=1,
        attention_head_dim=16, num_attention_heads=2, joint_attention_dim=HIDDEN, pooled_projection_dim=HIDDEN,
        guidance_embeds=True, axes_dims_rope=(4, 6, 6))
    tokenizer = clip_tokenizer(os.path.join(folder, ".clip-vocab"))
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=HIDDEN, intermediate_size=37, num_hidden_layers=1,
        num_attention_heads=4, max_position_embeddings=77, projection_dim=HIDDEN,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))
    tokenizer_2 = t5_tokenizer()
    text_encoder_2 = T5EncoderModel(T5Config(
        vocab_size=len(tokenizer_2), d_model=HIDDEN, d_kv=8, d_ff=37, num_layers=1, num_heads=4,
        relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    # Four levels, like FLUX's VAE: 8x smaller latents, 16 latent channels.
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=16, norm_num_groups=8, layers_per_block=1,
        block_out_channels=(8, 8, 16, 16), down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4, scaling_factor=0.3611, shift_factor=0.1159,
        use_quant_conv=False, use_post_quant_conv=False)
    scheduler = FlowMatchEulerDiscreteScheduler(shift=3.0, use_dynamic_shifting=True, base_shift=0.5,
                                                max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096)
    return dict(transformer=transformer, text_encoder=text_encoder, tokenizer=tokenizer,
                text_encoder_2=text_encoder_2, tokenizer_2=tokenizer_2, vae=vae, scheduler=scheduler)


def save(pipeline_class, folder, transformer_inputs):
    pipeline = pipeline_class(**parts(folder, transformer_inputs))
    pipeline.save_pretrained(folder, safe_serialization=True)
    for leftover in os.listdir(os.path.join(folder, ".clip-vocab")):
        os.remove(os.path.join(folder, ".clip-vocab", leftover))
    os.rmdir(os.path.join(folder, ".clip-vocab"))
    print("built " + folder, flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: build-tiny-models.py OUT_DIR")
    out = sys.argv[1]
    save(FluxPipeline, os.path.join(out, "flux-dev"), 64)
    save(FluxKontextPipeline, os.path.join(out, "flux-kontext"), 64)
    save(FluxPipeline, os.path.join(out, "flex2"), 196)


if __name__ == "__main__":
    main()

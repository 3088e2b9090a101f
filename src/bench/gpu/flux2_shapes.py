"""Published FLUX.2 and Qwen3 shapes, and the token counts ai-toolkit's flux2 code feeds the transformer.

Where each number comes from (read, not copied):
- Transformer shapes: ai-toolkit 27a03a9, extensions_built_in/diffusion_models/flux2/src/model.py
  (Klein4BParams, Klein9BParams, Flux2Params), which is what ai-toolkit instantiates before loading the
  published single-file weights (flux-2-klein-base-4b.safetensors, ...-9b..., flux2-dev.safetensors).
  The same numbers are diffusers' Flux2Transformer2DModel defaults for FLUX.2-dev (num_layers 8,
  num_single_layers 48, 48 heads x 128, joint_attention_dim 15360, mlp_ratio 3, axes (32,32,32,32)).
- context_dim = 3 x the text encoder's hidden size: the flux2 pipeline stacks the hidden states of
  layers 9, 18, 27 (Qwen3) or 10, 20, 30 (Mistral) per token (pipeline.py, OUTPUT_LAYERS_*).
- Text tokens: 512, padded to max_length (pipeline.py, max_sequence_length=512).
- Image tokens: the FLUX.2 VAE downsamples 8x to 32 channels and the latents are patchified 2x2 to 128
  channels, so (res/16)^2 tokens. A reference (control) image is encoded the same way, capped at
  1024*1024 pixels, and its tokens are concatenated after the target's (flux2_model.py,
  get_noise_prediction; sampling.py, encode_image_refs / cap_pixels).
- Qwen3-4B / Qwen3-8B: their published config.json (hidden 2560 / 4096, intermediate 9728 / 12288,
  36 layers, 32 query heads, 8 key/value heads, head_dim 128, vocab 151936, tied embeddings only on 4B).
"""
from dataclasses import dataclass

TEXT_TOKENS = 512
REFERENCE_MAX_PIXELS = 1024 * 1024


@dataclass(frozen=True)
class Flux2Shape:
    variant: str
    hidden: int
    heads: int
    double_blocks: int
    single_blocks: int
    context_dim: int
    guidance_embed: bool
    in_channels: int = 128
    mlp_ratio: float = 3.0
    axes_dim: tuple = (32, 32, 32, 32)
    theta: int = 2000

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads


KLEIN_4B = Flux2Shape("flux2-klein-4b", hidden=3072, heads=24, double_blocks=5, single_blocks=20,
                      context_dim=7680, guidance_embed=False)
KLEIN_9B = Flux2Shape("flux2-klein-9b", hidden=4096, heads=32, double_blocks=8, single_blocks=24,
                      context_dim=12288, guidance_embed=False)
DEV = Flux2Shape("flux2-dev", hidden=6144, heads=48, double_blocks=8, single_blocks=48,
                 context_dim=15360, guidance_embed=True)
# CPU smoke test: same code paths, a few thousand parameters.
TINY = Flux2Shape("tiny", hidden=64, heads=2, double_blocks=1, single_blocks=1, context_dim=48,
                  guidance_embed=False, in_channels=16, axes_dim=(8, 8, 8, 8))

SHAPES = {s.variant: s for s in (KLEIN_4B, KLEIN_9B, DEV, TINY)}


@dataclass(frozen=True)
class Qwen3Shape:
    name: str
    hidden: int
    intermediate: int
    layers: int = 36
    heads: int = 32
    kv_heads: int = 8
    head_dim: int = 128
    vocab: int = 151936
    tie_embeddings: bool = False


QWEN3_4B = Qwen3Shape("Qwen3-4B", hidden=2560, intermediate=9728, tie_embeddings=True)
QWEN3_8B = Qwen3Shape("Qwen3-8B", hidden=4096, intermediate=12288)
QWEN3_TINY = Qwen3Shape("tiny", hidden=64, intermediate=128, layers=28, heads=2, kv_heads=1, head_dim=32,
                        vocab=1000, tie_embeddings=True)
TEXT_ENCODERS = {s.name: s for s in (QWEN3_4B, QWEN3_8B, QWEN3_TINY)}


def image_tokens(res_px: int, patch_px: int = 16) -> int:
    side = res_px // patch_px
    return side * side


def reference_tokens(res_px: int, patch_px: int = 16) -> int:
    """One square reference image at the training resolution, capped at 1 MP like encode_image_refs."""
    capped = res_px if res_px * res_px <= REFERENCE_MAX_PIXELS else 1024
    return image_tokens(capped, patch_px)

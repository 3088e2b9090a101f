"""What flux2_lora_vram.py measures, most important first: a lease can end at any row.

A group is one model build (variant, implementation, precision, LoRA rank) and its step configurations;
a bare string is a text encoder whose one-encode peak is measured.
"""
from dataclasses import dataclass, field
from itertools import product


@dataclass(frozen=True)
class Step:
    res: int
    refs: int
    batch: int
    ckpt: bool


@dataclass(frozen=True)
class Group:
    variant: str
    impl: str = "ai-toolkit"
    precision: str = "bf16"
    rank: int = 16
    steps: tuple = field(default_factory=tuple)
    hold_hook: bool = False


def grid(resolutions, refs, batches, ckpt):
    """Small batches of every shape first, so a short lease still spans resolutions and references."""
    return tuple(Step(r, n, b, ckpt) for b, n, r in product(batches, refs, resolutions))


CKPT = grid((512, 768, 1024), (0, 1), (1, 2, 4), True)
NO_CKPT = grid((512, 768, 1024), (0, 1), (1, 2, 4), False)

DEVICE = (
    Group("flux2-klein-4b", steps=CKPT),
    Group("flux2-klein-9b", steps=CKPT, hold_hook=True),
    Group("flux2-klein-4b", steps=NO_CKPT),
    Group("flux2-klein-9b", steps=NO_CKPT),
    Group("flux2-klein-9b", precision="fp8", steps=grid((512, 1024), (0, 1), (1, 4), True)),
    "Qwen3-4B",
    "Qwen3-8B",
    Group("flux2-klein-4b", precision="fp8", steps=grid((512, 1024), (0, 1), (1, 4), True)),
    Group("flux2-dev", steps=grid((512, 1024), (0,), (1,), True)),
    Group("flux2-klein-4b", impl="diffusers", steps=grid((512, 1024), (0, 1), (1,), True)
          + grid((512,), (0,), (1,), False)),
)

# The second lease: the fixed Qwen3-4B row, what the first left out (FLUX.2-dev in fp8 and with a reference,
# two and three references, batch 8, other ranks), then the first plan's rows again for a second timing.
DEVICE_MORE = (
    "Qwen3-4B",
    "Qwen3-8B",
    Group("flux2-dev", precision="fp8", steps=grid((512, 1024), (0, 1), (1,), True)),
    Group("flux2-dev", steps=grid((1024,), (1,), (1,), True)),
    Group("flux2-klein-4b", steps=grid((512, 1024), (2, 3), (1,), True) + grid((512, 768, 1024), (0, 1), (8,), True)),
    Group("flux2-klein-9b", steps=grid((512, 1024), (2, 3), (1,), True) + grid((512, 768, 1024), (0, 1), (8,), True)),
    Group("flux2-klein-4b", rank=4, steps=grid((512, 1024), (0,), (1,), True)),
    Group("flux2-klein-4b", rank=64, steps=grid((512, 1024), (0,), (1,), True)),
    Group("flux2-klein-4b", rank=128, steps=grid((512, 1024), (0,), (1,), True)),
    Group("flux2-klein-4b", steps=CKPT),
    Group("flux2-klein-9b", steps=CKPT),
    Group("flux2-klein-4b", steps=NO_CKPT),
    Group("flux2-klein-9b", steps=NO_CKPT),
)

# The CPU smoke test: every code path above, in shapes a laptop runs in seconds.
CPU = (
    Group("tiny", steps=grid((64, 128), (0, 1), (1, 2), True) + grid((64,), (0,), (1,), False), hold_hook=True),
    Group("tiny", precision="fp8", steps=grid((64,), (1,), (1,), True)),
    Group("tiny", impl="diffusers", steps=grid((64,), (0, 1), (1,), True) + grid((64,), (0,), (1,), False)),
    "tiny",
)

PLANS = {"device": DEVICE, "device-more": DEVICE_MORE, "cpu": CPU}

"""Peak GPU memory and step time of FLUX.2 LoRA training, random weights in the published shapes.

Measures what docs/memory-model.md describes for FLUX.1, for FLUX.2-klein (and a little FLUX.2-dev):
LoRA rank 16 on every Linear inside the double and single blocks (ai-toolkit's rule for flux2:
transformer_only, the block names of get_transformer_block_names), LoRA weights in fp32 with the
input cast to fp32 (as ai-toolkit's LoRA modules do), frozen base weights in bf16 (or float8 with a
per-tensor scale, dequantized per call: what qfloat8 costs in memory), AdamW with fp32 states, bf16
activations, 512 text tokens, optional reference-image tokens concatenated after the target's.
Two optimizer steps per configuration, the second timed. One JSON object a line, flushed as measured.

    python3 flux2_lora_vram.py --ai-toolkit DIR --out rows.jsonl [--plan device|device-more|cpu] [--budget-s 360]

--ai-toolkit names an ai-toolkit checkout: its flux2 transformer class (what ai-toolkit trains) is
imported from there, never copied. --impl diffusers rows use the kit's diffusers Flux2Transformer2DModel.
"""
import argparse
import gc
import importlib.util
import json
import math
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

import flux2_shapes as shapes
import flux2_plan

GIB = 1024 ** 3


class LoRALinear(nn.Module):
    """base(x) + up(down(x)) * alpha/rank, the adapter in fp32 and fed an fp32 copy of x."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        device = base.weight.device
        self.down = nn.Linear(base.in_features, rank, bias=False, device=device, dtype=torch.float32)
        self.up = nn.Linear(rank, base.out_features, bias=False, device=device, dtype=torch.float32)
        nn.init.normal_(self.down.weight, std=1 / math.sqrt(base.in_features))
        nn.init.normal_(self.up.weight, std=1e-3)

    def forward(self, x):
        y = self.base(x)
        return y + (self.up(self.down(x.to(torch.float32))) * self.scale).to(y.dtype)


class Fp8Linear(nn.Module):
    """A frozen Linear kept as float8_e4m3fn with one scale, dequantized to the input's dtype per call."""

    def __init__(self, linear):
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        w = linear.weight.detach()
        scale = w.abs().max().float().clamp(min=1e-12) / 448.0
        self.register_buffer("weight", (w.float() / scale).to(torch.float8_e4m3fn))
        self.register_buffer("scale", scale)
        self.bias = linear.bias

    def forward(self, x):
        w = self.weight.to(x.dtype) * self.scale.to(x.dtype)
        return F.linear(x, w, self.bias)


def load_aitk_flux2(aitk_dir):
    path = os.path.join(aitk_dir, "extensions_built_in", "diffusion_models", "flux2", "src", "model.py")
    spec = importlib.util.spec_from_file_location("aitk_flux2_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(shape, impl, aitk, device, dtype):
    with torch.device("meta"):
        if impl == "ai-toolkit":
            params = aitk.Flux2Params(
                in_channels=shape.in_channels, context_in_dim=shape.context_dim, hidden_size=shape.hidden,
                num_heads=shape.heads, depth=shape.double_blocks, depth_single_blocks=shape.single_blocks,
                axes_dim=list(shape.axes_dim), theta=shape.theta, mlp_ratio=shape.mlp_ratio,
                use_guidance_embed=shape.guidance_embed)
            model = aitk.Flux2(params)
        else:
            from diffusers import Flux2Transformer2DModel
            model = Flux2Transformer2DModel(
                in_channels=shape.in_channels, num_layers=shape.double_blocks,
                num_single_layers=shape.single_blocks, attention_head_dim=shape.head_dim,
                num_attention_heads=shape.heads, joint_attention_dim=shape.context_dim,
                mlp_ratio=shape.mlp_ratio, axes_dims_rope=shape.axes_dim, rope_theta=shape.theta,
                guidance_embeds=shape.guidance_embed)
    model = model.to(dtype).to_empty(device=device)
    with torch.no_grad():
        for p in list(model.parameters()) + list(model.buffers()):
            if p.ndim >= 2:
                p.normal_(0, 0.5 / math.sqrt(p.shape[-1]))
            else:
                p.fill_(1.0)
    model.requires_grad_(False)
    return model


def block_linears(model, impl):
    """Names of the Linears ai-toolkit puts a LoRA on: those whose name holds a transformer block name."""
    blocks = ("double_blocks", "single_blocks") if impl == "ai-toolkit" else ("transformer_blocks",)
    return [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and any(b in n for b in blocks)]


def replace(model, name, new):
    parent, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, child, new)


def prepare(shape, impl, aitk, precision, rank, device):
    t0 = time.perf_counter()
    model = build(shape, impl, aitk, device, torch.bfloat16)
    names = block_linears(model, impl)
    for n in names:
        base = model.get_submodule(n)
        replace(model, n, LoRALinear(Fp8Linear(base) if precision == "fp8" else base, rank, rank))
    lora = [p for n, p in model.named_parameters() if n.endswith(("down.weight", "up.weight"))]
    for p in lora:
        p.requires_grad_(True)
    gc.collect()
    sync(device)
    return model, lora, len(names), time.perf_counter() - t0


def set_checkpointing(model, impl, on):
    if impl == "ai-toolkit":
        model.gradient_checkpointing = on
    elif on:
        model.enable_gradient_checkpointing()
    else:
        model.disable_gradient_checkpointing()


def ids_for_image(side, t):
    h, w = torch.meshgrid(torch.arange(side), torch.arange(side), indexing="ij")
    return torch.stack([torch.full_like(h, t), h, w, torch.zeros_like(h)], dim=-1).reshape(-1, 4)


def make_inputs(shape, impl, res, refs, batch, device, patch_px):
    side = res // patch_px
    ids = [ids_for_image(side, 0)] + [ids_for_image(side, 10 * (i + 1)) for i in range(refs)]
    x_ids = torch.cat(ids).to(device)
    n_img = side * side
    tokens = x_ids.shape[0]
    txt_ids = torch.stack([torch.zeros(shapes.TEXT_TOKENS, dtype=torch.long)] * 3
                          + [torch.arange(shapes.TEXT_TOKENS)], dim=-1).to(device)
    bf16 = torch.bfloat16
    x = torch.randn(batch, tokens, shape.in_channels, device=device, dtype=bf16)
    ctx = torch.randn(batch, shapes.TEXT_TOKENS, shape.context_dim, device=device, dtype=bf16)
    t = torch.rand(batch, device=device, dtype=bf16)
    guidance = torch.full((batch,), 4.0, device=device, dtype=bf16)
    target = torch.randn(batch, n_img, shape.in_channels, device=device, dtype=bf16)
    if impl == "ai-toolkit":
        kwargs = dict(x=x, x_ids=x_ids.expand(batch, -1, -1), timesteps=t, ctx=ctx,
                      ctx_ids=txt_ids.expand(batch, -1, -1), guidance=guidance)
    else:
        kwargs = dict(hidden_states=x, encoder_hidden_states=ctx, timestep=t, img_ids=x_ids, txt_ids=txt_ids,
                      guidance=guidance if shape.guidance_embed else None, return_dict=False)
    return kwargs, target, n_img, tokens - n_img


def train_step(model, impl, opt, kwargs, target, n_img):
    out = model(**kwargs)
    pred = (out if impl == "ai-toolkit" else out[0])[:, :n_img]
    loss = F.mse_loss(pred.float(), target.float())
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss.detach()


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def cleanup(device):
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)


def measure_step(model, impl, lora, shape, res, refs, batch, ckpt, device, patch_px):
    set_checkpointing(model, impl, ckpt)
    cleanup(device)
    opt = torch.optim.AdamW(lora, lr=1e-4)
    try:
        kwargs, target, n_img, n_ref = make_inputs(shape, impl, res, refs, batch, device, patch_px)
        train_step(model, impl, opt, kwargs, target, n_img)
        sync(device)
        t0 = time.perf_counter()
        loss = train_step(model, impl, opt, kwargs, target, n_img)
        sync(device)
        step_s = time.perf_counter() - t0
        result = dict(img_tokens=n_img, ref_tokens=n_ref, step_s=step_s, loss_finite=bool(torch.isfinite(loss)))
        result.update(peaks(device))
        return result
    except torch.OutOfMemoryError:
        return None
    finally:
        del opt
        for p in lora:
            p.grad = None
        cleanup(device)


def peaks(device):
    if device.type != "cuda":
        return dict(peak_alloc_gib=0.0, peak_reserved_gib=0.0)
    return dict(peak_alloc_gib=torch.cuda.max_memory_allocated(device) / GIB,
                peak_reserved_gib=torch.cuda.max_memory_reserved(device) / GIB)


def allocated_gib(device):
    return torch.cuda.memory_allocated(device) / GIB if device.type == "cuda" else 0.0


class Rows:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")

    def write(self, row):
        self.file.write(json.dumps(row) + "\n")
        self.file.flush()
        print(json.dumps(row), flush=True)


def run_group(group, ctx):
    """One model build, then its step configurations in order; a batch that runs out of memory skips the larger ones."""
    shape = shapes.SHAPES[group.variant]
    base = dict(variant=shape.variant, impl=group.impl, precision=group.precision, rank=group.rank)
    model, lora, n_linears, build_s = prepare(shape, group.impl, ctx.aitk, group.precision, group.rank, ctx.device)
    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    ctx.rows.write(dict(kind="model", **base, resident_gib=allocated_gib(ctx.device),
                        lora_params=sum(p.numel() for p in lora), lora_linears=n_linears,
                        params=params, build_s=build_s, hidden=shape.hidden, heads=shape.heads,
                        double_blocks=shape.double_blocks, single_blocks=shape.single_blocks,
                        context_dim=shape.context_dim, mlp_ratio=shape.mlp_ratio))
    too_big = set()
    for step in group.steps:
        key = (step.res, step.refs, step.ckpt)
        if ctx.out_of_time() or key in too_big:
            continue
        tokens = (1 + step.refs) * shapes.image_tokens(step.res, ctx.patch_px) + shapes.TEXT_TOKENS
        row = dict(kind="step", **base, res=step.res, batch=step.batch, grad_ckpt=step.ckpt,
                   ctx_factor=1 + step.refs, ref_images=step.refs, text_tokens=shapes.TEXT_TOKENS,
                   tokens=tokens)
        result = measure_step(model, group.impl, lora, shape, step.res, step.refs, step.batch, step.ckpt,
                              ctx.device, ctx.patch_px)
        if result is None:
            too_big.add(key)
            row["kind"] = "oom"
            ctx.rows.write(row)
            continue
        ctx.rows.write({**row, **result})
        if group.hold_hook and ctx.hook and not ctx.hook_done:
            ctx.hook_done = True
            subprocess.run(ctx.hook, shell=True, check=False)
    del model, lora
    cleanup(ctx.device)


def run_text_encoder(name, ctx):
    """Resident weights and the extra peak of one 512-token encode with hidden states kept, as the flux2 pipeline asks."""
    from transformers import Qwen3Config, Qwen3ForCausalLM
    s = shapes.TEXT_ENCODERS[name]
    config = Qwen3Config(vocab_size=s.vocab, hidden_size=s.hidden, intermediate_size=s.intermediate,
                         num_hidden_layers=s.layers, num_attention_heads=s.heads, num_key_value_heads=s.kv_heads,
                         head_dim=s.head_dim, tie_word_embeddings=s.tie_embeddings, max_position_embeddings=40960)
    with torch.device("meta"):
        te = Qwen3ForCausalLM(config)
    te = te.to(torch.bfloat16).to_empty(device=ctx.device)
    te.tie_weights()  # to_empty gives each module its own tensor; Qwen3-4B shares embeddings and lm_head
    with torch.no_grad():
        for p in te.parameters():
            p.normal_(0, 0.02) if p.ndim >= 2 else p.fill_(1.0)
    te.eval()
    cleanup(ctx.device)
    resident = allocated_gib(ctx.device)
    ids = torch.randint(0, s.vocab, (1, shapes.TEXT_TOKENS), device=ctx.device)
    with torch.no_grad():
        te(input_ids=ids, attention_mask=torch.ones_like(ids), output_hidden_states=True, use_cache=False)
        sync(ctx.device)
        t0 = time.perf_counter()
        te(input_ids=ids, attention_mask=torch.ones_like(ids), output_hidden_states=True, use_cache=False)
        sync(ctx.device)
    p = peaks(ctx.device)
    ctx.rows.write(dict(kind="te_encode", te=name, params=sum(q.numel() for q in te.parameters()),
                        resident_gib=resident, extra_peak_gib=p["peak_alloc_gib"] - resident,
                        peak_alloc_gib=p["peak_alloc_gib"], peak_reserved_gib=p["peak_reserved_gib"],
                        tokens=shapes.TEXT_TOKENS, batch=1, encode_s=time.perf_counter() - t0))
    del te
    cleanup(ctx.device)


class Context:
    def __init__(self, args):
        self.device = torch.device(args.device)
        self.aitk = load_aitk_flux2(args.ai_toolkit) if args.ai_toolkit else None
        self.rows = Rows(args.out)
        self.hook = args.while_holding
        self.hook_done = False
        self.patch_px = 16
        self.deadline = time.monotonic() + args.budget_s

    def out_of_time(self):
        return time.monotonic() > self.deadline


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ai-toolkit", help="an ai-toolkit checkout (its flux2 transformer class is imported)")
    ap.add_argument("--out", required=True, help="JSON-lines file to append rows to")
    ap.add_argument("--plan", default="device", choices=sorted(flux2_plan.PLANS))
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--budget-s", type=float, default=360.0, help="start nothing new after this many seconds")
    ap.add_argument("--while-holding", help="shell command run once while a FLUX.2-klein-9B model holds GPU memory")
    args = ap.parse_args(argv)
    ctx = Context(args)
    if ctx.device.type == "cuda":
        props = torch.cuda.get_device_properties(ctx.device)
        ctx.rows.write(dict(kind="device", name=props.name, total_gib=props.total_memory / GIB,
                            torch=torch.__version__, cuda=torch.version.cuda))
    for item in flux2_plan.PLANS[args.plan]:
        if ctx.out_of_time():
            break
        if isinstance(item, str):
            run_text_encoder(item, ctx)
        elif item.impl == "ai-toolkit" and ctx.aitk is None:
            print(f"skipped {item.variant}: --ai-toolkit not given", file=sys.stderr)
        else:
            run_group(item, ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main())

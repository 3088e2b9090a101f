#!/usr/bin/env python3
"""Generate a FLUX mask dataset for the validate benchmark: COUNT image/caption/mask triples plus a config.

    python3 src/bench/make_validate_dataset.py DIR [COUNT]

Writes DIR/images/NNNNNN.png (768x1024 RGB) with NNNNNN.txt captions, DIR/masks/NNNNNN.png (768x1024
grayscale) and DIR/config.yaml pointing at them. Each kind is encoded once and its bytes copied per file.
Re-running with the same COUNT does nothing; only the Python standard library is used.
"""
import os
import struct
import sys
import zlib


def png(width, height, color_type, channels):
    raw = b"".join(b"\x00" + bytes([128]) * (width * channels) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


CONFIG = """job: extension
config:
  name: bench_validate
  process:
    - type: sd_trainer
      training_folder: {out}
      device: cuda:0
      network: {{type: lora, linear: 16, linear_alpha: 16}}
      save: {{dtype: float16, save_every: 250, max_step_saves_to_keep: 4}}
      datasets:
        - folder_path: {images}
          mask_path: {masks}
          caption_ext: txt
          cache_latents_to_disk: false
          resolution: [512, 768, 1024]
      train: {{batch_size: 1, steps: 2000, gradient_checkpointing: true, noise_scheduler: flowmatch,
              optimizer: adamw8bit, lr: 1e-4, dtype: bf16}}
      model: {{name_or_path: black-forest-labs/FLUX.1-dev, arch: flux, quantize: true}}
"""


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = os.path.abspath(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    images = os.path.join(root, "images")
    masks = os.path.join(root, "masks")
    os.makedirs(root, exist_ok=True)
    # The latent cache of 100,000 images at three resolutions needs ~89 GiB; off, so the run is clean on any disk.
    with open(os.path.join(root, "config.yaml"), "w") as f:
        f.write(CONFIG.format(out=os.path.join(root, "output"), images=images, masks=masks))
    marker = os.path.join(root, ".generated")
    if os.path.exists(marker) and open(marker).read().strip() == str(count):
        print(f"{root}: {count} triples already generated")
        return
    os.makedirs(images, exist_ok=True)
    os.makedirs(masks, exist_ok=True)
    image = png(768, 1024, 2, 3)
    mask = png(768, 1024, 0, 1)
    for i in range(count):
        name = f"{i:06d}"
        with open(os.path.join(images, name + ".png"), "wb") as f:
            f.write(image)
        with open(os.path.join(images, name + ".txt"), "w") as f:
            f.write(f"a photo of [trigger], sample {i}")
        with open(os.path.join(masks, name + ".png"), "wb") as f:
            f.write(mask)
        if i and i % 20_000 == 0:
            print(f"  {i} triples", flush=True)
    with open(marker, "w") as f:
        f.write(str(count))
    print(f"{root}: {count} triples generated")


if __name__ == "__main__":
    main()

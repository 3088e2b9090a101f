"""Benchmark child: writes MB megabytes of tqdm-style progress redraws ('\r' between them, no newline) to
stderr as fast as it can, flushing each one as tqdm does. Usage: tqdm_flood.py [CONFIG] [--mb MB]
(CONFIG is ignored: the supervisor runs this in place of run.py)."""
import sys
import time

mb = 200
if "--mb" in sys.argv:
    mb = int(sys.argv[sys.argv.index("--mb") + 1])
total = 10_000_000
blocks = " ▏▎▍▌▋▊▉█"
out = sys.stderr
written = 0
limit = mb * 1024 * 1024
step = 0
start = time.monotonic()
while written < limit:
    step += 1
    frac = step / total
    whole = int(frac * 10)
    bar = "█" * whole + blocks[int((frac * 10 - whole) * 8)] + " " * (9 - whole)
    line = f"\rbench_lora: {int(frac * 100):3d}%|{bar}| {step}/{total} [00:01<00:10, 48.93it/s, lr: 1.0e-04 loss: {1.0 / step:.3e}]"
    out.write(line)
    out.flush()
    written += len(line.encode())
out.write("\n")
print(f"child wrote {written / 1048576:.0f} MB in {time.monotonic() - start:.2f} s", file=sys.stdout)

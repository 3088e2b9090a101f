"""Replays a log the real ai-toolkit run.py wrote, as run.py would: python run.py LOG EXIT_CODE.

Writes LOG's bytes to stdout in small flushed pieces (so the launcher reads it as a stream, '\\r' redraws and
all) and exits with EXIT_CODE, the real run's exit code. The launcher's classifier then judges real output.
"""
import sys
import time

with open(sys.argv[1], "rb") as f:
    data = f.read()
out = sys.stdout.buffer
for i in range(0, len(data), 512):
    out.write(data[i:i + 512])
    out.flush()
    time.sleep(0.002)
sys.exit(int(sys.argv[2]))

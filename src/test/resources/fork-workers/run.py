"""A trainer-like run.py whose forked children are ended the way real training code ends them.

    python run.py OUTPUT_DIR

It forks a multiprocessing Pool and leaves it with `with` (Pool.terminate(): SIGTERM to each worker), forks a
worker process and terminates it, and, where torch imports (the real-trainer venv) and AITK_FORK_TORCH=1, runs
two epochs of a DataLoader with forked workers (shut down at each epoch's end). Then it "saves" a LoRA and
exits 0, as ai-toolkit does after its last step. A SIGTERM handler that forked children inherit and that kills
the process group turns every one of these endings into the trainer's death: that is what it is here to catch.
"""
import multiprocessing
import os
import sys
import time


def square(x):
    return x * x


def idle():
    while True:
        time.sleep(0.05)


def main():
    out = sys.argv[1]
    fork = multiprocessing.get_context("fork")
    print("Running 1 job", flush=True)
    with fork.Pool(2) as pool:
        total = sum(pool.map(square, range(16)))
    worker = fork.Process(target=idle)
    worker.start()
    time.sleep(0.05)
    worker.terminate()
    worker.join()
    batches = 0
    if os.environ.get("AITK_FORK_TORCH") == "1":
        import torch
        from torch.utils.data import DataLoader, TensorDataset
        data = DataLoader(TensorDataset(torch.arange(32.0)), batch_size=4, num_workers=2,
                          multiprocessing_context=fork)
        for _ in range(2):
            for _batch in data:
                batches += 1
    # Give a worker that kills the group time to do so before this process exits on its own.
    time.sleep(0.1)
    sys.stderr.write(f"\rforked: 100%|██████████| 1/1 [00:00<00:00,  9.00it/s, lr: 1.0e-04 loss: {1 / (1 + total):.3e}]\n")
    final = os.path.join(out, "forked.safetensors")
    with open(final, "w", encoding="utf-8") as f:
        f.write(f"{total} {batches}\n")
    print(f"Saved checkpoint to {final}", flush=True)


if __name__ == "__main__":
    main()

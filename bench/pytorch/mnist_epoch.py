"""The lecture's run in PyTorch, timed the way bench/ times purenet: training only, per epoch.

Used by `npm run bench` to compare against PyTorch on the same machine in one session
(alternating runs). Prints one JSON object per epoch on stdout.
usage: python3 mnist_epoch.py DATA_DIR --threads N --epochs E [--eval]
"""
import argparse
import json
import struct
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--eval", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    x = torch.from_numpy(read_idx(f"{args.data}/train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(read_idx(f"{args.data}/train-labels-idx1-ubyte").astype(np.int64))
    xt = torch.from_numpy(read_idx(f"{args.data}/t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0)
    yt = torch.from_numpy(read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype(np.int64))

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight)
            nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        perm = torch.randperm(x.shape[0])
        start = time.perf_counter()
        total = 0.0
        for i in range(0, x.shape[0], 256):
            idx = perm[i : i + 256]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        seconds = time.perf_counter() - start
        record = {"epoch": epoch, "seconds": seconds, "loss": total / x.shape[0], "threads": args.threads}
        if args.eval:
            start = time.perf_counter()
            with torch.no_grad():
                acc = (model(xt).argmax(1) == yt).float().mean().item()
            record["test_accuracy"] = acc
            record["eval_seconds"] = time.perf_counter() - start
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()

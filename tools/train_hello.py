#!/usr/bin/python3
"""Train the small model that firmware-samples/HelloGru compiles.

A one-layer GRU (hidden 16) with a linear read-out learns to forecast the next value of a synthetic sensor
signal: a daily cycle plus a slower drift plus noise, sampled hourly. Deterministic (fixed seeds, one
thread). Writes firmware-samples/HelloGru/models/hello.gru.json through tools/grutiny_export.py.

    /usr/bin/python3 tools/train_hello.py

Needs Debian's PyTorch (apt-get install python3-torch); run it with /usr/bin/python3.
"""
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grutiny_export  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "firmware-samples", "HelloGru", "models", "hello.gru.json")


def signal(n, seed):
    """Hourly readings: 24-hour cycle, a 10-day drift, and noise; roughly in [-1.5, 1.5]."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (np.sin(2 * math.pi * t / 24) + 0.4 * np.sin(2 * math.pi * t / 240)
            + 0.05 * rng.standard_normal(n)).astype(np.float32)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    series = torch.from_numpy(signal(4000, seed=1))
    x = series[:-1].reshape(1, -1, 1)
    y = series[1:].reshape(1, -1, 1)

    gru = nn.GRU(1, 16, batch_first=True)
    head = nn.Linear(16, 1)
    params = list(gru.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    window = 200
    for epoch in range(60):
        for start in range(0, x.shape[1] - window, window):
            out, _ = gru(x[:, start:start + window])
            loss = ((head(out) - y[:, start:start + window]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(f"final training loss {loss.item():.5f}")

    grutiny_export.export([gru, head], path=OUT, metadata={
        "description": "Next-hour forecast of a synthetic daily sensor signal (tools/train_hello.py).",
        "training": "Adam, 60 epochs over 4000 hourly readings, seed 0",
    })
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

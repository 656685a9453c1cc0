#!/usr/bin/env python3
"""Single-threaded PyTorch baseline for the six GruTiny benchmark shapes.

Measures, for each shape:
  (a) per-step streaming calls: ``y, h = gru(x, h); out = fc(y)`` on a
      [1, 1, in] input, carrying the hidden state between calls;
  (b) one whole-sequence call on a [1000, 1, in] input (batch 1),
      reported as ns per step (total / 1000).

Each figure is the median of 5 repeats, timed with time.perf_counter_ns.
Prints a Markdown table to stdout only (no files are written).

Usage:
    /usr/bin/python3 tools/torch_bench.py [--quick]
"""

import argparse
import statistics
import time

import torch
from torch import nn

# (label, input size, hidden size, num_layers, dense out or None)
SHAPES = [
    ("GRU(16,16)", 16, 16, 1, None),
    ("GRU(8,64)+Dense(64,4)", 8, 64, 1, 4),
    ("GRU(64,64)", 64, 64, 1, None),
    ("GRU(16,128)+Dense(128,16)", 16, 128, 1, 16),
    ("GRU(1,32)x2+Dense(32,1)", 1, 32, 2, 1),
    ("GRU(32,256)x2+Dense(256,1)", 32, 256, 2, 1),
]

SEQ_LEN = 1000
REPEATS = 5


def macs_per_step(inp, hid, layers, out):
    total = 0
    layer_in = inp
    for _ in range(layers):
        total += 3 * hid * (layer_in + hid)
        layer_in = hid
    if out is not None:
        total += hid * out
    return total


class Model(nn.Module):
    def __init__(self, inp, hid, layers, out):
        super().__init__()
        self.gru = nn.GRU(inp, hid, num_layers=layers)
        self.fc = nn.Linear(hid, out) if out is not None else None

    def forward(self, x, h):
        y, h = self.gru(x, h)
        if self.fc is not None:
            y = self.fc(y)
        return y, h


def bench_step(model, inp, hid, layers, calls, warmup):
    gru, fc = model.gru, model.fc
    xs = torch.randn(64, 1, 1, inp)
    results = []
    with torch.inference_mode():
        h = torch.zeros(layers, 1, hid)
        for i in range(warmup):
            y, h = gru(xs[i & 63], h)
            if fc is not None:
                out = fc(y)
        for _ in range(REPEATS):
            h = torch.zeros(layers, 1, hid)
            t0 = time.perf_counter_ns()
            if fc is not None:
                for i in range(calls):
                    y, h = gru(xs[i & 63], h)
                    out = fc(y)
            else:
                for i in range(calls):
                    y, h = gru(xs[i & 63], h)
            t1 = time.perf_counter_ns()
            results.append((t1 - t0) / calls)
    return statistics.median(results)


def bench_seq(model, inp, hid, layers, warmup):
    x = torch.randn(SEQ_LEN, 1, inp)
    results = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(x, torch.zeros(layers, 1, hid))
        for _ in range(REPEATS):
            h0 = torch.zeros(layers, 1, hid)
            t0 = time.perf_counter_ns()
            model(x, h0)
            t1 = time.perf_counter_ns()
            results.append((t1 - t0) / SEQ_LEN)
    return statistics.median(results)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="far fewer iterations (smoke test, noisy numbers)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # can only be set once, before any parallel work
    torch.manual_seed(0)

    if args.quick:
        calls, big_calls, warmup, seq_warmup = 200, 100, 20, 1
    else:
        calls, big_calls, warmup, seq_warmup = 2000, 2000, 200, 2

    print(f"torch {torch.__version__}; intra-op threads {torch.get_num_threads()}, "
          f"inter-op threads {torch.get_num_interop_threads()}; "
          f"mode: {'quick' if args.quick else 'full'}; median of {REPEATS} repeats")
    print(f"per-step: {calls} calls after {warmup} warm-up "
          f"(shape 6: {big_calls}); sequence: [{SEQ_LEN},1,in], batch 1")
    print()
    print("| # | Shape | MACs/step | Per-step call (ns) | Sequence (ns/step) |")
    print("|---|-------|----------:|-------------------:|-------------------:|")
    for n, (label, inp, hid, layers, out) in enumerate(SHAPES, 1):
        model = Model(inp, hid, layers, out).eval()
        c = big_calls if n == 6 else calls
        step_ns = bench_step(model, inp, hid, layers, c, warmup)
        seq_ns = bench_seq(model, inp, hid, layers, seq_warmup)
        print(f"| {n} | {label} | {macs_per_step(inp, hid, layers, out):,} | "
              f"{step_ns:,.0f} | {seq_ns:,.0f} |", flush=True)


if __name__ == "__main__":
    main()

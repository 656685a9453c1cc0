#!/usr/bin/python3
"""Train the bidirectional GRU that firmware-samples/GestureClassifier compiles.

Offline sequence classification, the common use of a bidirectional GRU: 48 readings of a 3-axis
accelerometer, one of three synthetic gestures (a circle, a shake, a swipe) with random speed, phase,
amplitude and noise; nn.GRU(3, 12, bidirectional=True) and a linear read-out of the last step's output
(both directions) give the class scores, softmax-ed. Deterministic (fixed seeds, one thread). Writes, through
tools/grutiny_export.py:

* firmware-samples/GestureClassifier/models/gesture.gru.json -- the model (with its self-check);
* firmware-samples/GestureClassifier/data/gestures.json -- 60 held-out sequences, their labels and the
  module's own class probabilities (float32), which the sample checks the compiled model against.

    /usr/bin/python3 tools/train_gesture.py

Needs Debian's PyTorch (apt-get install python3-torch); run it with /usr/bin/python3.
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grutiny_export  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "firmware-samples", "GestureClassifier")
STEPS, CLASSES = 48, ("circle", "shake", "swipe")


def gesture(kind, rng):
    """One [STEPS][3] recording of gesture ``kind``."""
    t = np.linspace(0, 1, STEPS)
    speed, phase, amp = rng.uniform(0.7, 1.4), rng.uniform(0, 2 * math.pi), rng.uniform(0.6, 1.3)
    if kind == 0:    # circle: x and y a quarter turn apart
        x = np.stack([np.cos(2 * math.pi * speed * t + phase), np.sin(2 * math.pi * speed * t + phase), 0 * t], 1)
    elif kind == 1:  # shake: fast back and forth along x
        x = np.stack([np.sin(2 * math.pi * 4 * speed * t + phase), 0.2 * np.sin(2 * math.pi * speed * t), 0 * t], 1)
    else:            # swipe: one push along y, then rest; when in the recording varies
        centre = rng.uniform(0.25, 0.75)
        x = np.stack([0 * t, np.exp(-((t - centre) / 0.08) ** 2) * np.sign(rng.uniform(-1, 1)), 0.3 * t], 1)
    return (amp * x + 0.08 * rng.standard_normal((STEPS, 3))).astype(np.float32)


def dataset(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(CLASSES), n)
    return np.stack([gesture(k, rng) for k in labels]), labels


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 12, batch_first=True, bidirectional=True)
        self.head = nn.Linear(24, len(CLASSES))
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.softmax(self.head(y[:, -1]))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x, labels = dataset(600, seed=1)
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    xs, ys = torch.from_numpy(x), torch.from_numpy(labels)
    for epoch in range(40):
        for start in range(0, len(xs), 50):
            probabilities = model(xs[start:start + 50])
            loss = nn.functional.nll_loss(torch.log(probabilities + 1e-7), ys[start:start + 50])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    test_x, test_labels = dataset(60, seed=2)
    with torch.no_grad():
        probabilities = model(torch.from_numpy(test_x)).numpy()
    accuracy = float((probabilities.argmax(1) == test_labels).mean())
    print(f"final training loss {loss.item():.4f}, held-out accuracy {accuracy:.3f}")

    grutiny_export.export(model, path=os.path.join(SAMPLE, "models", "gesture.gru.json"), metadata={
        "description": "Classifies a 48-step 3-axis accelerometer recording as circle, shake or swipe "
                       "(tools/train_gesture.py); a bidirectional GRU: it reads whole sequences.",
        "classes": list(CLASSES),
        "training": "Adam, 40 epochs over 600 synthetic recordings, seed 0",
    })
    os.makedirs(os.path.join(SAMPLE, "data"), exist_ok=True)
    data = {"classes": list(CLASSES), "steps": STEPS,
            "sequences": [{"label": int(k), "inputs": [[float(f"{v:.9g}") for v in row] for row in seq],
                           "probabilities": [float(f"{p:.9g}") for p in prob]}
                          for seq, k, prob in zip(test_x, test_labels, probabilities)]}
    with open(os.path.join(SAMPLE, "data", "gestures.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {SAMPLE}/models/gesture.gru.json and data/gestures.json")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Train the CO2 forecaster that firmware-samples/SensorForecast compiles.

Data: firmware-samples/SensorForecast/data/co2.csv, the Mauna Loa weekly CO2
series (ppm, one row per week, Saturdays 1958-03-29 .. 2001-12-29, 2284 weeks;
59 weeks have no reading -- see data/README.md).

Task: one-step forecast.  At week t the model receives the reading x[t]
(input_size 1, raw ppm) and predicts x[t+1] (raw ppm).  The GRU state is
carried from the first week on, exactly as a device would stream the series.

Missing weeks: the model needs an input every week, so each gap is filled by
linear interpolation between the neighbouring observed weeks,
``x = a + (b - a) * k / (n + 1)`` for the k-th (1-based) of n missing weeks
between observed values a and b (float64, then rounded to float32).  Filled
values are used only as *inputs*: a week whose true value is missing is never
a training target and never an evaluation target.  (Every missing week lies
before 1991, so the held-out years contain no filled weeks.)

Split: training = weeks up to 1990-12-29; held out = 1991-01-05 .. 2001-12-29
(the held-out targets).  The state still runs through the training years first.

Model: nn.GRU(1, 32) + nn.Linear(32, 1), trained in normalised units:
input_normalization = mean / std of the (filled) training inputs, and
output_normalization = mean / std of the observed training targets.  Both are
stored in the model file, so the generated C# takes and returns ppm.  The
format cannot express "predict the difference to the input", so the target is
the next reading itself.

Training: truncated BPTT over 104-week windows with the state carried
(detached) from window to window; 16 copies of the training series per batch,
each with a random start offset and -- augmentation -- a random constant level
shift (uniform -10 .. +30 ppm, applied to inputs and targets alike) so the
network learns dynamics that do not depend on the absolute level (the held-out
years lie above every training value).  Adam with a cosine learning-rate decay,
gradient clipping, MSE in normalised units.  Fixed seeds, one thread,
deterministic.

Outputs:
* firmware-samples/SensorForecast/models/co2.gru.json (with self_check);
* firmware-samples/SensorForecast/models/co2.expected.txt -- the PyTorch
  forecast for every held-out observed week (1991-01-05 .. 2001-12-29), one per
  line, ``repr`` of the float32 value, in week order;
* a table of held-out one-step MAE / RMSE: model, naive (last value),
  seasonal naive (value 52 weeks earlier).

    /usr/bin/python3 tools/train_co2.py [--epochs N] [--no-shift]
"""
import argparse
import csv
import datetime as dt
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grutiny_export  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "firmware-samples", "SensorForecast")
DATA = os.path.join(SAMPLE, "data", "co2.csv")
OUT_MODEL = os.path.join(SAMPLE, "models", "co2.gru.json")
OUT_EXPECTED = os.path.join(SAMPLE, "models", "co2.expected.txt")

TRAIN_END = dt.date(1990, 12, 31)  # targets up to and including this date are training data
HIDDEN = 32
WINDOW = 104
BATCH = 16
SHIFT = (-10.0, 30.0)  # ppm, level-shift augmentation range
SEED = 0


def load_series(path):
    """Returns (dates, values float64 with NaN for missing weeks)."""
    dates, values = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            dates.append(dt.datetime.strptime(row["date"], "%Y%m%d").date())
            values.append(float(row["co2"]) if row["co2"].strip() else math.nan)
    for a, b in zip(dates, dates[1:]):
        assert (b - a).days == 7, f"not weekly: {a} -> {b}"
    return dates, np.array(values)


def fill_gaps(values):
    """Linear interpolation across each run of missing weeks (see the module
    docstring).  Returns (filled float32 array, observed mask, run lengths)."""
    observed = ~np.isnan(values)
    assert observed[0] and observed[-1], "series must start and end with an observation"
    filled = values.copy()
    runs = []
    i = 0
    while i < len(values):
        if observed[i]:
            i += 1
            continue
        j = i
        while not observed[j]:
            j += 1
        a, b, n = values[i - 1], values[j], j - i
        for k in range(1, n + 1):
            filled[i - 1 + k] = a + (b - a) * k / (n + 1)
        runs.append(n)
        i = j
    return filled.astype(np.float32), observed, runs


def metrics(pred, true):
    err = np.asarray(pred, np.float64) - np.asarray(true, np.float64)
    return float(np.mean(np.abs(err))), float(np.sqrt(np.mean(err ** 2)))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the SensorForecast CO2 model.")
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--no-shift", action="store_true", help="disable the level-shift augmentation")
    parser.add_argument("--no-write", action="store_true", help="do not write the model files")
    args = parser.parse_args(argv)

    t0 = time.time()
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(SEED)

    dates, raw = load_series(DATA)
    series, observed, runs = fill_gaps(raw)
    n = len(series)
    print(f"{n} weeks {dates[0]} .. {dates[-1]}; {int((~observed).sum())} missing weeks in "
          f"{len(runs)} gaps (longest {max(runs)}), filled by linear interpolation for the inputs")

    # Pairs (input t, target t+1); split on the target's date.
    x_all, y_all = series[:-1], series[1:]
    y_obs = observed[1:]
    target_dates = dates[1:]
    train_pairs = np.array([d <= TRAIN_END for d in target_dates])
    n_train = int(train_pairs.sum())  # pairs 0 .. n_train-1
    assert train_pairs[:n_train].all() and not train_pairs[n_train:].any()
    test = ~train_pairs & y_obs
    print(f"training pairs {n_train} ({int((train_pairs & y_obs).sum())} with an observed target), "
          f"held-out observed targets {int(test.sum())} "
          f"({target_dates[n_train]} .. {target_dates[-1]}), filled held-out targets "
          f"{int((~train_pairs & ~y_obs).sum())}")

    # Normalization statistics from the training part only (float32 as stored).
    in_mean = np.float32(x_all[:n_train].astype(np.float64).mean())
    in_std = np.float32(x_all[:n_train].astype(np.float64).std())
    tr_targets = y_all[:n_train][y_obs[:n_train]].astype(np.float64)
    out_mean, out_std = np.float32(tr_targets.mean()), np.float32(tr_targets.std())
    print(f"input_normalization mean {in_mean!r} std {in_std!r}; "
          f"output_normalization mean {out_mean!r} std {out_std!r}")

    gru = nn.GRU(1, HIDDEN, batch_first=True)
    head = nn.Linear(HIDDEN, 1)
    params = list(gru.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    steps_per_epoch = math.ceil(n_train / WINDOW)
    total_steps = args.epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * min(s, total_steps) / total_steps)))

    xs_tr = x_all[:n_train].astype(np.float64)
    ys_tr = y_all[:n_train].astype(np.float64)
    mask_tr = y_obs[:n_train].astype(np.float32)
    for epoch in range(args.epochs):
        # BATCH copies of the training series, each starting at a random offset
        # (so window boundaries differ) with its own level shift.
        offsets = rng.integers(0, WINDOW, BATCH)
        shifts = (np.zeros(BATCH) if args.no_shift else rng.uniform(SHIFT[0], SHIFT[1], BATCH))
        length = n_train - WINDOW  # common length after the largest offset
        xb = np.stack([xs_tr[o:o + length] + s for o, s in zip(offsets, shifts)])
        yb = np.stack([ys_tr[o:o + length] + s for o, s in zip(offsets, shifts)])
        mb = np.stack([mask_tr[o:o + length] for o in offsets])
        xb = torch.from_numpy(((xb.astype(np.float32) - in_mean) / in_std)[..., None].astype(np.float32))
        yb = torch.from_numpy(((yb.astype(np.float32) - out_mean) / out_std)[..., None].astype(np.float32))
        mb = torch.from_numpy(mb[..., None])
        h = None
        total, count = 0.0, 0.0
        for start in range(0, length, WINDOW):
            sl = slice(start, start + WINDOW)
            out, h = gru(xb[:, sl], h)
            h = h.detach()
            err = (head(out) - yb[:, sl]) ** 2 * mb[:, sl]
            loss = err.sum() / mb[:, sl].sum().clamp(min=1.0)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(err.sum())
            count += float(mb[:, sl].sum())
        if epoch % 25 == 0 or epoch == args.epochs - 1:
            print(f"epoch {epoch:4d}  train mse (normalised) {total / count:.3e}  "
                  f"rmse {math.sqrt(total / count) * out_std:.3f} ppm  {time.time() - t0:.0f}s")
    train_time = time.time() - t0

    # Export (the self-check runs the modules in raw units through the normalization).
    metadata = {
        "description": "One-step (next week) forecast of the Mauna Loa weekly CO2 reading in ppm "
                       "(tools/train_co2.py). Input: this week's reading in ppm; output: next week's "
                       "reading in ppm. Stream every week from 1958-03-29 on, carrying the state; "
                       "missing weeks are filled by linear interpolation.",
        "data": "firmware-samples/SensorForecast/data/co2.csv (statsmodels co2 dataset)",
        "training": f"weeks up to 1990-12-29; nn.GRU(1, {HIDDEN}) + nn.Linear({HIDDEN}, 1); Adam, "
                    f"{args.epochs} epochs, TBPTT {WINDOW} weeks, batch {BATCH}, "
                    + ("no level shift" if args.no_shift else
                       f"level-shift augmentation U({SHIFT[0]:g}, {SHIFT[1]:g}) ppm")
                    + f", seed {SEED}",
    }
    model = grutiny_export.export(
        [gru, head], path=None if args.no_write else OUT_MODEL, metadata=metadata, self_check=True,
        input_normalization=([in_mean], [in_std]), output_normalization=([out_mean], [out_std]))
    m_in = np.asarray(model["input_normalization"]["mean"], np.float32)
    s_in = np.asarray(model["input_normalization"]["std"], np.float32)
    m_out = np.asarray(model["output_normalization"]["mean"], np.float32)
    s_out = np.asarray(model["output_normalization"]["std"], np.float32)

    # Stream the whole (filled) series from the zero state, in raw units, float32,
    # exactly as the generated code does: x' = (x - mean) / std, y = y' * std + mean.
    with torch.no_grad():
        xn = ((x_all[:, None] - m_in) / s_in).astype(np.float32)
        out, _ = gru(torch.from_numpy(xn)[None])
        yn = head(out)[0].numpy().astype(np.float32)
    pred = ((yn * s_out).astype(np.float32) + m_out).astype(np.float32)[:, 0]

    true = y_all[test]
    naive = x_all[test]                                # this week's reading
    idx = np.nonzero(test)[0] + 1                      # series index of each target
    seasonal = series[idx - 52]                        # the reading 52 weeks before the target
    assert observed[idx - 52].all() and observed[idx - 1].all()
    rows = [("GRU model", *metrics(pred[test], true)),
            ("naive (last value)", *metrics(naive, true)),
            ("seasonal naive (52 weeks)", *metrics(seasonal, true))]
    train_rows = [("GRU model", *metrics(pred[:n_train][y_obs[:n_train]], y_all[:n_train][y_obs[:n_train]]))]
    n_params = sum(p.numel() for p in params)
    print()
    print(f"held-out one-step forecasts, {int(test.sum())} observed weeks "
          f"{target_dates[n_train]} .. {target_dates[-1]} (ppm):")
    print(f"  {'':28s} {'MAE':>7s} {'RMSE':>7s}")
    for name, mae, rmse in rows:
        print(f"  {name:28s} {mae:7.4f} {rmse:7.4f}")
    print(f"  (model on the training targets: MAE {train_rows[0][1]:.4f}, RMSE {train_rows[0][2]:.4f})")
    print(f"parameters {n_params}; training {train_time:.0f}s; total {time.time() - t0:.0f}s")

    if not args.no_write:
        with open(OUT_EXPECTED, "w", encoding="utf-8", newline="\n") as f:
            for v in pred[test]:
                f.write(repr(float(np.float32(v))) + "\n")
        print(f"wrote {OUT_MODEL} ({os.path.getsize(OUT_MODEL)} bytes) and {OUT_EXPECTED} "
              f"({int(test.sum())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

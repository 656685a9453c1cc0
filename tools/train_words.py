#!/usr/bin/env python3
"""Train the WordComplete sample's character-level word model and export it.

Usage::

    /usr/bin/python3 tools/train_words.py [--epochs N] [--dict PATH]

Data: the Debian package ``wamerican`` (``/usr/share/dict/american-english``,
SCOWL word list; ``apt-get install wamerican``).  Kept: words made only of the
lowercase letters a-z, 2 to 12 letters long (anything with an apostrophe, a
capital or an accented letter is dropped), duplicates removed.  The sorted
list is shuffled with ``numpy.random.default_rng(SEED)``; the first 10 % of
the shuffled words are held out for evaluation, the rest is training data.

Vocabulary (V = 28): ``^`` start (id 0), ``$`` end (id 1), ``a``..``z`` (ids
2..27).  A word is the sequence ``^ w o r d $``: the model reads every token
but the last and predicts every token but the first, starting from the zero
state for each word.

Model: ``nn.Embedding(28, 16) -> nn.GRU(16, 96) -> nn.Linear(96, 28)``,
trained with cross-entropy on the logits (Adam with a one-cycle learning
rate, batches of 128 words of similar length, 12 epochs, fixed seeds, one
thread; about 3-4 minutes on one core) and
exported with ``tools/grutiny_export.py`` (self-check on) as a token model
whose dense layer has activation ``softmax``.

Outputs (``firmware-samples/WordComplete/``):

* ``models/words.gru.json`` -- the model (grutiny/1, embedding first layer);
* ``models/vocabulary.txt`` -- one line, the 28 symbols in id order;
* ``models/expected.txt`` -- what the C# sample should reproduce::

      accuracy top1=<float> top5=<float>
      pre: w1 w2 w3 w4 w5
      ...

  The accuracy is next-token accuracy over every position of every word in
  ``data/heldout.txt`` (the token after ``^``, after each letter, and the
  final ``$``: len(word) + 1 predictions per word), top-1 / top-5 of the
  model's softmax output.  The completions are a beam search per prefix
  (see ``beam_search``), best first, as full words.
* ``data/heldout.txt`` -- held-out words, one per line: the first 3,000 of the
  shuffled held-out set, sorted alphabetically;
* ``data/README.md`` -- source and licence of the word list.

Beam search (width 5): feed ``^`` and the prefix's letters from the zero
state; each beam is (word, score = sum of ln p of the tokens chosen after the
prefix, finished?).  Each round, every unfinished beam is expanded with every
token except ``^`` (``$`` finishes it; a word that already has 12 letters may
only take ``$``); the pool of finished beams and expansions is sorted by
score (descending; ties by word) and the best 5 kept.  Rounds continue until
all 5 kept beams are finished.  Probabilities are the float32 softmax
outputs; scores are summed in float64.
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import grutiny_export as ge  # noqa: E402

SAMPLE = os.path.join(ROOT, "firmware-samples", "WordComplete")
DICT = "/usr/share/dict/american-english"
COPYRIGHT = "/usr/share/doc/wamerican/copyright"
SEED = 20240611
VOCAB = "^$" + "abcdefghijklmnopqrstuvwxyz"
START, END = 0, 1
MIN_LEN, MAX_LEN = 2, 12
HELDOUT_FRACTION = 0.10
HELDOUT_CAP = 3000
EMBED, HIDDEN = 16, 96
BATCH = 128
LR = 4e-3
EPOCHS = 12
BEAM = 5
PREFIXES = ("pre", "con", "th", "qu", "ing")


def load_words(path):
    with open(path, encoding="utf-8") as f:
        raw = [line.rstrip("\n") for line in f]
    keep = sorted({w for w in raw
                   if MIN_LEN <= len(w) <= MAX_LEN and all("a" <= c <= "z" for c in w)})
    return raw, keep


def encode(word):
    return [START] + [VOCAB.index(c) for c in word] + [END]


class WordModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(len(VOCAB), EMBED)
        self.gru = nn.GRU(EMBED, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, len(VOCAB))

    def forward(self, tokens, h=None):
        y, h = self.gru(self.embedding(tokens), h)
        return self.head(y), h


def encode_all(words):
    """Inputs [N][13] (padded with $), targets [N][13] (padded with -100) and
    the number of steps of each word (len + 1)."""
    x = torch.full((len(words), MAX_LEN + 1), END, dtype=torch.long)
    y = torch.full((len(words), MAX_LEN + 1), -100, dtype=torch.long)
    steps = torch.tensor([len(w) + 1 for w in words], dtype=torch.long)
    for i, w in enumerate(words):
        s = encode(w)
        x[i, :len(s) - 1] = torch.tensor(s[:-1])
        y[i, :len(s) - 1] = torch.tensor(s[1:])
    return x, y, steps


def batch_tensors(words):
    """Inputs [B][T] (padded with $) and targets [B][T] (padded with -100)."""
    x, y, steps = encode_all(words)
    t = int(steps.max())
    return x[:, :t], y[:, :t]


def evaluate(model, words):
    """(top-1, top-5, positions) next-token accuracy over every position."""
    correct1 = correct5 = total = 0
    with torch.no_grad():
        for k in range(0, len(words), 512):
            x, y = batch_tensors(words[k:k + 512])
            probs = torch.softmax(model(x)[0], dim=-1)
            mask = y >= 0
            top5 = probs.topk(5, dim=-1).indices
            correct1 += int(((top5[..., 0] == y) & mask).sum())
            correct5 += int(((top5 == y[..., None]).any(-1) & mask).sum())
            total += int(mask.sum())
    return correct1 / total, correct5 / total, total


def beam_search(model, prefix, width=BEAM, max_len=MAX_LEN):
    """The ``width`` most likely completions of ``prefix`` (full words, best
    first); see the module docstring."""
    def step(token, h):
        with torch.no_grad():
            logits, h = model(torch.tensor([[token]]), h)
            return torch.softmax(logits[0, 0], dim=-1).numpy(), h

    h = None
    probs, h = step(START, h)
    for c in prefix:
        probs, h = step(VOCAB.index(c), h)
    beams = [(0.0, prefix, False, probs, h)]
    while not all(b[2] for b in beams):
        pool = []
        for score, word, done, probs, h in beams:
            if done:
                pool.append((score, word, True, None, None))
                continue
            for t in range(1, len(VOCAB)):
                if t != END and len(word) >= max_len:
                    continue
                s = score + math.log(max(float(probs[t]), 1e-45))
                if t == END:
                    pool.append((s, word, True, None, None))
                else:
                    pool.append((s, word + VOCAB[t], False, None, h))
        pool.sort(key=lambda b: (-b[0], b[1], b[2]))
        beams = []
        for score, word, done, _, h in pool[:width]:
            if not done:
                probs, h = step(VOCAB.index(word[-1]), h)
                beams.append((score, word, False, probs, h))
            else:
                beams.append((score, word, True, None, None))
    return [(b[1], b[0]) for b in beams]


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def data_readme(n_raw, n_kept, n_train, n_heldout, n_file, version):
    return f"""# WordComplete data

`heldout.txt` holds {n_file:,} English words, one per line, that the model in `../models/words.gru.json`
never saw during training. They are used to measure next-character accuracy (`../models/expected.txt`).

## Source

The words come from the Debian package **wamerican** (version {version}), file
`/usr/share/dict/american-english`: the American English word list built from **SCOWL** (Spell Checker
Oriented Word Lists) by Kevin Atkinson. Its copyright and licence are in the package's
`/usr/share/doc/wamerican/copyright`.

Licence summary: SCOWL is copyright 2000-2011 Kevin Atkinson (and the authors of the lists it draws on) and
is distributed under a permissive, MIT/BSD-like licence: permission to use, copy, modify, distribute and sell
the word lists and their derived output for any purpose, without fee, provided that the copyright notice and
permission notice appear in all copies and supporting documentation; provided "as is" without warranty.
The lists SCOWL is built from are in the public domain (Moby Words II, Brian Kelk's UK English word list,
12Dicts, ENABLE) or under similar permissive notices that ask only for the notice to be kept (WordNet 1.6,
Princeton University; UKACD, J Ross Beresford; Ispell, Geoff Kuenning, BSD-style); all are reproduced in
the copyright file. No copyleft terms apply.

## Filtering (tools/train_words.py)

1. Read all {n_raw:,} lines of `american-english`.
2. Keep words made only of the lowercase letters `a`-`z`, 2 to 12 letters long: words with an apostrophe
   (possessives such as `dog's`), a capital letter (proper nouns, acronyms) or an accented letter are dropped,
   as are 1-letter and 13+-letter words. Duplicates removed: {n_kept:,} words.
3. Sort, then shuffle with a fixed seed (`numpy.random.default_rng({SEED})`); the first 10 %
   ({n_heldout:,} words) are held out, the remaining {n_train:,} are the training set.
4. `heldout.txt` is the first {n_file:,} words of the shuffled held-out set, sorted alphabetically.

Regenerate everything (the model, this folder and `../models/`) with
`/usr/bin/python3 tools/train_words.py` after `apt-get install wamerican`.
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--dict", default=DICT)
    parser.add_argument("--out", default=SAMPLE, help="sample folder (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.time()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)

    raw, words = load_words(args.dict)
    order = np.random.default_rng(SEED).permutation(len(words))
    shuffled = [words[i] for i in order]
    n_held = int(round(len(shuffled) * HELDOUT_FRACTION))
    heldout_all, train = shuffled[:n_held], shuffled[n_held:]
    heldout = sorted(heldout_all[:HELDOUT_CAP])
    print(f"{len(raw)} lines, {len(words)} words kept: {len(train)} training, "
          f"{len(heldout_all)} held out ({len(heldout)} in heldout.txt)")

    model = WordModel()
    params = sum(p.numel() for p in model.parameters())
    print(f"model: Embedding({len(VOCAB)}, {EMBED}) -> GRU({EMBED}, {HIDDEN}) -> "
          f"Linear({HIDDEN}, {len(VOCAB)}), {params} parameters")
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    batches_per_epoch = (len(train) + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, epochs=args.epochs,
                                                steps_per_epoch=batches_per_epoch,
                                                pct_start=0.1)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    rng = np.random.default_rng(SEED + 1)
    train_x, train_y, train_steps = encode_all(train)
    for epoch in range(args.epochs):
        model.train()
        # Shuffle, sort each chunk of 16 batches by length (less padding), shuffle the batches.
        perm = torch.from_numpy(rng.permutation(len(train)))
        chunks = [perm[k:k + 16 * BATCH] for k in range(0, len(perm), 16 * BATCH)]
        perm = torch.cat([c[torch.argsort(train_steps[c], stable=True)] for c in chunks])
        starts = rng.permutation(np.arange(0, len(train), BATCH))
        total, count = 0.0, 0
        for k in starts.tolist():
            idx = perm[k:k + BATCH]
            t = int(train_steps[idx].max())
            x, y = train_x[idx, :t], train_y[idx, :t]
            logits, _ = model(x)
            loss = loss_fn(logits.reshape(-1, len(VOCAB)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            n = int((y >= 0).sum())
            total += float(loss) * n
            count += n
        model.eval()
        top1, top5, _ = evaluate(model, heldout)
        print(f"epoch {epoch + 1:2d}/{args.epochs}  train loss {total / count:.4f}  "
              f"held-out top1 {top1:.4f} top5 {top5:.4f}  ({time.time() - started:.0f} s)",
              flush=True)
    train_seconds = time.time() - started

    model.eval()
    top1, top5, positions = evaluate(model, heldout)
    full1, full5, full_positions = evaluate(model, heldout_all)
    print(f"held-out accuracy (heldout.txt, {len(heldout)} words, {positions} positions): "
          f"top1={top1:.6f} top5={top5:.6f}")
    print(f"held-out accuracy (all {len(heldout_all)} held-out words, {full_positions} positions): "
          f"top1={full1:.6f} top5={full5:.6f}")
    lines = [f"accuracy top1={top1:.6f} top5={top5:.6f}"]
    for prefix in PREFIXES:
        done = beam_search(model, prefix)
        print(f"{prefix}: " + "  ".join(f"{w} ({s:.3f})" for w, s in done))
        lines.append(f"{prefix}: " + " ".join(w for w, _ in done))

    models_dir = os.path.join(args.out, "models")
    data_dir = os.path.join(args.out, "data")
    os.makedirs(models_dir, exist_ok=True)
    model_path = os.path.join(models_dir, "words.gru.json")
    metadata = {"generator": "tools/train_words.py", "vocabulary": VOCAB,
                "start_token": START, "end_token": END, "max_word_length": MAX_LEN,
                "data": "Debian wamerican /usr/share/dict/american-english (SCOWL)",
                "epochs": args.epochs, "seed": SEED,
                "heldout_top1": round(top1, 6), "heldout_top5": round(top5, 6)}
    ge.export([model.embedding, model.gru, model.head, nn.Softmax(dim=-1)], path=model_path,
              metadata=metadata, self_check=True)
    write_text(os.path.join(models_dir, "vocabulary.txt"), VOCAB + "\n")
    write_text(os.path.join(models_dir, "expected.txt"), "\n".join(lines) + "\n")
    write_text(os.path.join(data_dir, "heldout.txt"), "\n".join(heldout) + "\n")
    version = "unknown"
    try:
        import subprocess
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "wamerican"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        pass
    write_text(os.path.join(data_dir, "README.md"),
               data_readme(len(raw), len(words), len(train), len(heldout_all), len(heldout),
                           version))
    print(f"wrote {model_path} ({os.path.getsize(model_path)} bytes, {params} parameters); "
          f"training {train_seconds:.0f} s, total {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

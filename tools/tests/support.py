"""What the exporter tests share: the tools under test on sys.path (they are scripts in tools/,
not an installed package), one thread for PyTorch (the same arithmetic in every run), and helpers
that compute what a module's own forward gives, independently of the exporter.

Run from the repository root:  /usr/bin/python3 -m unittest discover -s tools/tests -v
"""

import os
import sys

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TOOLS)
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import grutiny_export as ge  # noqa: E402

torch.set_num_threads(1)


def run_cli(module, *extra, save=torch.save):
    """Save ``module`` as a user would, run the command line on it in a temporary folder.
    Returns (exit status, stdout, stderr, the written model dict or None)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "model.pt")
        out = os.path.join(tmp, "model.gru.json")
        save(module, src)
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = ge.main([src, out, *extra])
        written = None
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                written = json.load(f)
        return status, stdout.getvalue(), stderr.getvalue(), written


def export_warnings(function, *args, **kwargs):
    """``function(*args, **kwargs)`` and the ExportWarning messages it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(w.message) for w in caught if issubclass(w.category, ge.ExportWarning)]


def forward_rows(module, x, batch_first=True, per_step=True, output=0):
    """``module``'s own forward (eval mode, no_grad, batch 1) on one sequence x [T][in] as
    [T][out] float32 rows: from one call if it is per-step, else row t from the first t + 1
    steps.  Of a tuple result, element ``output``."""
    def call(seq):
        t = torch.from_numpy(np.ascontiguousarray(seq, dtype=np.float32))
        y = module.eval()(t[None] if batch_first else t[:, None])
        return y[output] if isinstance(y, tuple) else y

    with torch.no_grad():
        if per_step:
            y = call(x)
            return (y[0] if batch_first else y[:, 0]).numpy()
        return np.stack([call(x[:t + 1]).reshape(-1).numpy() for t in range(len(x))])


def pairs(check):
    """A self-check dict as [(inputs, outputs)] float32 arrays."""
    return [(np.asarray(s["inputs"], np.float32), np.asarray(s["outputs"], np.float32))
            for s in check["sequences"]]

#!/usr/bin/env python3
"""Export PyTorch GRU models to the GruTiny model format ``grutiny/1``.

GruTiny is a Roslyn source generator that compiles a GRU model description
(a JSON file, conventionally ``*.gru.json``) into plain C#.  This module
writes such files from PyTorch modules.  The format itself is specified in
``docs/model-format.md`` (JSON Schema: ``docs/model-format.schema.json``).

Supported modules
-----------------
* ``nn.Embedding`` -- only as the very first module, directly followed by an
  ``nn.GRU`` (an ``embedding`` layer: the model then takes one token id per
  step; see "Embedding models" below).  ``max_norm`` is rejected (it rewrites
  the weights during the forward pass); ``padding_idx``,
  ``scale_grad_by_freq`` and ``sparse`` only affect training.
* ``nn.GRU`` -- any ``num_layers`` (each layer becomes one ``gru`` layer),
  ``bias=True`` or ``False``, ``batch_first`` either way.  Bidirectional GRUs
  and ``proj_size > 0`` are rejected.  PyTorch GRUs always use
  ``linear_before_reset: true``.  Dropout between GRU layers is a training
  feature and is ignored.
* ``nn.Linear`` (``bias=True`` or ``False``), optionally followed by exactly
  one activation module: ``nn.ReLU``, ``nn.Sigmoid``, ``nn.Tanh``,
  ``nn.Softmax(dim=-1)`` (softmax over the features), or ``nn.Identity`` /
  nothing (activation ``"linear"``).
* ``nn.Dropout`` and ``nn.Identity`` anywhere else are inference no-ops and
  are skipped.

The order must be: an optional Embedding, one or more GRUs, then zero or more
Linear (+ activation).

Embedding models
----------------
With an ``nn.Embedding(V, D)`` first, the file's first layer is
``{"type": "embedding", "weight": [[D numbers], ... V rows]}`` (the
``weight`` as ``nn.Embedding.weight.tolist()``, stored as float32 like every
tensor), the first gru layer's input size is D, and the top-level
``input_size`` is V (``num_embeddings``).  The model takes one token id t
(0 <= t < V) per step.  ``input_normalization`` is not allowed.  Self-check
input rows are ``[t]`` rows holding the token id as a JSON integer (``[17]``);
the standard self-check draws the ids uniformly from 0..V-1 with
``numpy.random.default_rng(12345)`` (``self_check_tokens``), 2 sequences of
16 steps, and runs the modules on them (the Embedding on the id tensor).

Self-check vectors
------------------
By default ``export`` also stores a ``self_check`` key: 2 sequences of 16
standard-normal float32 input vectors (random token ids for an embedding
model, see above) (``numpy.random.default_rng(12345)``,
the same inputs for every export) and the outputs the PyTorch modules
themselves produced for them (batch 1, float32, ``torch.no_grad()``, modules
temporarily in eval mode, every sequence from the zero state).  The GruTiny
generator re-runs these sequences at build time and rejects the model if its
own outputs disagree, which catches export mistakes such as a wrong
``linear_before_reset`` or gate order.  Format::

    "self_check": {"sequences": [{"inputs":  [[/* input_size */], ... T rows],
                                  "outputs": [[/* output size */], ... T rows]},
                                 ...]}

1 to 16 sequences, T >= 1 rows each, ``inputs`` and ``outputs`` with the same
number of rows, all numbers finite (written like the weights, as float32).
Pass ``self_check=False`` to leave the key out.

With normalization (see below) the self-check is in raw units: the stored
inputs are ``mean + std * z`` for the standard-normal ``z`` above (float32
arithmetic, so the modules see roughly standard-normal values), the modules
run on ``(x - mean) / std`` (float32) and the stored outputs are the modules'
outputs mapped back, ``y * std + mean`` (float32) -- exactly what the
generated ``Step`` takes and returns.

Input and output normalization
------------------------------
Models trained on standardised data can carry the scaling with them, so the
generated code takes and returns raw units::

    "input_normalization":  {"mean": [/* input_size */],  "std": [/* input_size, > 0 */]},
    "output_normalization": {"mean": [/* output size */], "std": [/* output size, > 0 */]}

Before layer 0: x' = (x - mean) / std, element-wise; after the last layer:
y = y' * std + mean, element-wise (float32; the multiply and the add rounded
separately).  Both keys are optional and independent; each holds exactly
``mean`` and ``std``.  ``export`` / ``model`` take them as
``input_normalization=(mean, std)`` / ``output_normalization=(mean, std)``
(sequences, numpy arrays or tensors; a ``{"mean": ..., "std": ...}`` dict
works too; a scalar is accepted for size 1).  They are checked (lengths equal
to the model's input / output size, finite, std > 0 after rounding to
float32), stored as float32 numbers like the weights, and written after
``layers``.  The PyTorch modules themselves stay in normalised units: do not
put the scaling into the module as well.

For ONNX files (which the generator also reads) ``add_onnx_self_check`` stores
the same object, as compact JSON text, in the model metadata
(``ModelProto.metadata_props``) under the key ``grutiny.self_check``.

Python API
----------
::

    import torch.nn as nn
    from grutiny_export import export

    gru = nn.GRU(input_size=3, hidden_size=32, num_layers=2, batch_first=True)
    head = nn.Linear(32, 4)
    # ... train ...
    export([gru, head, nn.Softmax(dim=-1)], path="Models/gesture.gru.json",
           metadata={"trained_on": "2024-05-01", "classes": ["a", "b", "c", "d"]})

``export(modules, input_size=None, path=None, metadata=None, self_check=True, input_normalization=None, output_normalization=None) -> dict``
    ``modules`` is a list, tuple, ``nn.Sequential`` or ``nn.ModuleList``.
    ``input_size`` defaults to the first GRU's ``input_size``, or for an
    embedding model to the Embedding's ``num_embeddings`` (if given it must
    agree).  ``self_check``: ``True`` runs the modules on the standard
    self-check inputs (see above) and stores the result; ``False`` / ``None``
    stores nothing; a ``{"sequences": [...]}`` dict (raw units) is validated
    and stored as given.  ``input_normalization`` / ``output_normalization``:
    ``(mean, std)`` or ``None`` (see above).  Returns the model as a dict and
    writes it to ``path`` if given.  Raises ``ValueError`` for anything the
    format cannot represent.

``add_onnx_self_check(onnx_path, module, input_size, batch_first, sequences=2, steps=16, seed=12345) -> dict``
    Runs ``module`` (an ``nn.Module`` whose ``forward`` maps x [T, 1, in]
    -- [1, T, in] if ``batch_first`` -- to the per-step outputs [T, 1, out] /
    [1, T, out]; for a tuple result the first element) on ``sequences``
    sequences of ``steps`` standard-normal float32 inputs from
    ``numpy.random.default_rng(seed)``, and sets (or replaces) the metadata
    entry ``grutiny.self_check`` of the ``.onnx`` file in place.  Returns the
    self-check dict.

Lower-level helpers (tensors or numpy arrays; a ``None`` bias omits the key,
which the format reads as zero):

``embedding_layer(weight)``
    ``weight`` [V][D] (as ``nn.Embedding.weight``); only as the first layer,
    followed by a gru layer with D inputs, and the model's ``input_size``
    must be V.
``gru_layer(weight_ih, weight_hh, bias_ih, bias_hh, linear_before_reset)``
    Shapes as PyTorch holds them: ``weight_ih`` [3H][in], ``weight_hh``
    [3H][H], biases [3H]; gate blocks in PyTorch order r, z, n.
``dense_layer(weight, bias, activation)``
    ``weight`` [out][in], ``bias`` [out]; ``activation`` one of ``linear``,
    ``relu``, ``sigmoid``, ``tanh``, ``softmax``.
``model(input_size, layers, metadata=None, self_check=None, input_normalization=None, output_normalization=None)``
    Assembles and validates a complete ``grutiny/1`` dict; ``self_check``
    (``{"sequences": [{"inputs": ..., "outputs": ...}, ...]}``, arrays or
    nested lists, raw units; for an embedding model [T][1] integer token ids
    in 0..V-1) is validated against the model's sizes and stored; the
    normalizations (``(mean, std)``) are validated and stored.
``make_self_check(pairs)``
    Builds a ``self_check`` dict from ``(inputs [T][in], outputs [T][out])``
    pairs (tensors, numpy arrays or nested lists).
``self_check_inputs(input_size, sequences=2, steps=16, seed=12345)``
    The standard self-check inputs: a list of float32 arrays [steps][input_size].
``self_check_tokens(vocab_size, sequences=2, steps=16, seed=12345)``
    The standard self-check inputs of an embedding model: a list of int64
    arrays [steps][1] of token ids in 0..vocab_size-1.
``write(model_dict, path)``
    Writes a model dict as compact JSON (UTF-8, one line per layer).

Example with the helpers (e.g. weights from another framework; Keras kernels
are [in][3H] with gate order z, r, h and must be transposed and reordered to
r, z, n -- see ``docs/model-format.md``)::

    from grutiny_export import gru_layer, dense_layer, model, write
    m = model(3, [gru_layer(w_ih, w_hh, b_ih, b_hh, linear_before_reset=False),
                  dense_layer(w_out, b_out, "sigmoid")])
    write(m, "my.gru.json")

Numbers are stored as float32: every value is rounded to float32 and written
with 9 significant digits (``float('%.9g' % v)``), which reads back to exactly
the same float32.  Non-finite weights raise ``ValueError``.

Command line
------------
::

    python3 tools/grutiny_export.py MODEL.pt OUT.gru.json [--input-size N]
                                    [--metadata '{"k": "v"}'] [--no-self-check]
                                    [--input-normalization '{"mean": [..], "std": [..]}']
                                    [--output-normalization '{"mean": [..], "std": [..]}']

``MODEL.pt`` is a whole module saved with ``torch.save(module, ...)`` or
``torch.jit.save(torch.jit.script(module), ...)``.  It must be an
``nn.Sequential`` / ``nn.ModuleList`` of the supported modules (an
``nn.Embedding`` first is fine), or a single ``nn.GRU``; for any other container its child modules are taken in
registration order, which must be the order in which ``forward`` uses them.
A pickled (``torch.save``) custom module class must be importable: run the
command from the training code's directory or set ``PYTHONPATH``.
TorchScript files need no source.
"""

import argparse
import json
import sys
import warnings

import numpy as np

FORMAT = "grutiny/1"
ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax")

__all__ = ["FORMAT", "ACTIVATIONS", "export", "embedding_layer", "gru_layer", "dense_layer",
           "model", "write", "dumps", "make_self_check", "add_onnx_self_check",
           "self_check_inputs", "self_check_tokens", "ONNX_SELF_CHECK_KEY"]

ONNX_SELF_CHECK_KEY = "grutiny.self_check"
SELF_CHECK_MAX_SEQUENCES = 16
SELF_CHECK_SEQUENCES = 2
SELF_CHECK_STEPS = 16
# GruTiny checks at most this many steps x parameters at build time (SelfCheck.MaxWork in the C# code).
SELF_CHECK_MAX_WORK = 64_000_000
SELF_CHECK_SEED = 12345


# --------------------------------------------------------------------------
# Tensor / number helpers
# --------------------------------------------------------------------------

def _as_f32(value, name):
    """Return ``value`` (torch tensor, numpy array or nested list) as a
    float32 numpy array, checking that every element is finite."""
    if hasattr(value, "detach"):  # torch.Tensor / nn.Parameter
        value = value.detach().cpu().float().numpy()
    arr = np.asarray(value, dtype=np.float32)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: {bad} non-finite value(s) (NaN/Infinity) "
                         "cannot be stored in grutiny/1")
    return arr


def _f32_number(v):
    """Shortest-ish Python float that reads back to the same float32."""
    return float("%.9g" % v)


def _to_list(arr):
    """float32 array -> nested lists of compact Python floats."""
    if arr.ndim == 0:
        return _f32_number(float(arr))
    if arr.ndim == 1:
        return [_f32_number(v) for v in arr.tolist()]
    return [_to_list(row) for row in arr]


def _check_shape(arr, shape, name):
    if tuple(arr.shape) != tuple(shape):
        want = "".join(f"[{d}]" for d in shape)
        got = "".join(f"[{d}]" for d in arr.shape)
        raise ValueError(f"{name}: expected shape {want}, got {got}")


# --------------------------------------------------------------------------
# Layer builders
# --------------------------------------------------------------------------

def gru_layer(weight_ih, weight_hh, bias_ih=None, bias_hh=None,
              linear_before_reset=True):
    """Build a ``gru`` layer dict.

    ``weight_ih`` [3H][in], ``weight_hh`` [3H][H], ``bias_ih`` / ``bias_hh``
    [3H] or ``None`` (key omitted = zero).  Gate blocks in PyTorch order
    r, z, n.  ``linear_before_reset`` must be a bool (PyTorch: ``True``).
    """
    if not isinstance(linear_before_reset, (bool, np.bool_)):
        raise ValueError("linear_before_reset must be True or False")
    w_ih = _as_f32(weight_ih, "weight_ih")
    w_hh = _as_f32(weight_hh, "weight_hh")
    if w_hh.ndim != 2 or w_hh.shape[0] != 3 * w_hh.shape[1] or w_hh.shape[1] < 1:
        raise ValueError(f"weight_hh: expected shape [3H][H], got {list(w_hh.shape)}")
    hidden = int(w_hh.shape[1])
    if w_ih.ndim != 2 or w_ih.shape[0] != 3 * hidden or w_ih.shape[1] < 1:
        raise ValueError(f"weight_ih: expected shape [{3 * hidden}][in], got {list(w_ih.shape)}")
    layer = {
        "type": "gru",
        "hidden_size": hidden,
        "linear_before_reset": bool(linear_before_reset),
        "weight_ih": _to_list(w_ih),
        "weight_hh": _to_list(w_hh),
    }
    for key, value in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
        if value is not None:
            b = _as_f32(value, key)
            _check_shape(b, (3 * hidden,), key)
            layer[key] = _to_list(b)
    return layer


def dense_layer(weight, bias=None, activation="linear"):
    """Build a ``dense`` layer dict: ``weight`` [out][in], ``bias`` [out] or
    ``None``, ``activation`` in linear/relu/sigmoid/tanh/softmax."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    w = _as_f32(weight, "weight")
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ValueError(f"weight: expected shape [out][in], got {list(w.shape)}")
    layer = {"type": "dense", "activation": activation, "weight": _to_list(w)}
    if bias is not None:
        b = _as_f32(bias, "bias")
        _check_shape(b, (w.shape[0],), "bias")
        layer["bias"] = _to_list(b)
    return layer


def embedding_layer(weight):
    """Build an ``embedding`` layer dict: ``weight`` [V][D] (as
    ``nn.Embedding.weight``).  Only valid as the first layer of a model,
    followed by a gru layer with D inputs; the model's ``input_size`` is V."""
    w = _as_f32(weight, "weight")
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ValueError(f"weight: expected shape [V][D], got {list(w.shape)}")
    return {"type": "embedding", "weight": _to_list(w)}


def _layer_in_size(layer):
    if layer["type"] == "gru":
        return len(layer["weight_ih"][0])
    if layer["type"] == "embedding":  # V token ids in
        return len(layer["weight"])
    return len(layer["weight"][0])


def _layer_out_size(layer):
    if layer["type"] == "gru":
        return layer["hidden_size"]
    if layer["type"] == "embedding":  # D features out
        return len(layer["weight"][0])
    return len(layer["weight"])


def _matrix(value, name):
    """A [rows][cols] float32 matrix (rows >= 1, cols >= 1), finite."""
    if isinstance(value, (list, tuple)):
        if not all(isinstance(r, (list, tuple, np.ndarray)) for r in value):
            raise ValueError(f"{name}: expected a list of rows (lists of numbers)")
        lengths = {len(r) for r in value}
        if len(lengths) > 1:
            raise ValueError(f"{name}: rows of different lengths {sorted(lengths)}")
    arr = _as_f32(value, name)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name}: expected a non-empty [T][n] matrix, got shape "
                         f"{list(arr.shape)}")
    return arr


def make_self_check(pairs):
    """Build a ``self_check`` dict from ``(inputs, outputs)`` pairs, one per
    sequence: ``inputs`` [T][input_size], ``outputs`` [T][output size]
    (tensors, numpy arrays or nested lists; rounded to float32).  Checks the
    structure (1..16 sequences, T >= 1, equal row counts, equal widths across
    sequences, finite numbers) but not the sizes against a model; ``model``
    does that."""
    pairs = list(pairs)
    if not 1 <= len(pairs) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"self_check: 1 to {SELF_CHECK_MAX_SEQUENCES} sequences; "
                         f"got {len(pairs)}")
    sequences, widths = [], None
    for i, pair in enumerate(pairs):
        try:
            inputs, outputs = pair
        except (TypeError, ValueError):
            raise ValueError(f"self_check sequence {i}: expected an (inputs, outputs) pair") from None
        x = _matrix(inputs, f"self_check sequence {i} inputs")
        y = _matrix(outputs, f"self_check sequence {i} outputs")
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"self_check sequence {i}: {x.shape[0]} input rows but "
                             f"{y.shape[0]} output rows")
        if widths is None:
            widths = (x.shape[1], y.shape[1])
        elif (x.shape[1], y.shape[1]) != widths:
            raise ValueError(f"self_check sequence {i}: rows of {x.shape[1]} inputs / "
                             f"{y.shape[1]} outputs, sequence 0 has {widths[0]} / {widths[1]}")
        sequences.append({"inputs": _to_list(x), "outputs": _to_list(y)})
    return {"sequences": sequences}


def _token_rows(inputs, vocab_size, name):
    """Self-check inputs of an embedding model: [T][1] integer token ids in
    0..vocab_size-1 (ints, integral floats or an integer / float array).
    Returns them as a list of [int] rows."""
    if hasattr(inputs, "detach"):
        inputs = inputs.detach().cpu().numpy()
    arr = np.asarray(inputs)
    if arr.dtype == object or arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] != 1:
        raise ValueError(f"{name}: an embedding model takes [T][1] rows holding one token id "
                         f"each; got shape {list(arr.shape)}")
    if arr.dtype.kind not in "iuf" or arr.dtype == np.bool_:
        raise ValueError(f"{name}: token ids must be numbers")
    if arr.dtype.kind == "f" and not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
        raise ValueError(f"{name}: token ids must be integers")
    ids = [int(v) for v in arr[:, 0].tolist()]
    bad = [t for t in ids if not 0 <= t < vocab_size]
    if bad:
        raise ValueError(f"{name}: token id {bad[0]} outside 0..{vocab_size - 1}")
    return [[t] for t in ids]


def _check_self_check(self_check, input_size, output_size, vocab_size=None):
    """Validate a ``{"sequences": [...]}`` object for a model with these
    sizes; returns it normalised (float32 numbers).  ``vocab_size`` (an
    embedding model): input rows are [1] integer token ids below it, stored
    as JSON integers."""
    if not isinstance(self_check, dict):
        raise ValueError("self_check must be a dict {\"sequences\": [...]}")
    extra = sorted(set(self_check) - {"sequences"})
    if extra:
        raise ValueError(f"self_check: unknown key(s) {', '.join(extra)} (only 'sequences')")
    if "sequences" not in self_check or not isinstance(self_check["sequences"], (list, tuple)):
        raise ValueError("self_check: 'sequences' must be a list")
    pairs = []
    for i, seq in enumerate(self_check["sequences"]):
        if not isinstance(seq, dict) or set(seq) != {"inputs", "outputs"}:
            raise ValueError(f"self_check sequence {i}: must be an object with exactly "
                             "the keys 'inputs' and 'outputs'")
        pairs.append((seq["inputs"], seq["outputs"]))
    result = make_self_check(pairs)
    if vocab_size is not None:
        for i, (seq, (inputs, _)) in enumerate(zip(result["sequences"], pairs)):
            seq["inputs"] = _token_rows(inputs, vocab_size, f"self_check sequence {i} inputs")
        for i, seq in enumerate(result["sequences"]):
            if len(seq["outputs"][0]) != output_size:
                raise ValueError(f"self_check sequence {i}: output rows have "
                                 f"{len(seq['outputs'][0])} values, the model outputs "
                                 f"{output_size}")
        return result
    for i, seq in enumerate(result["sequences"]):
        if len(seq["inputs"][0]) != input_size:
            raise ValueError(f"self_check sequence {i}: input rows have {len(seq['inputs'][0])} "
                             f"values, the model's input_size is {input_size}")
        if len(seq["outputs"][0]) != output_size:
            raise ValueError(f"self_check sequence {i}: output rows have "
                             f"{len(seq['outputs'][0])} values, the model outputs {output_size}")
    return result


def _normalization(value, size, name):
    """Validate ``(mean, std)`` (or ``{"mean": ..., "std": ...}``) for a
    vector of ``size`` values; returns ``{"mean": [...], "std": [...]}`` with
    float32 numbers.  A scalar is accepted when ``size`` is 1."""
    if isinstance(value, dict):
        keys = set(value)
        if keys != {"mean", "std"}:
            extra = sorted(keys - {"mean", "std"})
            missing = sorted({"mean", "std"} - keys)
            what = (f"unknown key(s) {', '.join(extra)}" if extra
                    else f"missing key(s) {', '.join(missing)}")
            raise ValueError(f"{name}: {what} (exactly 'mean' and 'std')")
        mean, std = value["mean"], value["std"]
    else:
        try:
            mean, std = value
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected a (mean, std) pair") from None
    result = {}
    for key, v in (("mean", mean), ("std", std)):
        if isinstance(v, (str, bytes, dict)) or v is None:
            raise ValueError(f"{name}.{key}: expected numbers, got {type(v).__name__}")
        try:
            with np.errstate(over="ignore"):
                arr = _as_f32(v, f"{name}.{key}")
        except (TypeError, ValueError) as e:
            if "non-finite" in str(e):
                raise ValueError(f"{e} (or beyond the float32 range)") from None
            raise ValueError(f"{name}.{key}: expected numbers ({e})") from None
        if arr.ndim == 0 and size == 1:
            arr = arr.reshape(1)
        if arr.ndim != 1 or arr.shape[0] != size:
            raise ValueError(f"{name}.{key}: expected {size} value(s), got shape "
                             f"{list(arr.shape)}")
        if key == "std" and not np.all(arr > 0):
            bad = [i for i, s in enumerate(arr.tolist()) if not s > 0]
            raise ValueError(f"{name}.std: every value must be > 0 (as float32); "
                             f"element(s) {bad[:8]} are not")
        result[key] = _to_list(arr)
    return result


def _normalization_arrays(norm):
    """``{"mean", "std"}`` dict -> (mean, std) float32 arrays, or None."""
    if norm is None:
        return None
    return (np.asarray(norm["mean"], dtype=np.float32),
            np.asarray(norm["std"], dtype=np.float32))


def model(input_size, layers, metadata=None, self_check=None, input_normalization=None,
          output_normalization=None):
    """Assemble a ``grutiny/1`` model dict and check the layer sequence:
    an optional ``embedding`` layer (first, followed by a gru layer;
    ``input_size`` must then be its V), one or more ``gru`` layers, then zero
    or more ``dense`` layers, each layer's input size equal to the previous
    layer's output size.
    ``input_normalization`` / ``output_normalization`` (optional):
    ``(mean, std)`` with input_size / output size values each, std > 0;
    stored after ``layers``.
    ``self_check`` (optional): ``{"sequences": [{"inputs", "outputs"}, ...]}``
    in raw units, checked against the model's input and output sizes and
    stored last (for an embedding model its inputs are [T][1] token ids).
    An embedding model cannot have ``input_normalization``."""
    if isinstance(input_size, bool) or not isinstance(input_size, (int, np.integer)) or input_size < 1:
        raise ValueError(f"input_size must be an integer >= 1; got {input_size!r}")
    layers = list(layers)
    if not layers:
        raise ValueError("a model needs at least one layer")
    embedding = layers[0].get("type") == "embedding"
    if embedding:
        if len(layers) < 2 or layers[1].get("type") != "gru":
            raise ValueError("an embedding layer must be followed by a gru layer")
        if int(input_size) != _layer_in_size(layers[0]):
            raise ValueError(f"input_size={input_size} but the embedding layer has "
                             f"{_layer_in_size(layers[0])} rows (input_size must equal V)")
        if input_normalization is not None:
            raise ValueError("input_normalization is not allowed with an embedding layer "
                             "(the inputs are token ids)")
    elif layers[0].get("type") != "gru":
        raise ValueError("the first layer must be a gru or embedding layer")
    seen_dense = False
    size = int(input_size)
    for i, layer in enumerate(layers):
        kind = layer.get("type")
        if kind == "embedding":
            if i != 0:
                raise ValueError(f"layer {i}: an embedding layer is only allowed first")
        elif kind == "gru":
            if seen_dense:
                raise ValueError(f"layer {i}: gru layers must come before all dense layers")
        elif kind == "dense":
            seen_dense = True
        else:
            raise ValueError(f"layer {i}: unknown layer type {kind!r}")
        if _layer_in_size(layer) != size:
            raise ValueError(f"layer {i} ({kind}): expects {_layer_in_size(layer)} inputs "
                             f"but receives {size}")
        size = _layer_out_size(layer)
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata must be a dict (JSON object)")
    result = {"format": FORMAT, "input_size": int(input_size), "layers": layers}
    if input_normalization is not None:
        result["input_normalization"] = _normalization(input_normalization, int(input_size),
                                                       "input_normalization")
    if output_normalization is not None:
        result["output_normalization"] = _normalization(output_normalization, size,
                                                        "output_normalization")
    if metadata is not None:
        result["metadata"] = metadata
    if self_check is not None:
        result["self_check"] = _check_self_check(self_check, int(input_size), size,
                                                 int(input_size) if embedding else None)
    return result


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def _compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dumps(model_dict):
    """Serialize a model dict: compact JSON, one line per layer and per
    self-check sequence (git-friendly), no whitespace inside number arrays.
    Keys are written in dict order."""
    lines = []
    items = list(model_dict.items())
    for idx, (key, value) in enumerate(items):
        comma = "," if idx < len(items) - 1 else ""
        if key == "layers":
            lines.append(_compact(key) + ":[")
            for j, layer in enumerate(value):
                lines.append(_compact(layer) + ("," if j < len(value) - 1 else ""))
            lines.append("]" + comma)
        elif (key == "self_check" and isinstance(value, dict) and list(value) == ["sequences"]
              and isinstance(value["sequences"], list) and value["sequences"]):
            seqs = value["sequences"]
            lines.append(_compact(key) + ":{" + _compact("sequences") + ":[")
            for j, seq in enumerate(seqs):
                lines.append(_compact(seq) + ("," if j < len(seqs) - 1 else ""))
            lines.append("]}" + comma)
        else:
            lines.append(_compact(key) + ":" + _compact(value) + comma)
    return "{\n" + "\n".join(lines) + "\n}\n"


def write(model_dict, path):
    """Write ``model_dict`` to ``path`` (UTF-8, compact JSON)."""
    text = dumps(model_dict)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


# --------------------------------------------------------------------------
# PyTorch module export
# --------------------------------------------------------------------------

_ACTIVATION_MODULES = {"ReLU": "relu", "Sigmoid": "sigmoid", "Tanh": "tanh",
                       "Softmax": "softmax", "Identity": "linear"}
_NOOP_MODULES = ("Dropout", "Identity")


def _kind(m):
    """Class name of a module; for TorchScript modules the original name."""
    try:
        import torch
        if isinstance(m, torch.jit.ScriptModule):
            return getattr(m, "original_name", type(m).__name__)
    except ImportError:  # pragma: no cover
        pass
    return type(m).__name__


def _flatten(modules):
    """Expand nested nn.Sequential / nn.ModuleList / lists into a flat list."""
    out = []
    for m in modules:
        if isinstance(m, (list, tuple)) or _kind(m) in ("Sequential", "ModuleList"):
            out.extend(_flatten(list(m.children()) if hasattr(m, "children") else m))
        else:
            out.append(m)
    return out


def _gru_layers(gru, index):
    name = f"module {index} (GRU)"
    if getattr(gru, "bidirectional", False):
        raise ValueError(f"{name}: bidirectional GRUs are not supported (the model runs step by step)")
    if getattr(gru, "proj_size", 0):
        raise ValueError(f"{name}: proj_size > 0 is not supported")
    if getattr(gru, "mode", "GRU") != "GRU":
        raise ValueError(f"{name}: not a GRU (mode {gru.mode!r})")
    layers = []
    for k in range(int(gru.num_layers)):
        w_ih = getattr(gru, f"weight_ih_l{k}")
        w_hh = getattr(gru, f"weight_hh_l{k}")
        b_ih = getattr(gru, f"bias_ih_l{k}", None) if gru.bias else None
        b_hh = getattr(gru, f"bias_hh_l{k}", None) if gru.bias else None
        try:
            layers.append(gru_layer(w_ih, w_hh, b_ih, b_hh, linear_before_reset=True))
        except ValueError as e:
            raise ValueError(f"{name}, layer {k}: {e}") from None
    return layers


def _softmax_dim_ok(m, index):
    dim = getattr(m, "dim", None)
    if dim == -1:
        return
    if dim == 2:  # last dimension of a batched (N, T, F) / (T, N, F) tensor
        return
    if dim == 1:
        warnings.warn(f"module {index}: Softmax(dim=1) is the feature dimension only for "
                      "unbatched (T, F) input; exported as softmax over the features "
                      "(prefer dim=-1)", stacklevel=3)
        return
    raise ValueError(f"module {index}: Softmax(dim={dim!r}) is not over the last "
                     "dimension; use nn.Softmax(dim=-1)")


def self_check_inputs(input_size, sequences=SELF_CHECK_SEQUENCES, steps=SELF_CHECK_STEPS,
                      seed=SELF_CHECK_SEED):
    """The standard self-check inputs: ``sequences`` float32 arrays
    [steps][input_size] of standard-normal values from
    ``numpy.random.default_rng(seed)``."""
    if not 1 <= int(sequences) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"sequences must be 1..{SELF_CHECK_MAX_SEQUENCES}; got {sequences}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1; got {steps}")
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((int(steps), int(input_size)), dtype=np.float32)
            for _ in range(int(sequences))]


def self_check_tokens(vocab_size, sequences=SELF_CHECK_SEQUENCES, steps=SELF_CHECK_STEPS,
                      seed=SELF_CHECK_SEED):
    """The standard self-check inputs of an embedding model: ``sequences``
    int64 arrays [steps][1] of token ids drawn uniformly from
    0..vocab_size-1 with ``numpy.random.default_rng(seed)``."""
    if not 1 <= int(sequences) <= SELF_CHECK_MAX_SEQUENCES:
        raise ValueError(f"sequences must be 1..{SELF_CHECK_MAX_SEQUENCES}; got {sequences}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1; got {steps}")
    if int(vocab_size) < 1:
        raise ValueError(f"vocab_size must be >= 1; got {vocab_size}")
    rng = np.random.default_rng(seed)
    return [rng.integers(0, int(vocab_size), size=(int(steps), 1), dtype=np.int64)
            for _ in range(int(sequences))]


class _EvalMode:
    """Put modules (and their submodules) in eval mode; restore on exit."""

    def __init__(self, modules):
        self.modules = [m for m in modules if hasattr(m, "training")]

    def __enter__(self):
        self.saved = []
        for m in self.modules:
            subs = list(m.modules()) if hasattr(m, "modules") else [m]
            self.saved.extend((sub, sub.training) for sub in subs)
            m.eval()
        return self

    def __exit__(self, *exc):
        for sub, training in self.saved:  # pre-order: parents before children
            sub.train(training)
        return False


def _module_device(modules):
    for m in modules:
        for p in (m.parameters() if hasattr(m, "parameters") else ()):
            return p.device
    return None


def _as_float32_module(m):
    """``m`` itself if its floating-point parameters are float32, otherwise a
    float32 copy (the self-check runs in float32, like the stored weights)."""
    import torch
    params = list(m.parameters()) if hasattr(m, "parameters") else []
    if all(p.dtype == torch.float32 for p in params if p.is_floating_point()):
        return m
    import copy
    return copy.deepcopy(m).float()


def _call_gru(g, x):
    """``g(x)`` for an nn.GRU; a TorchScript GRU loaded from a file has no
    ``forward``, only its overloads (``forward__0`` for a Tensor input)."""
    if hasattr(g, "forward"):
        return g(x)
    names = g._c._method_names() if hasattr(g, "_c") else []
    for name in names:
        if name.startswith("forward__") and "Tensor input" in str(g._c._get_method(name).schema):
            return getattr(g, name)(x)
    raise ValueError("cannot run this TorchScript GRU (no forward method for a Tensor input)")


def _run_modules(mods, x):
    """Run the flattened ``export`` module list on one sequence x [T][in]
    (float32 tensor; for an embedding model [T][1] int64 token ids, which
    the nn.Embedding maps to [T][D]): each GRU on a batch of one in its own layout and from
    the zero state; Linear and activations on the [T][F] per-step rows
    (a Softmax with dim=2 on [1][T][F]).  Dropout / Identity are skipped.
    Returns a [T][out] tensor."""
    for m in mods:
        kind = _kind(m)
        if kind == "Embedding":
            x = _as_float32_module(m)(x.reshape(-1).long())
        elif kind == "GRU":
            g = _as_float32_module(m)
            if getattr(g, "batch_first", False):
                y = _call_gru(g, x[None])
                y = (y[0] if isinstance(y, (tuple, list)) else y)[0]
            else:
                y = _call_gru(g, x[:, None])
                y = (y[0] if isinstance(y, (tuple, list)) else y)[:, 0]
            x = y
        elif kind in _NOOP_MODULES:
            continue
        elif kind == "Softmax" and getattr(m, "dim", None) == 2:
            x = m(x[None])[0]
        else:
            x = _as_float32_module(m)(x)
    return x


def _torch_self_check(mods, input_size, input_norm=None, output_norm=None, embedding=False):
    """Self-check pairs in raw units (``embedding``: [T][1] token ids from
    ``self_check_tokens(input_size)`` instead of standard-normal vectors).  ``input_norm`` / ``output_norm``:
    (mean, std) float32 arrays or None.  Raw inputs are mean + std * z for
    the standard inputs z; the modules see (x - mean) / std; their outputs
    are mapped back with y * std + mean (all float32)."""
    import torch
    device = _module_device(mods)
    pairs = []
    params = sum(p.numel() for m in mods for p in m.parameters())
    steps = max(1, min(SELF_CHECK_STEPS, SELF_CHECK_MAX_WORK // max(1, SELF_CHECK_SEQUENCES * params)))
    with torch.no_grad(), _EvalMode(mods):
        if embedding:
            standard = self_check_tokens(input_size, SELF_CHECK_SEQUENCES, steps)
        else:
            standard = self_check_inputs(input_size, SELF_CHECK_SEQUENCES, steps)
        for inputs in standard:
            if input_norm is not None:
                mean, std = input_norm
                inputs = (mean + std * inputs).astype(np.float32)
                if not np.all(np.isfinite(inputs)):
                    raise ValueError("the raw self-check inputs mean + std * z overflow float32")
                normalized = ((inputs - mean) / std).astype(np.float32)
            else:
                normalized = inputs
            x = torch.from_numpy(np.ascontiguousarray(normalized))
            if device is not None:
                x = x.to(device)
            y = _run_modules(mods, x).detach().cpu().float().numpy()
            if output_norm is not None:
                mean, std = output_norm
                if y.shape[-1] != mean.shape[0]:
                    raise ValueError(f"the modules output {y.shape[-1]} values per step, "
                                     f"output_normalization has {mean.shape[0]}")
                y = (y * std).astype(np.float32) + mean
                y = y.astype(np.float32)
            pairs.append((inputs, y))
    if embedding:
        check = make_self_check(pairs)
        for seq, (inputs, _) in zip(check["sequences"], pairs):
            seq["inputs"] = [[int(t)] for t in inputs[:, 0].tolist()]
        return check
    return make_self_check(pairs)


def export(modules, input_size=None, path=None, metadata=None, self_check=True,
           input_normalization=None, output_normalization=None):
    """Convert a sequence of PyTorch modules to a ``grutiny/1`` dict.

    ``modules``: list / nn.Sequential of an optional nn.Embedding (first,
    directly followed by the first GRU), nn.GRU (one or more), then
    nn.Linear each optionally followed by one of nn.ReLU, nn.Sigmoid,
    nn.Tanh, nn.Softmax(dim=-1), nn.Identity.  nn.Dropout is skipped.
    ``input_size`` defaults to the first GRU's input_size, or with an
    nn.Embedding to its num_embeddings (V).
    ``self_check``: ``True`` (default) runs the modules on 2 seeded sequences
    of 16 standard-normal steps (random token ids 0..V-1, as [[t], ...]
    rows, for an embedding model; batch 1, float32, no_grad, eval mode, zero
    initial state) and stores inputs and outputs as ``self_check``;
    ``False`` / ``None`` leaves the key out; a ``{"sequences": [...]}`` dict
    is validated and stored as given.  Writes the JSON to ``path`` if given.
    ``input_normalization`` / ``output_normalization``: ``(mean, std)`` or
    None; stored in the file, and the self-check is then in raw units (raw
    inputs mean + std * z, modules run on (x - mean) / std, outputs
    y * std + mean, float32).  The modules themselves work in normalised units.
    Returns the dict.  Raises ValueError otherwise.
    """
    if hasattr(modules, "children") and _kind(modules) not in ("Sequential", "ModuleList"):
        modules = [modules]  # a single module, e.g. an nn.GRU
    mods = _flatten(list(modules))
    layers = []
    first_gru = None
    embedding = None
    i = 0
    while i < len(mods):
        m = mods[i]
        kind = _kind(m)
        if kind == "Embedding":
            if layers or any(_kind(p) not in _NOOP_MODULES for p in mods[:i]):
                raise ValueError(f"module {i} (Embedding): an nn.Embedding is only allowed as "
                                 "the first module")
            if getattr(m, "max_norm", None) is not None:
                raise ValueError(f"module {i} (Embedding): max_norm is not supported (it "
                                 "renormalises the weights during the forward pass)")
            try:
                layers.append(embedding_layer(m.weight))
            except ValueError as e:
                raise ValueError(f"module {i} (Embedding): {e}") from None
            embedding = m
            i += 1
            j = i
            while j < len(mods) and _kind(mods[j]) in _NOOP_MODULES:
                j += 1
            if j >= len(mods) or _kind(mods[j]) != "GRU":
                raise ValueError(f"module {i - 1} (Embedding): must be followed by an nn.GRU")
        elif kind == "GRU":
            if layers and layers[-1]["type"] == "dense":
                raise ValueError(f"module {i} (GRU): GRUs must come before all Linear layers")
            if first_gru is None:
                first_gru = m
            layers.extend(_gru_layers(m, i))
            i += 1
        elif kind == "Linear":
            if not layers or layers[-1]["type"] == "embedding":
                raise ValueError(f"module {i} (Linear): the model must start with an nn.GRU "
                                 "(or an nn.Embedding followed by an nn.GRU)")
            activation = "linear"
            j = i + 1
            while j < len(mods) and _kind(mods[j]) == "Dropout":
                j += 1
            if j < len(mods) and _kind(mods[j]) in _ACTIVATION_MODULES:
                if _kind(mods[j]) == "Softmax":
                    _softmax_dim_ok(mods[j], j)
                activation = _ACTIVATION_MODULES[_kind(mods[j])]
                j += 1
            bias = m.bias if getattr(m, "bias", None) is not None else None
            try:
                layers.append(dense_layer(m.weight, bias, activation))
            except ValueError as e:
                raise ValueError(f"module {i} (Linear): {e}") from None
            i = j
        elif kind in _NOOP_MODULES:
            i += 1
        elif kind in _ACTIVATION_MODULES:
            raise ValueError(f"module {i} ({kind}): an activation must directly follow an "
                             "nn.Linear (GRU outputs cannot take an activation)")
        else:
            raise ValueError(f"module {i} ({kind}): unsupported module type")
    if first_gru is None:
        raise ValueError("no nn.GRU found: a grutiny/1 model starts with a GRU")
    if embedding is not None:
        vocab = int(embedding.num_embeddings)
        if input_size is None:
            input_size = vocab
        elif int(input_size) != vocab:
            raise ValueError(f"input_size={input_size} but the nn.Embedding has "
                             f"num_embeddings={vocab} (an embedding model's input_size is V)")
        if int(embedding.embedding_dim) != int(first_gru.input_size):
            raise ValueError(f"the nn.Embedding has embedding_dim={embedding.embedding_dim} but "
                             f"the first GRU has input_size={first_gru.input_size}")
    elif input_size is None:
        input_size = int(first_gru.input_size)
    elif int(input_size) != int(first_gru.input_size):
        raise ValueError(f"input_size={input_size} but the first GRU has "
                         f"input_size={first_gru.input_size}")
    norms = dict(input_normalization=input_normalization,
                 output_normalization=output_normalization)
    result = model(int(input_size), layers, metadata, **norms)
    if self_check is True:
        try:
            check = _torch_self_check(
                mods, int(input_size),
                _normalization_arrays(result.get("input_normalization")),
                _normalization_arrays(result.get("output_normalization")),
                embedding=embedding is not None)
        except ValueError as e:
            raise ValueError(f"self_check: running the PyTorch modules: {e}") from None
        result = model(int(input_size), layers, metadata, check, **norms)
    elif isinstance(self_check, dict):
        result = model(int(input_size), layers, metadata, self_check, **norms)
    elif self_check not in (False, None):
        raise ValueError("self_check must be True, False, None or a {\"sequences\": [...]} dict")
    if path is not None:
        write(result, path)
    return result


# --------------------------------------------------------------------------
# ONNX self-check metadata
# --------------------------------------------------------------------------

def _onnx_input_width(model_proto):
    """The last dimension of the graph's (single non-initializer) input if it
    is a fixed number, else None."""
    inits = {t.name for t in model_proto.graph.initializer}
    inputs = [i for i in model_proto.graph.input if i.name not in inits]
    if len(inputs) != 1:
        return None
    dims = inputs[0].type.tensor_type.shape.dim
    if not dims or not dims[-1].HasField("dim_value"):
        return None
    return int(dims[-1].dim_value)


def add_onnx_self_check(onnx_path, module, input_size, batch_first, sequences=SELF_CHECK_SEQUENCES,
                        steps=SELF_CHECK_STEPS, seed=SELF_CHECK_SEED):
    """Run ``module`` on the self-check inputs and store the result in the
    ONNX file ``onnx_path`` (in place) as the metadata entry
    ``grutiny.self_check`` (compact JSON ``{"sequences": [...]}``), replacing
    any previous entry.

    ``module``: an nn.Module whose forward maps x [T, 1, input_size] (or
    [1, T, input_size] if ``batch_first``) to per-step outputs [T, 1, out]
    ([1, T, out]); a tuple / list result contributes its first element.  It
    runs in float32 with torch.no_grad(), in eval mode, from the zero state
    (no initial state argument).  Returns the self-check dict.
    """
    import onnx
    import torch
    if isinstance(input_size, bool) or int(input_size) < 1:
        raise ValueError(f"input_size must be an integer >= 1; got {input_size!r}")
    input_size = int(input_size)
    proto = onnx.load(onnx_path)
    width = _onnx_input_width(proto)
    if width is not None and width != input_size:
        raise ValueError(f"{onnx_path}: the graph input has {width} features, "
                         f"input_size={input_size}")
    device = _module_device([module])
    pairs = []
    with torch.no_grad(), _EvalMode([module]):
        run = _as_float32_module(module)
        for inputs in self_check_inputs(input_size, sequences, steps, seed):
            x = torch.from_numpy(inputs)
            x = x[None] if batch_first else x[:, None]
            if device is not None:
                x = x.to(device)
            y = run(x)
            if isinstance(y, (tuple, list)):
                y = y[0]
            want = (1, int(steps)) if batch_first else (int(steps), 1)
            if y.dim() != 3 or tuple(y.shape[:2]) != want:
                layout = "[1, T, out]" if batch_first else "[T, 1, out]"
                raise ValueError(f"module output has shape {list(y.shape)}; expected per-step "
                                 f"outputs {layout} with T={steps}")
            y = y[0] if batch_first else y[:, 0]
            pairs.append((inputs, y.detach().cpu().float().numpy()))
    check = make_self_check(pairs)
    text = _compact(check)
    kept = [(p.key, p.value) for p in proto.metadata_props if p.key != ONNX_SELF_CHECK_KEY]
    del proto.metadata_props[:]
    for key, value in kept + [(ONNX_SELF_CHECK_KEY, text)]:
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(proto, onnx_path)
    return check


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _load_module(path):
    import os
    import torch
    # A pickled module needs its class: look in the current directory too.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return torch.jit.load(path, map_location="cpu")
    except Exception:  # not a TorchScript archive: a pickled nn.Module
        pass
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, dict):
        raise SystemExit(f"{path}: contains a state_dict, not a module; "
                         "use the Python API (export([...modules...]))")
    return obj


def _modules_of(obj):
    kind = _kind(obj)
    if kind in ("Sequential", "ModuleList", "GRU"):
        return obj
    children = list(obj.children())
    if not children:
        raise SystemExit(f"unsupported top-level module {kind}")
    warnings.warn(f"{kind} is not an nn.Sequential: assuming its children run in "
                  "registration order", stacklevel=2)
    return children


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="grutiny_export.py",
        description="Export a saved PyTorch GRU model to the GruTiny format grutiny/1.",
        epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="module saved with torch.save(module) or torch.jit.save")
    parser.add_argument("output", help="output file, e.g. model.gru.json")
    parser.add_argument("--input-size", type=int, default=None,
                        help="model input size (default: the first GRU's input_size)")
    parser.add_argument("--metadata", default=None,
                        help="JSON object stored verbatim as the model's metadata")
    parser.add_argument("--no-self-check", action="store_true",
                        help="do not store self-check vectors (default: 2 sequences of 16 "
                             "steps run through the PyTorch modules)")
    parser.add_argument("--input-normalization", default=None, metavar="JSON",
                        help='{"mean": [...], "std": [...]} with input_size values each')
    parser.add_argument("--output-normalization", default=None, metavar="JSON",
                        help='{"mean": [...], "std": [...]} with output-size values each')
    args = parser.parse_args(argv)
    metadata = json.loads(args.metadata) if args.metadata else None
    in_norm = json.loads(args.input_normalization) if args.input_normalization else None
    out_norm = json.loads(args.output_normalization) if args.output_normalization else None
    module = _load_module(args.model)
    try:
        m = export(_modules_of(module), input_size=args.input_size,
                   path=args.output, metadata=metadata,
                   self_check=not args.no_self_check,
                   input_normalization=in_norm, output_normalization=out_norm)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    sizes = [f"{len(l['weight'])}x{len(l['weight'][0])}" if l["type"] == "embedding"
             else l.get("hidden_size", len(l.get("weight", []))) for l in m["layers"]]
    print(f"wrote {args.output}: input {m['input_size']}, layers "
          + ", ".join(f"{l['type']}({s})" for l, s in zip(m["layers"], sizes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The GRU equations in float64 with numpy, as the ONNX GRU operator defines them, for the cases
PyTorch cannot compute: ``clip`` (ONNX only) and, with either ``linear_before_reset``, an initial
state.  Tensors are in PyTorch's layout (gates r, z, n), as grutiny/1 stores them.

ONNX GRU (opset 7-22), one direction, activations [Sigmoid, Tanh], clip c (None: none):
    r = sigmoid(clamp(W_r x + b_ir + R_r h + b_hr))
    z = sigmoid(clamp(W_z x + b_iz + R_z h + b_hz))
    n = tanh(clamp(W_n x + b_in + r * (R_n h + b_hn)))      linear_before_reset = 1
    n = tanh(clamp(W_n x + b_in + R_n (r * h) + b_hn))      linear_before_reset = 0
    h' = (1 - z) * n + z * h
with clamp(v) = min(max(v, -c), c).
"""

import numpy as np


def gru_sequence(inputs, weight_ih, weight_hh, bias_ih=None, bias_hh=None,
                 linear_before_reset=True, clip=None, initial_state=None):
    """The layer over a whole sequence ([T][in]), from ``initial_state`` ([H], default zeros):
    (outputs [T][H], final state [H]), float64."""
    x = np.asarray(inputs, np.float64)
    w_ih = np.asarray(weight_ih, np.float64)
    w_hh = np.asarray(weight_hh, np.float64)
    hidden = w_hh.shape[1]
    b_ih = np.zeros(3 * hidden) if bias_ih is None else np.asarray(bias_ih, np.float64)
    b_hh = np.zeros(3 * hidden) if bias_hh is None else np.asarray(bias_hh, np.float64)
    h = np.zeros(hidden) if initial_state is None else np.asarray(initial_state, np.float64)

    def clamp(v):
        return v if clip is None else np.minimum(np.maximum(v, -float(clip)), float(clip))

    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    rows = []
    for t in range(x.shape[0]):
        gi = w_ih @ x[t] + b_ih
        r = sigmoid(clamp(gi[:hidden] + w_hh[:hidden] @ h + b_hh[:hidden]))
        z = sigmoid(clamp(gi[hidden:2 * hidden] + w_hh[hidden:2 * hidden] @ h + b_hh[hidden:2 * hidden]))
        if linear_before_reset:
            hn = r * (w_hh[2 * hidden:] @ h + b_hh[2 * hidden:])
        else:
            hn = w_hh[2 * hidden:] @ (r * h) + b_hh[2 * hidden:]
        n = np.tanh(clamp(gi[2 * hidden:] + hn))
        h = (1 - z) * n + z * h
        rows.append(h)
    return np.array(rows), h

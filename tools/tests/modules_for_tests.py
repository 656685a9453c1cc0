"""Small PyTorch modules of the kinds users write, for the exporter tests.

They live in their own importable module so that ``torch.save(module)`` files
written by the tests can be loaded back by the command line (a pickled module
needs its class).  Every class defined here builds its layers after
``torch.manual_seed``, so its weights are the same in every run.  The
last-step classifier and the head on h_n are the ones the committed fixtures
are made from (tools/make_self_check.py), so that one definition serves both.
"""

import support  # noqa: F401  (the tools on sys.path)

import torch
import torch.nn as nn
import torch.nn.functional as F

from make_self_check import HiddenStateHead, LastStepClassifier  # noqa: F401

IN, HIDDEN, OUT = 3, 8, 4


class _Seeded(nn.Module):
    def __init__(self, seed=7):
        super().__init__()
        torch.manual_seed(seed)


class _GruThenLinear(_Seeded):
    """The children most of these modules have, registered in this order: gru (batch_first), then fc."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, OUT)


class MatchingChain(_GruThenLinear):
    """forward is exactly its children in registration order: GRU -> Linear -> Softmax."""

    def __init__(self):
        super().__init__()
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.softmax(self.fc(y))


class SoftmaxInForward(_GruThenLinear):
    """The issue's example: torch.softmax in forward, no Softmax child."""

    def forward(self, x):
        y, _ = self.gru(x)
        return torch.softmax(self.fc(y), dim=-1)


class ActivationOnInput(_GruThenLinear):
    """A functional activation on the input before the first child."""

    def forward(self, x):
        y, _ = self.gru(torch.tanh(x))
        return self.fc(y)


class ClampOnInput(_GruThenLinear):
    """A clamp on the input: the identity on the standard inputs (|x| < 4.5 there), visible
    only at x10."""

    def forward(self, x):
        y, _ = self.gru(x.clamp(-5.0, 5.0))
        return self.fc(y)


class ConstantFactor(_GruThenLinear):
    """A constant factor on the output."""

    def forward(self, x):
        y, _ = self.gru(x)
        return 3.0 * self.fc(y)


class RegisteredOutOfOrder(_Seeded):
    """Two square Linear layers registered in the opposite order to the one forward uses: the
    chain has compatible sizes either way."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, HIDDEN)
        self.proj = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.head(self.proj(y))


class TimeFirstTuple(_Seeded):
    """Time-first GRU; forward returns (output, h_n)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN)
        self.fc = nn.Linear(HIDDEN, OUT)

    def forward(self, x):
        y, h = self.gru(x)
        return self.fc(y), h


class NearlyTheChain(MatchingChain):
    """forward is the chain times (1 + 2^-20): inside the parity tolerance, yet not bit for bit
    the chain, so the stored self-check shows whose outputs it holds."""

    FACTOR = 1.0 + 2.0 ** -20

    def forward(self, x):
        return super().forward(x) * self.FACTOR


class TokenModel(_Seeded):
    """Embedding -> GRU -> Linear -> Softmax, token ids in."""

    VOCAB = 11

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(self.VOCAB, 5)
        self.gru = nn.GRU(5, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, self.VOCAB)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, tokens):
        y, _ = self.gru(self.embedding(tokens))
        return self.softmax(self.head(y))


class ReturnsStackedState(_Seeded):
    """forward returns h_n of a 2-layer GRU: [2, 1, H], not one output vector."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, num_layers=2, batch_first=True)

    def forward(self, x):
        _, h = self.gru(x)
        return h


class TransposesInput(_Seeded):
    """Takes x [batch, time, in] and transposes it for a time-first GRU: its first GRU's
    batch_first (False) is not how forward is called."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN)
        self.fc = nn.Linear(HIDDEN, OUT)

    def forward(self, x):
        y, _ = self.gru(x.transpose(0, 1))
        return self.fc(y.transpose(0, 1))


class LastStepTimesFactor(LastStepClassifier):
    """The last-step classifier times (1 + 2^-20): inside the parity tolerance, yet not bit for
    bit its children, so the stored self-check shows whose outputs it holds."""

    def forward(self, x):
        return super().forward(x) * NearlyTheChain.FACTOR


class SoftmaxTokenModel(TokenModel):
    """A token model whose softmax is torch.softmax in forward, not its Softmax child."""

    def __init__(self):
        super().__init__()
        del self.softmax

    def forward(self, tokens):
        y, _ = self.gru(self.embedding(tokens))
        return torch.softmax(self.head(y), dim=-1)


class FirstOfTuple(_Seeded):
    """Returns (y, fc(y)) with fc square: the first element, y, is the output."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x):
        y, _ = self.gru(x)
        return y, self.fc(y)


class LogitsSecond(_GruThenLinear):
    """Returns (y, fc(y)): from an ONNX file GruTiny compiles fc(y), the output computed
    furthest."""

    def forward(self, x):
        y, _ = self.gru(x)
        return y, self.fc(y)


class LearnedInitialState(_GruThenLinear):
    """Starts its GRU from a learned h0, which no layer of the file holds."""

    def __init__(self):
        super().__init__()
        self.h0 = nn.Parameter(torch.randn(1, 1, HIDDEN) * 0.5)

    def forward(self, x):
        y, _ = self.gru(x, self.h0)
        return self.fc(y)


class Stateful(_GruThenLinear):
    """Carries its GRU state from one call to the next."""

    def __init__(self):
        super().__init__()
        self.h = None

    def forward(self, x):
        y, h = self.gru(x, self.h)
        self.h = h.detach()
        return self.fc(y)


class FunctionalDropout(_GruThenLinear):
    """F.dropout with its default training=True: random even in eval mode."""

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(F.dropout(y, 0.1))


class LastWindow(_GruThenLinear):
    """Classifies the last 20 steps only: the same as its children on up to 20 steps."""

    def forward(self, x):
        y, _ = self.gru(x[:, -20:])
        return self.fc(y[:, -1])


class SecondToLastStep(_GruThenLinear):
    """Reads y[:, -2]: cannot run on a 1-step sequence."""

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(y[:, -2])


class NeedsLengths(_GruThenLinear):
    """forward takes a second, required argument."""

    def forward(self, x, lengths):
        y, _ = self.gru(x)
        return self.fc(y)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, batch_first=True)

    def forward(self, x):
        return self.gru(x)[0]


class NestedOwnModule(_Seeded):
    """Its GRU sits inside another module of the user's own."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.fc = nn.Linear(HIDDEN, OUT)

    def forward(self, x):
        return self.fc(self.encoder(x))


class UnusedParameters(_GruThenLinear):
    """Holds an unused head and an unused tensor parameter besides the layers forward uses."""

    def __init__(self):
        super().__init__()
        self.aux = nn.Linear(HIDDEN, 100)
        self.h0 = nn.Parameter(torch.zeros(1, 1, HIDDEN))

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(y)


class Dropouts(_Seeded):
    """Two-layer GRU with dropout between the layers and an nn.Dropout before the head: random
    only in training mode."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(IN, HIDDEN, num_layers=2, dropout=0.5, batch_first=True)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(HIDDEN, OUT)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.fc(self.dropout(y))

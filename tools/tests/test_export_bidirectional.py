"""The exporter on nn.GRU(bidirectional=True): the layer with its _reverse tensors, the parity check and the
self-check of a model that reads whole sequences (row t = the output at the last step of the first t + 1
steps), for a per-step forward, a classifier on the last step and a list of modules."""

import support
from support import ge

import unittest

import numpy as np
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, last=False):
        super().__init__()
        torch.manual_seed(3)
        self.gru = nn.GRU(3, 5, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(10, 2)
        self.last = last
        self.eval()

    def forward(self, x):
        y = self.gru(x)[0]
        return self.fc(y[:, -1] if self.last else y)


class BidirectionalExportTests(unittest.TestCase):
    def test_layers_hold_both_halves(self):
        m = Tagger()
        model = ge.export(m)
        grus = [l for l in model["layers"] if l["type"] == "gru"]
        self.assertEqual([l["direction"] for l in grus], ["bidirectional", "bidirectional"])
        self.assertEqual(len(grus[1]["weight_ih"][0]), 10)  # the second layer reads both directions
        self.assertEqual(np.float32(grus[0]["weight_hh_reverse"]).tolist(), m.gru.weight_hh_l0_reverse.detach().numpy().tolist())
        self.assertEqual(ge.parameter_count(model), sum(p.numel() for p in m.parameters()))

    def test_self_check_rows_are_the_last_step_of_each_prefix(self):
        for last in (False, True):
            m = Tagger(last)
            check = ge.export(m)["self_check"]["sequences"][0]
            x = torch.tensor(check["inputs"], dtype=torch.float32)
            with torch.no_grad():
                for t in (0, 7, len(x) - 1):
                    y = m(x[None, :t + 1])
                    want = (y[0] if last else y[0, -1]).numpy()
                    np.testing.assert_allclose(check["outputs"][t], want, rtol=1e-6, atol=1e-6)
            if not last:  # row t is not step t of the whole sequence: later steps change a bidirectional output
                with torch.no_grad():
                    whole = m(x[None])[0, 0].numpy()
                self.assertGreater(np.abs(np.float32(check["outputs"][0]) - whole).max(), 1e-4)

    def test_a_list_of_modules_exports_too(self):
        torch.manual_seed(4)
        gru, fc = nn.GRU(3, 4, bidirectional=True), nn.Linear(8, 2)
        model = ge.export([gru, fc])
        self.assertEqual(model["layers"][0]["direction"], "bidirectional")
        self.assertIn("self_check", model)

    def test_the_self_check_fits_the_build_budget_of_a_model_that_reads_whole_sequences(self):
        # 2 sequences of 16 steps cost 2 x 136 prefix steps: about 235k parameters fit, 300k do not.
        self.assertEqual(ge._self_check_size(300_000, whole=False), (2, 16))
        sequences, steps = ge._self_check_size(300_000, whole=True)
        self.assertLessEqual(sequences * steps * (steps + 1) // 2 * 300_000, ge.SELF_CHECK_MAX_WORK)
        self.assertGreater(sequences * (steps + 1) * (steps + 2) // 2 * 300_000, ge.SELF_CHECK_MAX_WORK)

    def test_a_wrong_head_width_is_refused(self):
        with self.assertRaisesRegex(ValueError, "expects 5 inputs but receives 10"):
            ge.export([nn.GRU(3, 5, bidirectional=True), nn.Linear(5, 2)])


if __name__ == "__main__":
    unittest.main()

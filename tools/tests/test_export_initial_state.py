"""The exporter on a learned initial state: stored when given (initial_state=, --initial-state), never
guessed; a forward that uses one the exporter was not given fails the parity check naming it."""

import os
import tempfile

import support
from support import ge

import unittest

import numpy as np
import torch
import torch.nn as nn


class LearnedH0(nn.Module):
    def __init__(self, layers=1, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.gru = nn.GRU(3, 5, num_layers=layers, batch_first=True)
        self.head = nn.Linear(5, 2)
        self.h0 = nn.Parameter(torch.randn(layers, 1, 5))
        self.eval()

    def forward(self, x):
        return self.head(self.gru(x, self.h0.expand(-1, x.size(0), -1).contiguous())[0])


class InitialStateExportTests(unittest.TestCase):
    def test_initial_state_is_stored_per_layer_and_checked_against_forward(self):
        m = LearnedH0(layers=2)
        model = ge.export(m, initial_state=m.h0)
        grus = [l for l in model["layers"] if l["type"] == "gru"]
        for k, layer in enumerate(grus):
            self.assertEqual(np.float32(layer["initial_state"]).tolist(), m.h0[k, 0].detach().numpy().tolist())
        self.assertIn("self_check", model)

    def test_a_dict_keyed_by_the_gru_module_works_too(self):
        m = LearnedH0()
        model = ge.export(m, initial_state={m.gru: m.h0[:, 0]})
        self.assertIn("initial_state", model["layers"][0])

    def test_without_it_the_parity_check_names_the_parameter_and_the_way_forward(self):
        m = LearnedH0()
        with self.assertRaises(ValueError) as caught:
            ge.export(m)
        message = str(caught.exception)
        self.assertIn("LearnedH0.h0 [1, 1, 5]", message)
        self.assertIn("initial_state=model.h0", message)

    def test_a_wrong_shape_or_a_single_tensor_for_several_grus_is_refused(self):
        m = LearnedH0(layers=2)
        with self.assertRaisesRegex(ValueError, r"expected \[2, 1, 5\]"):
            ge.export(m, initial_state=torch.zeros(1, 1, 5))
        with self.assertRaisesRegex(ValueError, "not one of the model's nn.GRU"):
            ge.export(m, initial_state={m.head: m.h0})

    def test_a_list_of_modules_takes_no_initial_state(self):
        m = LearnedH0()
        with self.assertRaisesRegex(ValueError, "export the module whose forward uses the initial state"):
            ge.export([m.gru, m.head], initial_state=m.h0)

    def test_a_zero_initial_state_is_left_out(self):
        layer = ge.gru_layer([[0.1]] * 3, [[0.2]] * 3, initial_state=[0.0])
        self.assertNotIn("initial_state", layer)
        with self.assertRaisesRegex(ValueError, "clip must be a finite number greater than 0"):
            ge.gru_layer([[0.1]] * 3, [[0.2]] * 3, clip=0)

    def test_command_line_initial_state(self):
        m = LearnedH0()
        with tempfile.TemporaryDirectory() as d:
            saved, out = os.path.join(d, "m.pt"), os.path.join(d, "m.gru.json")
            torch.save(m, saved)
            self.assertEqual(ge.main([saved, out, "--initial-state", "gru=h0"]), 0)
            self.assertEqual(ge.main([saved, out, "--initial-state", "gru=nope"]), 1)


if __name__ == "__main__":
    unittest.main()

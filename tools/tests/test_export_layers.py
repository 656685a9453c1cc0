"""The exporter on layers in any order: nn.Linear before and between GRUs, nn.LayerNorm, nn.BatchNorm1d
(eval) and the activation modules; what it refuses, and that a user's forward that differs from its
children is still caught."""

import support
from support import ge

import unittest
import warnings

import torch
import torch.nn as nn


class Front(nn.Module):
    """An own module: Linear + GELU, LayerNorm, GRU, BatchNorm1d on the per-step rows, PReLU, Linear."""

    def __init__(self, scale_in_forward=1.0):
        super().__init__()
        self.fc_in = nn.Linear(4, 6)
        self.act_in = nn.GELU()
        self.norm = nn.LayerNorm(6)
        self.gru = nn.GRU(6, 7, batch_first=True)
        self.bn = nn.BatchNorm1d(7)
        self.prelu = nn.PReLU(7)
        self.head = nn.Linear(7, 2)
        self.scale_in_forward = scale_in_forward
        with torch.no_grad():
            self.bn.running_mean.uniform_(-0.5, 0.5)
            self.bn.running_var.uniform_(0.5, 2.0)
        self.eval()

    def forward(self, x):
        y, _ = self.gru(self.norm(self.act_in(self.fc_in(x))))
        y = self.bn(y.transpose(1, 2)).transpose(1, 2)
        y = y * self.scale_in_forward
        # nn.PReLU(7) takes dimension 1 as its channels: per-step rows [N·T, 7].
        return self.head(self.prelu(y.reshape(-1, 7)).reshape(y.shape))


class LayersInAnyOrder(unittest.TestCase):
    def test_own_module_with_norms_and_activations_exports_and_checks_itself(self):
        torch.manual_seed(3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ge.ExportWarning)
            m = ge.export(Front())
        kinds = [layer["type"] for layer in m["layers"]]
        self.assertEqual(kinds, ["dense", "layer_norm", "gru", "batch_norm", "activation", "dense"])
        self.assertEqual(m["layers"][0]["activation"], "gelu")
        self.assertEqual(m["layers"][4]["activation"]["type"], "prelu")
        self.assertEqual(len(m["layers"][4]["activation"]["weight"]), 7)
        self.assertEqual(m["input_size"], 4)
        self.assertIn("self_check", m)

    def test_a_forward_that_differs_from_its_children_is_refused(self):
        torch.manual_seed(3)
        with self.assertRaises(ValueError) as e:
            ge.export(Front(scale_in_forward=2.0))
        self.assertIn("does not compute what its child modules compute", str(e.exception))

    def test_batch_norm_in_training_mode_is_refused(self):
        bn = nn.BatchNorm1d(3)  # a new module is in training mode
        with self.assertRaises(ValueError) as e:
            ge.export([nn.GRU(2, 3), bn, nn.Linear(3, 1)], self_check=False)
        self.assertIn("training mode", str(e.exception))
        self.assertIn(".eval()", str(e.exception))

    def test_batch_norm_without_running_statistics_is_refused(self):
        bn = nn.BatchNorm1d(3, track_running_stats=False).eval()
        with self.assertRaises(ValueError) as e:
            ge.export([nn.GRU(2, 3), bn], self_check=False)
        self.assertIn("track_running_stats=False", str(e.exception))

    def test_layer_norm_over_more_than_the_features_is_refused(self):
        with self.assertRaises(ValueError) as e:
            ge.export([nn.GRU(2, 3), nn.LayerNorm((2, 3))], self_check=False)
        self.assertIn("normalized_shape [2, 3]", str(e.exception))

    def test_a_model_without_a_gru_is_refused(self):
        with self.assertRaises(ValueError) as e:
            ge.export([nn.Linear(2, 3), nn.ReLU()], self_check=False)
        self.assertIn("no nn.GRU", str(e.exception))

    def test_lstm_and_conv_are_refused_with_the_way_forward(self):
        with self.assertRaises(ValueError) as e:
            ge.export([nn.LSTM(2, 3)], self_check=False)
        self.assertIn("train the model with nn.GRU", str(e.exception))
        with self.assertRaises(ValueError) as e:
            ge.export([nn.Conv1d(2, 2, 3), nn.GRU(2, 3)], self_check=False)
        self.assertIn("no convolution layers yet", str(e.exception))

    def test_a_head_on_the_last_layers_final_state_exports(self):
        class LastState(nn.Module):
            def __init__(self):
                super().__init__()
                self.gru = nn.GRU(3, 5, num_layers=2, batch_first=True)
                self.fc = nn.Linear(5, 2)

            def forward(self, x):
                _, h = self.gru(x)
                return self.fc(h[-1])

        torch.manual_seed(4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ge.ExportWarning)
            m = ge.export(LastState())
        self.assertEqual([layer["type"] for layer in m["layers"]], ["gru", "gru", "dense"])

    def test_hardsigmoid_is_written_with_pytorchs_slope(self):
        m = ge.export([nn.GRU(2, 3), nn.Hardsigmoid()], self_check=False)
        act = m["layers"][1]["activation"]
        self.assertEqual(act["type"], "hardsigmoid")
        self.assertAlmostEqual(act["alpha"], 1 / 6, places=7)
        self.assertEqual(act["beta"], 0.5)

    def test_model_checks_widths_of_elementwise_layers(self):
        gru = ge.gru_layer(torch.zeros(9, 2), torch.zeros(9, 3))
        with self.assertRaises(ValueError) as e:
            ge.model(2, [gru, ge.layer_norm_layer(1e-5, torch.ones(4))])
        self.assertIn("holds 4 values per feature vector but receives 3 features", str(e.exception))


if __name__ == "__main__":
    unittest.main()

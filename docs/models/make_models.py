"""Writes the one-unit LSTM and GRU used in docs/lstm.md and docs/gru.md as safetensors (F64, plain Python).

    python3 docs/models/make_models.py

Weights are chosen by hand so the worked examples have short numbers; gate order is PyTorch's
(LSTM i, f, g, o; GRU r, z, n), shapes (G*H, I) for weight_ih, (G*H, H) for weight_hh.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def save(path, cell, tensors):
    header, blob = {}, b""
    for name, (shape, values) in tensors.items():
        data = struct.pack("<%dd" % len(values), *values)
        header[name] = {"dtype": "F64", "shape": shape, "data_offsets": [len(blob), len(blob) + len(data)]}
        blob += data
    header["__metadata__"] = {"format": "pt", "format_version": "1", "producer": "docs/models/make_models.py",
                              "cell": cell, "input_size": "1", "hidden_size": "1", "num_layers": "1", "output_size": "1"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + blob)


save(os.path.join(HERE, "lstm_one_unit.safetensors"), "lstm", {
    "rnn.weight_ih_l0": ([4, 1], [1.5, 0.25, 2.0, 1.0]),     # W_ii, W_if, W_ig, W_io
    "rnn.weight_hh_l0": ([4, 1], [0.5, 0.5, -1.0, 0.5]),     # W_hi, W_hf, W_hg, W_ho
    "rnn.bias_ih_l0": ([4], [0.0, 1.0, 0.0, 0.0]),           # a forget bias of 1: f starts open
    "rnn.bias_hh_l0": ([4], [0.0, 0.0, 0.0, 0.0]),
    "head.weight": ([1, 1], [1.25]),
    "head.bias": ([1], [0.0]),
})
save(os.path.join(HERE, "gru_one_unit.safetensors"), "gru", {
    "rnn.weight_ih_l0": ([3, 1], [1.0, 0.5, 2.0]),           # W_ir, W_iz, W_in
    "rnn.weight_hh_l0": ([3, 1], [0.5, 1.0, -1.0]),          # W_hr, W_hz, W_hn
    "rnn.bias_ih_l0": ([3], [0.0, 0.0, 0.0]),                # b_ir, b_iz, b_in
    "rnn.bias_hh_l0": ([3], [0.0, 0.0, 0.5]),                # b_hr, b_hz, b_hn (inside the reset)
    "head.weight": ([1, 1], [1.25]),
    "head.bias": ([1], [0.0]),
})

#!/usr/bin/env python3
"""Prints a DASS / DARTS search's architecture weights from a run checkpoint (.npta): per cell type and edge,
the softmax weight of each operation, strongest first (the derivation takes the strongest non-none one).
Report material, stdlib only. Usage: dass-alphas.py CHECKPOINT.npta [TOP]"""
import math
import sys

from npta import TensorFile

OPERATIONS = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"]
checkpoint = TensorFile(sys.argv[1])
top = int(sys.argv[2]) if len(sys.argv) > 2 else 4
found = False
for tensor in checkpoint.tensors:
    name = tensor["name"]
    # The logits themselves, not their optimiser's state.
    if not name.startswith("search.model.alphas_"):
        continue
    found = True
    edges, count = tensor["shape"]
    values = checkpoint.floats(tensor)
    print(f"{name.split('.')[-1]} (uniform would be {1 / count:.3f})")
    for edge in range(edges):
        logits = values[edge * count:(edge + 1) * count]
        peak = max(logits)
        weights = [math.exp(v - peak) for v in logits]
        total = sum(weights)
        weights = [w / total for w in weights]
        order = sorted(range(count), key=lambda i: -weights[i])
        ranked = "  ".join(f"{OPERATIONS[i]} {weights[i]:.3f}" for i in order[:top])
        print(f"  edge {edge:2d}: {ranked}  (weakest {min(weights):.3f})")
if not found:
    sys.exit(f"{sys.argv[1]}: no search.model.alphas_* tensors (not a search checkpoint)")

#!/usr/bin/env python3
"""Counts, in a pruned model file (.npta), the convolution filters whose weights are all zero, by kind:
depthwise k x k (one input channel per filter, not the stem), other k x k, and 1 x 1. A per-layer sparsity
(DASS, HYDRA) removes the same share from every layer, so small layers such as a 16-channel depthwise conv
lose whole filters; a global threshold (magnitude pruning) does not have to. Report material, stdlib only.
Usage: dead-filters.py MODEL.npta"""
import sys

from npta import TensorFile

model = TensorFile(sys.argv[1])
counts = {}
for tensor in model.tensors:
    shape = tensor["shape"]
    if not tensor["name"].endswith(".weight") or len(shape) != 4 or tensor["dtype"] != "Float32":
        continue
    values = model.floats(tensor)
    if shape[2] == 1:
        kind = "1x1"
    elif shape[1] == 1 and not tensor["name"].startswith("stem"):
        kind = "depthwise"
    else:
        kind = "kxk"
    per_filter = len(values) // shape[0]
    dead = sum(1 for o in range(shape[0]) if not any(values[o * per_filter:(o + 1) * per_filter]))
    c = counts.setdefault(kind, [0, 0, 0, 0])
    c[0] += dead
    c[1] += shape[0]
    c[2] += sum(1 for v in values if v != 0)
    c[3] += len(values)
for kind, (dead, filters, nonzero, weights) in sorted(counts.items()):
    print(f"{kind}: {dead} of {filters} filters all zero ({100 * dead / filters:.1f} %); {nonzero} of {weights} weights non-zero")

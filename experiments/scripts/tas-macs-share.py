#!/usr/bin/env python3
"""Prints the share of its unpruned network's MACs that a finished TAS run's derived network keeps
(result.json: macsPerImage / unpruned.macs): the MACs target of the L1 baseline in proofs.jobs."""
import json
import sys

result = json.load(open(sys.argv[1]))
print(result["macsPerImage"] / result["unpruned"]["macs"])

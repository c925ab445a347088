"""Reads NasPrune's tensor files (.npta, supernet/Serialization/TensorArchive.cs) for the report scripts,
stdlib only: magic "NPTA", u32 version, u32 header length, JSON header, then the raw little-endian tensors.
The sidecar checksum is not checked here; the product's reader does that."""
import array
import json
import struct
import sys


class TensorFile:
    def __init__(self, path):
        self.path = path
        self._data = open(path, "rb").read()
        if self._data[:4] != b"NPTA":
            sys.exit(f"{path}: not a NasPrune tensor file (no NPTA magic)")
        length = struct.unpack("<I", self._data[8:12])[0]
        header = json.loads(self._data[12:12 + length])
        self._base = 12 + length
        self.metadata = header.get("metadata", {})
        self.tensors = header["tensors"]   # entries: name, dtype, shape, offset, bytes

    def floats(self, tensor):
        """A Float32 tensor's values, flat, in row-major order."""
        if tensor["dtype"] != "Float32":
            sys.exit(f"{self.path}: tensor {tensor['name']} is {tensor['dtype']}, not Float32")
        values = array.array("f")
        start = self._base + tensor["offset"]
        values.frombytes(self._data[start:start + tensor["bytes"]])
        return values

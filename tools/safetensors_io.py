"""Minimal safetensors reader/writer in pure Python (struct + json + numpy).

Format (https://github.com/huggingface/safetensors):
  u64 little-endian N | N bytes of JSON header | raw little-endian tensor data
  header = {name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
            "__metadata__": {str: str}}
Offsets are relative to the start of the data section. We lay tensors out contiguously in sorted-name
order and pad the header with spaces so the data starts 8-byte aligned (as safetensors.torch does).

    save_file({"w": torch.ones(2, 3)}, "m.safetensors", metadata={"k": "v"})
    tensors, metadata = load_file("m.safetensors")
"""

import json
import struct

import numpy as np
import torch

# dtype tag -> (torch dtype, numpy dtype used for the raw bytes, bytes per element)
_DTYPES = {
    "F32": (torch.float32, np.dtype("<f4"), 4),
    "F64": (torch.float64, np.dtype("<f8"), 8),
    "F16": (torch.float16, np.dtype("<f2"), 2),
    "BF16": (torch.bfloat16, np.dtype("<i2"), 2),  # numpy has no bfloat16: move the raw bits
    "I64": (torch.int64, np.dtype("<i8"), 8),
    "I32": (torch.int32, np.dtype("<i4"), 4),
}
_TAG = {torch_dtype: tag for tag, (torch_dtype, _, _) in _DTYPES.items()}


def _tensor_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()


def save_file(tensors, path, metadata=None):
    """Write `tensors` ({name: torch.Tensor}) to `path` with optional {str: str} `metadata`."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"tensor {name!r}: expected torch.Tensor, got {type(t).__name__}")
        if t.dtype not in _TAG:
            raise TypeError(f"tensor {name!r}: unsupported dtype {t.dtype} (supported: {sorted(_DTYPES)})")
        data = _tensor_bytes(t)
        header[name] = {
            "dtype": _TAG[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    if metadata is not None:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError(f"metadata must map str to str, got {k!r}: {type(v).__name__}")
        header["__metadata__"] = dict(metadata)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((8 - (8 + len(header_bytes)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in chunks:
            f.write(data)


def load_file(path):
    """Read `path`; returns ({name: torch.Tensor}, metadata dict (empty if none))."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short for a safetensors file ({len(raw)} bytes)")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} exceeds file size {len(raw)}")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    data = memoryview(raw)[8 + n :]
    tensors = {}
    for name, info in header.items():
        tag = info["dtype"]
        if tag not in _DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {tag}")
        torch_dtype, np_dtype, size = _DTYPES[tag]
        shape = [int(d) for d in info["shape"]]
        begin, end = info["data_offsets"]
        count = int(np.prod(shape, dtype=np.int64))
        if not (0 <= begin <= end <= len(data)) or end - begin != count * size:
            raise ValueError(
                f"{path}: tensor {name!r} offsets {[begin, end]} do not fit dtype {tag} x shape {shape} "
                f"in a data section of {len(data)} bytes"
            )
        arr = np.frombuffer(data[begin:end], dtype=np_dtype, count=count).astype(np_dtype.newbyteorder("="))
        t = torch.from_numpy(arr.copy()).reshape(shape)
        if torch_dtype == torch.bfloat16:
            t = t.view(torch.bfloat16)
        tensors[name] = t
    return tensors, metadata

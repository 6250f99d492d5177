#!/usr/bin/env python3
"""Convert a CTranslate2 (faster-whisper) Whisper model directory to a whisper.cpp ggml file.

Usage: python3 scripts/ct2_to_ggml.py [--quantize {f16,q8_0,q5_0,q5_1}] MODEL_DIR OUT.bin

The format rules live in shared/MODEL.md (whisper.cpp 1.7.1 loader); section
numbers below refer to it. --quantize picks the type of the 2-D weight matrices
(default f16); the quantized layouts follow whisper.cpp's examples/quantize (see
"Quantization" below). Every input is checked: a surprise ends the run with
one line naming the problem and exit status 1, and nothing is left at OUT.bin.
The file is written under a temporary name, read back and verified, then renamed.
Needs numpy only.
"""

import argparse
import json
import math
import os
import re
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import numpy as np
except ImportError:  # a clear message beats a traceback for the one dependency
    sys.exit("ct2_to_ggml: error: numpy is missing (scripts/ensure-model.sh installs it "
             "into .cache/pydeps; run with PYTHONPATH=.cache/pydeps)")

CT2_BINARY_VERSION = 6
CT2_SPEC_NAME = "WhisperSpec"
CT2_SPEC_REVISION = 3

GGML_MAGIC = 0x67676D6C

# ggml tensor types (ggml.h enum ggml_type). Each stores blocks of `block` values
# (ggml_blck_size) in `block_bytes` bytes (ggml_type_size), blocks running along the
# fastest axis; the records are ggml-common.h's block_q8_0, block_q5_0, block_q5_1.
GGML_TYPE_F32, GGML_TYPE_F16 = 0, 1
GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q8_0 = 6, 7, 8


@dataclass(frozen=True)
class GgmlType:
    name: str
    block: int        # values per block
    block_bytes: int  # bytes per block


GGML_TYPES = {
    GGML_TYPE_F32: GgmlType("F32", 1, 4),
    GGML_TYPE_F16: GgmlType("F16", 1, 2),
    GGML_TYPE_Q5_0: GgmlType("Q5_0", 32, 22),  # fp16 d, u32 high bits, 16 bytes of nibbles
    GGML_TYPE_Q5_1: GgmlType("Q5_1", 32, 24),  # fp16 d, fp16 m, u32 high bits, 16 bytes
    GGML_TYPE_Q8_0: GgmlType("Q8_0", 32, 34),  # fp16 d, 32 int8
}


@dataclass(frozen=True)
class Quantization:
    """A --quantize choice: the header's file type and the type of the 2-D weights."""
    ftype: int  # ggml.h enum ggml_ftype
    wtype: int  # what whisper_model_load derives from ftype for the 2-D weights

    @property
    def header_ftype(self):
        # examples/quantize writes ftype + GGML_QNT_VERSION (2) * GGML_QNT_VERSION_FACTOR
        # (1000); whisper_model_load keeps ftype % 1000. convert-pt-to-ggml writes plain 1.
        return self.ftype if self.wtype == GGML_TYPE_F16 else 2 * 1000 + self.ftype


QUANTIZATIONS = {
    "f16": Quantization(1, GGML_TYPE_F16),    # GGML_FTYPE_MOSTLY_F16
    "q8_0": Quantization(7, GGML_TYPE_Q8_0),  # GGML_FTYPE_MOSTLY_Q8_0
    "q5_0": Quantization(8, GGML_TYPE_Q5_0),  # GGML_FTYPE_MOSTLY_Q5_0
    "q5_1": Quantization(9, GGML_TYPE_Q5_1),  # GGML_FTYPE_MOSTLY_Q5_1
}

SAMPLE_RATE = 16000
N_FFT_BINS = 201  # whisper's 400-point FFT keeps 201 bins
KEY_BIAS_TOLERANCE = 1e-6

# CTranslate2 dtype codes (§1): name, numpy dtype of the stored bits.
CT2_DTYPES = {
    0: ("float32", np.dtype("<f4")),
    1: ("int8", np.dtype("i1")),
    2: ("int16", np.dtype("<i2")),
    3: ("int32", np.dtype("<i4")),
    4: ("float16", np.dtype("<f2")),
    5: ("bfloat16", np.dtype("<u2")),
}

TOKEN_EOT = "<|endoftext|>"
TOKEN_SOT = "<|startoftranscript|>"
TOKEN_NO_TIMESTAMPS = "<|notimestamps|>"


class ConversionError(Exception):
    """A problem with the input; its message is printed as the one-line error."""


# ---------------------------------------------------------------------------
# CTranslate2 model.bin (§1)


@dataclass(frozen=True)
class Variable:
    name: str
    shape: tuple
    dtype_code: int
    data: np.ndarray  # flat view of the stored bits

    @property
    def dtype_name(self):
        return CT2_DTYPES[self.dtype_code][0]


class _Reader:
    """Little-endian cursor that reports truncation with what it was reading."""

    def __init__(self, buf, path):
        self.buf = buf
        self.path = path
        self.pos = 0

    def take(self, n, what):
        if self.pos + n > len(self.buf):
            raise ConversionError(
                f"{self.path}: truncated file: {what} needs {n} bytes at offset {self.pos}, "
                f"file has {len(self.buf)}")
        start = self.pos
        self.pos += n
        return start

    def unpack(self, fmt, what):
        size = struct.calcsize(fmt)
        return struct.unpack_from(fmt, self.buf, self.take(size, what))[0]

    def string(self, what):
        # u16 length that counts the trailing NUL, then the bytes, then the NUL
        length = self.unpack("<H", what)
        raw = bytes(self.buf[self.take(length, what):self.pos])
        if length == 0 or raw[-1] != 0:
            raise ConversionError(f"{self.path}: {what} at offset {self.pos - length} "
                                  "is not NUL-terminated")
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise ConversionError(f"{self.path}: {what} is not UTF-8: {raw[:-1]!r}") from None


class Ct2Model:
    """The variables of a model.bin, aliases resolved on lookup."""

    def __init__(self, variables, aliases):
        self.variables = variables
        self.aliases = aliases

    def get(self, name):
        var = self.variables.get(self.aliases.get(name, name))
        if var is None:
            raise ConversionError(f"missing variable {name}")
        return var

    def has(self, name):
        return self.aliases.get(name, name) in self.variables


def read_ct2_model(path):
    buf = Path(path).read_bytes()
    r = _Reader(buf, path)
    version = r.unpack("<I", "binary version")
    if version != CT2_BINARY_VERSION:
        raise ConversionError(f"{path}: unknown binary version {version} "
                              f"(expected {CT2_BINARY_VERSION})")
    spec = r.string("spec name")
    if spec != CT2_SPEC_NAME:
        raise ConversionError(f"{path}: unknown spec {spec!r} (expected {CT2_SPEC_NAME})")
    revision = r.unpack("<I", "spec revision")
    if revision != CT2_SPEC_REVISION:
        raise ConversionError(f"{path}: unknown spec revision {revision} "
                              f"(expected {CT2_SPEC_REVISION})")

    variables = {}
    for index in range(r.unpack("<I", "variable count")):
        var = _read_variable(r, f"variable #{index}")
        if var.name in variables:
            raise ConversionError(f"{path}: variable {var.name} appears twice")
        variables[var.name] = var

    aliases = {}
    for index in range(r.unpack("<I", "alias count")):
        alias = r.string(f"alias #{index}")
        aliases[alias] = r.string(f"target of alias {alias}")
    if r.pos != len(buf):
        raise ConversionError(f"{path}: {len(buf) - r.pos} trailing bytes after the aliases "
                              f"(offset {r.pos})")
    return Ct2Model(variables, aliases)


def _read_variable(r, what):
    name = r.string(f"name of {what}")
    rank = r.unpack("<B", f"rank of {name}")
    shape = tuple(r.unpack("<I", f"shape of {name}") for _ in range(rank))
    code = r.unpack("<B", f"dtype of {name}")
    if code not in CT2_DTYPES:
        raise ConversionError(f"{name}: unknown dtype code {code}")
    dtype = CT2_DTYPES[code][1]
    nbytes = r.unpack("<I", f"byte count of {name}")
    count = math.prod(shape)
    if nbytes != count * dtype.itemsize:
        raise ConversionError(f"{name}: byte count {nbytes} does not match shape {list(shape)} "
                              f"of {CT2_DTYPES[code][0]} ({count * dtype.itemsize} bytes)")
    data = np.frombuffer(r.buf, dtype=dtype, count=count, offset=r.take(nbytes, f"data of {name}"))
    return Variable(name, shape, code, data)


# ---------------------------------------------------------------------------
# Values (§4)


def scalar_int(model, name):
    var = model.get(name)
    if var.shape != () or var.dtype_name not in ("int8", "int16", "int32"):
        raise ConversionError(f"{name}: expected an integer scalar, found {var.dtype_name} "
                              f"shape {list(var.shape)}")
    return int(var.data[0])


def to_float32(model, name):
    """The variable as a float32 array of its shape, dequantized where needed."""
    var = model.get(name)
    stored = var.data.reshape(var.shape)
    kind = var.dtype_name
    if kind in ("float32", "float16"):
        values = stored.astype(np.float32)
    elif kind == "bfloat16":
        values = (stored.astype(np.uint32) << 16).view(np.float32)
    elif kind == "int8":
        # one scale per output row (per output channel for conv weights); CTranslate2
        # stores q = round(w * scale), so dividing undoes it
        scale = _float_scale(model, name, var.shape[:1])
        values = stored.astype(np.float32) / scale.reshape((-1,) + (1,) * (stored.ndim - 1))
    elif kind == "int16":
        values = stored.astype(np.float32) / _float_scale(model, name, ())
    else:
        raise ConversionError(f"{name}: unexpected dtype {kind} for a weight")
    if not np.all(np.isfinite(values)):
        raise ConversionError(f"{name}: contains non-finite values")
    return values


def _float_scale(model, name, shape):
    scale_name = f"{name}_scale"
    if not model.has(scale_name):
        raise ConversionError(f"missing variable {scale_name} (needed to dequantize {name})")
    scale = model.get(scale_name)
    if scale.dtype_name not in ("float32", "float16", "bfloat16") or scale.shape != shape:
        raise ConversionError(f"{scale_name}: expected {list(shape)} float, found "
                              f"{scale.dtype_name} {list(scale.shape)}")
    return to_float32(model, scale_name)


# ---------------------------------------------------------------------------
# Dimensions (§2)


@dataclass(frozen=True)
class Dims:
    n_vocab: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int
    n_mels: int

    def hparams(self, quant):
        """The eleven ints of the ggml header, in file order (§5.2)."""
        return (self.n_vocab, self.n_audio_ctx, self.n_audio_state, self.n_audio_head,
                self.n_audio_layer, self.n_text_ctx, self.n_text_state, self.n_text_head,
                self.n_text_layer, self.n_mels, quant.header_ftype)

    @property
    def multilingual(self):
        return self.n_vocab >= 51865  # whisper.cpp's own test

    def tensor_count(self):
        return 11 + 15 * self.n_audio_layer + 24 * self.n_text_layer


def read_dims(model):
    conv1 = _shape_of_rank(model, "encoder/conv1/weight", 3)
    d, n_mels, _ = conv1
    heads = {side: scalar_int(model, f"{side}/num_heads") for side in ("encoder", "decoder")}
    for side, n in heads.items():
        if n <= 0 or d % n:
            raise ConversionError(f"{side}/num_heads = {n} does not divide the state size {d}")
    return Dims(
        n_vocab=_shape_of_rank(model, "decoder/embeddings/weight", 2)[0],
        n_audio_ctx=_shape_of_rank(model, "encoder/position_encodings/encodings", 2)[0],
        n_audio_state=d,
        n_audio_head=heads["encoder"],
        n_audio_layer=_count_layers(model, "encoder"),
        n_text_ctx=_shape_of_rank(model, "decoder/position_encodings/encodings", 2)[0],
        n_text_state=d,
        n_text_head=heads["decoder"],
        n_text_layer=_count_layers(model, "decoder"),
        n_mels=n_mels,
    )


def _shape_of_rank(model, name, rank):
    shape = model.get(name).shape
    if len(shape) != rank:
        raise ConversionError(f"{name}: expected rank {rank}, found shape {list(shape)}")
    return shape


def _count_layers(model, side):
    pattern = re.compile(rf"{side}/layer_(\d+)/")
    found = {int(m.group(1)) for m in map(pattern.match, model.variables) if m}
    if not found or found != set(range(len(found))):
        raise ConversionError(f"{side}: layers must be numbered 0..n-1, found {sorted(found)}")
    return len(found)


# ---------------------------------------------------------------------------
# Tensor plan (§3)


@dataclass(frozen=True)
class Tensor:
    name: str            # whisper.cpp name
    source: str          # CTranslate2 variable
    source_shape: tuple  # what the source must be
    shape: tuple         # row-major shape written; ggml dims are this reversed
    big: bool            # a weight whisper.cpp stores narrow (F16 or quantized), not F32
    rows: tuple = None   # (start, stop) along the source's first axis, for fused q/k/v


@dataclass(frozen=True)
class MustBeZero:
    """A key-bias slice that whisper.cpp has no tensor for; zeros prove the split order."""
    source: str
    source_shape: tuple
    rows: tuple


def plan(dims):
    """Every tensor to write, and every slice that must be zero, in file order."""
    d, v = dims.n_audio_state, dims.n_vocab
    tensors, zeros = [], []
    conv1 = (d, dims.n_mels, 3)
    conv2 = (d, d, 3)
    tensors += [
        Tensor("encoder.conv1.weight", "encoder/conv1/weight", conv1, conv1, True),
        # whisper.cpp declares conv biases 2-D [1, d]
        Tensor("encoder.conv1.bias", "encoder/conv1/bias", (d,), (d, 1), False),
        Tensor("encoder.conv2.weight", "encoder/conv2/weight", conv2, conv2, True),
        Tensor("encoder.conv2.bias", "encoder/conv2/bias", (d,), (d, 1), False),
        _copy("encoder.positional_embedding", "encoder/position_encodings/encodings",
              (dims.n_audio_ctx, d), False),
    ]
    tensors += _layer_norm("encoder/layer_norm", "encoder.ln_post", d)
    for i in range(dims.n_audio_layer):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        tensors += _self_attention(f"{src}/self_attention", dst, d, zeros)
        tensors += _mlp(f"{src}/ffn", dst, d)

    tensors += [
        _copy("decoder.token_embedding.weight", "decoder/embeddings/weight", (v, d), True),
        _copy("decoder.positional_embedding", "decoder/position_encodings/encodings",
              (dims.n_text_ctx, d), False),
    ]
    tensors += _layer_norm("decoder/layer_norm", "decoder.ln", d)
    for i in range(dims.n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        tensors += _self_attention(f"{src}/self_attention", dst, d, zeros)
        tensors += _cross_attention(f"{src}/attention", dst, d, zeros)
        tensors += _mlp(f"{src}/ffn", dst, d)
    return tensors, zeros


def _copy(name, source, shape, big):
    return Tensor(name, source, shape, shape, big)


def _layer_norm(src, dst, d):
    return [_copy(f"{dst}.weight", f"{src}/gamma", (d,), False),
            _copy(f"{dst}.bias", f"{src}/beta", (d,), False)]


def _linear(src, dst, n_out, n_in):
    # [out, in] row-major on both sides: never transpose
    return [_copy(f"{dst}.weight", f"{src}/weight", (n_out, n_in), True),
            _copy(f"{dst}.bias", f"{src}/bias", (n_out,), False)]


def _fused(src, dsts, d, zeros):
    """Split a fused [k*d, d] projection into d-row parts; a key part loses its bias."""
    weight, bias = f"{src}/weight", f"{src}/bias"
    fused = len(dsts) * d
    out = []
    for part, dst in enumerate(dsts):
        rows = (part * d, (part + 1) * d)
        out.append(Tensor(f"{dst}.weight", weight, (fused, d), (d, d), True, rows))
        if dst.endswith(".key"):
            zeros.append(MustBeZero(bias, (fused,), rows))
        else:
            out.append(Tensor(f"{dst}.bias", bias, (fused,), (d,), False, rows))
    return out


def _self_attention(src, dst, d, zeros):
    return (_layer_norm(f"{src}/layer_norm", f"{dst}.attn_ln", d)
            + _fused(f"{src}/linear_0", [f"{dst}.attn.query", f"{dst}.attn.key",
                                         f"{dst}.attn.value"], d, zeros)
            + _linear(f"{src}/linear_1", f"{dst}.attn.out", d, d))


def _cross_attention(src, dst, d, zeros):
    return (_layer_norm(f"{src}/layer_norm", f"{dst}.cross_attn_ln", d)
            + _linear(f"{src}/linear_0", f"{dst}.cross_attn.query", d, d)
            + _fused(f"{src}/linear_1", [f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"],
                     d, zeros)
            + _linear(f"{src}/linear_2", f"{dst}.cross_attn.out", d, d))


def _mlp(src, dst, d):
    return (_layer_norm(f"{src}/layer_norm", f"{dst}.mlp_ln", d)
            + _linear(f"{src}/linear_0", f"{dst}.mlp.0", 4 * d, d)
            + _linear(f"{src}/linear_1", f"{dst}.mlp.2", d, 4 * d))


def check_sources(model, tensors, zeros):
    """Shapes of everything the plan reads, key-bias zeros, and no unknown tensors."""
    expected = {}
    for item in tensors + zeros:
        expected[item.source] = item.source_shape
    for name, shape in expected.items():
        found = model.get(name).shape
        if found != shape:
            raise ConversionError(f"{name}: shape {list(found)}, expected {list(shape)}")
    for z in zeros:
        worst = float(np.max(np.abs(to_float32(model, z.source)[z.rows[0]:z.rows[1]])))
        if worst >= KEY_BIAS_TOLERANCE:
            raise ConversionError(
                f"{z.source}: non-zero key bias in rows {z.rows[0]}..{z.rows[1]} "
                f"(max |x| = {worst:g}); the q/k/v split order is not what whisper.cpp expects")

    used = {model.aliases.get(n, n) for n in expected}
    used |= {f"{n}_scale" for n in used}
    # scalars are flags and head counts; any other leftover tensor means a layout we don't know
    unknown = sorted(n for n, var in model.variables.items() if var.shape and n not in used)
    if unknown:
        raise ConversionError(f"unexpected variable {unknown[0]} ({len(unknown)} unknown in all)")


def tensor_type(t, quant):
    """The type whisper_model_load 1.7.1 allocates for t, so the one the file must hold.

    It creates the 2-D weights (linear layers, token embedding) as wtype, the conv
    kernels as vtype (F16 for every ftype but all-F32), and the rest F32. This is
    also exactly what examples/quantize produces: it quantizes 2-D tensors only and
    skips the 2-D conv biases and positional tables, which are F32 here anyway.
    """
    if not t.big:
        return GGML_TYPE_F32
    return quant.wtype if len(t.shape) == 2 else GGML_TYPE_F16


def tensor_bytes(model, t, ggml_type):
    """The tensor's data as the file stores it."""
    values = to_float32(model, t.source)
    if t.rows:
        values = values[t.rows[0]:t.rows[1]]
    values = values.reshape(t.shape)
    if ggml_type == GGML_TYPE_F32:
        return values.astype("<f4").tobytes()
    narrowed = values.astype("<f2")  # numpy rounds to nearest even
    if not np.all(np.isfinite(narrowed)):
        raise ConversionError(f"{t.source}: values overflow float16")
    if ggml_type == GGML_TYPE_F16:
        return narrowed.tobytes()
    # quantize the F16 values, as examples/quantize does from an F16 file: the output
    # is then byte for byte what whisper.cpp's own tool makes of our --quantize f16 file
    row = t.shape[-1]
    if row % QK:
        raise ConversionError(f"{t.name}: rows of {row} values do not split into "
                              f"{GGML_TYPES[ggml_type].name} blocks of {QK}")
    return QUANTIZERS[ggml_type](narrowed.astype(np.float32).reshape(-1, QK)).tobytes()


# ---------------------------------------------------------------------------
# Quantization: ggml-quants.c quantize_row_{q8_0,q5_0,q5_1}_ref, the functions
# ggml_quantize_chunk runs without an importance matrix. Each takes float32 blocks
# [n, 32] and returns their records [n, block_bytes] as uint8. The arithmetic is kept
# in float32 like the C code (d, 1/d, x*id), so the bytes match ggml's.

QK = 32  # values per block of every type here (QK8_0 = QK5_0 = QK5_1)


def _fp16_bytes(values):
    """[n, 1] float32 -> [n, 2] bytes of IEEE half, rounded to nearest even like
    GGML_FP32_TO_FP16 (F16C or the portable path)."""
    half = values.astype("<f2")
    if not np.all(np.isfinite(half)):
        raise ConversionError("a block scale overflows float16")
    return half.view(np.uint8)


def _inverse(d):
    """1.0f/d, and 0 where d is 0 (an all-zero block), as `d ? 1.0f/d : 0.0f`."""
    return np.divide(np.float32(1), d, out=np.zeros_like(d), where=d != 0)


def _round_half_away(v):
    """C roundf: halves go away from zero (numpy's rint goes to even). Splitting off
    the fraction is exact in float32, unlike adding 0.5, which can round up."""
    magnitude = np.abs(v)
    whole = np.floor(magnitude)
    whole += (magnitude - whole) >= 0.5
    return np.copysign(whole, v)


def _pack_5_bit(q):
    """uint8 quants 0..31 [n, 32] -> qh (bit 4 of quant j at bit j of a little-endian
    u32) and qs (low nibbles: quant j in the low half of byte j, quant j+16 in the
    high half)."""
    qh = np.packbits((q >> 4) & 1, axis=1, bitorder="little")
    low = q & 0x0F
    qs = low[:, :QK // 2] | (low[:, QK // 2:] << 4)
    return qh, qs


def quantize_q8_0(x):
    """d = max|x| / 127, q = roundf(x / d) in int8."""
    d = np.abs(x).max(axis=1, keepdims=True) / np.float32(127)
    q = _round_half_away(x * _inverse(d)).astype(np.int8)
    return np.concatenate([_fp16_bytes(d), q.view(np.uint8)], axis=1)


def quantize_q5_0(x):
    """d = the value of largest magnitude / -16 (the first such, sign kept), then
    q = min(31, (int8)(x / d + 16.5)): 5-bit, symmetric, no offset.

    Two roundings (x*id, then + 16.5) as in plain C; a ggml built with -mfma fuses them
    and lands one level apart at exact ties (about one block in 4000): both decode fine."""
    first_max = np.argmax(np.abs(x), axis=1)  # argmax keeps the first, as the C loop
    d = x[np.arange(len(x)), first_max][:, None] / np.float32(-16)
    shifted = x * _inverse(d) + np.float32(16.5)
    q = np.minimum(31, shifted.astype(np.int8)).astype(np.uint8)  # the cast truncates
    qh, qs = _pack_5_bit(q)
    return np.concatenate([_fp16_bytes(d), qh, qs], axis=1)


def quantize_q5_1(x):
    """d = (max - min) / 31, m = min, q = (uint8)((x - min) / d + 0.5): 5-bit with offset."""
    low = x.min(axis=1, keepdims=True)
    d = (x.max(axis=1, keepdims=True) - low) / np.float32(31)
    q = ((x - low) * _inverse(d) + np.float32(0.5)).astype(np.uint8)
    qh, qs = _pack_5_bit(q)
    return np.concatenate([_fp16_bytes(d), _fp16_bytes(low), qh, qs], axis=1)


QUANTIZERS = {GGML_TYPE_Q8_0: quantize_q8_0, GGML_TYPE_Q5_0: quantize_q5_0,
              GGML_TYPE_Q5_1: quantize_q5_1}


# ---------------------------------------------------------------------------
# Mel filterbank (§5, Slaney as librosa's mel(sr=16000, n_fft=400))


def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    linear = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, linear)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    linear = m * (200.0 / 3)
    log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
    return np.where(m >= 15.0, log, linear)


def mel_filters(n_mels):
    bins = np.arange(N_FFT_BINS, dtype=np.float64) * (SAMPLE_RATE / 2 / (N_FFT_BINS - 1))
    points = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), n_mels + 2))
    lower, centre, upper = points[:-2, None], points[1:-1, None], points[2:, None]
    rising = (bins - lower) / (centre - lower)
    falling = (upper - bins) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= 2.0 / (upper - lower)  # Slaney area normalisation
    return weights.astype(np.float32)


# ---------------------------------------------------------------------------
# Vocabulary (§1, §5.4)


def read_vocabulary(model_dir):
    txt, js = model_dir / "vocabulary.txt", model_dir / "vocabulary.json"
    if txt.is_file():
        try:
            text = txt.read_bytes().decode("utf-8")
        except UnicodeDecodeError as e:
            raise ConversionError(f"{txt}: not UTF-8 ({e})") from None
        # one token per line, '\n' only; an empty line is a real (empty) token
        if text.endswith("\n"):
            text = text[:-1]
        return text.split("\n"), txt
    if js.is_file():
        try:
            tokens = json.loads(js.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConversionError(f"{js}: not a JSON document ({e})") from None
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise ConversionError(f"{js}: expected a JSON array of strings")
        return tokens, js
    raise ConversionError(f"{model_dir}: no vocabulary.txt or vocabulary.json")


def _gpt2_byte_decoder():
    """Character -> byte of GPT-2's byte-level alphabet."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    others = [b for b in range(256) if b not in printable]  # stand-ins U+0100.. in this order
    decoder = {chr(b): b for b in printable}
    decoder.update({chr(0x100 + i): b for i, b in enumerate(others)})
    return decoder


def vocabulary_bytes(tokens, dims, source):
    """Token byte strings for ids 0 .. eot-1, after checking the special token ids."""
    if len(tokens) != dims.n_vocab:
        raise ConversionError(f"{source}: {len(tokens)} tokens, but the embedding has "
                              f"{dims.n_vocab} rows")
    eot = 50257 if dims.multilingual else 50256
    no_timestamps = 50363 + dims.n_vocab - 51865 if dims.multilingual else 50362
    if dims.n_vocab <= no_timestamps:
        raise ConversionError(f"n_vocab {dims.n_vocab} is too small for a Whisper vocabulary")
    for token_id, token in ((eot, TOKEN_EOT), (eot + 1, TOKEN_SOT),
                            (no_timestamps, TOKEN_NO_TIMESTAMPS)):
        if tokens[token_id] != token:
            raise ConversionError(f"{source}: id {token_id} is {tokens[token_id]!r}, expected "
                                  f"{token} (lines lost or added?)")
    decoder = _gpt2_byte_decoder()
    out = []
    for token_id, token in enumerate(tokens[:eot]):
        try:
            out.append(bytes(decoder[c] for c in token))
        except KeyError as e:
            raise ConversionError(f"{source}: token {token_id} {token!r} has character "
                                  f"U+{ord(e.args[0]):04X} outside the GPT-2 byte alphabet") from None
    return out


# ---------------------------------------------------------------------------
# ggml file (§5)


def write_ggml(f, dims, filters, vocab, tensors, model, quant):
    f.write(struct.pack("<i", GGML_MAGIC))
    f.write(struct.pack("<11i", *dims.hparams(quant)))
    f.write(struct.pack("<2i", *filters.shape))
    f.write(filters.astype("<f4").tobytes())
    f.write(struct.pack("<i", len(vocab)))
    for token in vocab:
        f.write(struct.pack("<i", len(token)))
        f.write(token)
    for t in tensors:
        ggml_type = tensor_type(t, quant)
        name = t.name.encode("utf-8")
        f.write(struct.pack("<3i", len(t.shape), len(name), ggml_type))
        f.write(struct.pack(f"<{len(t.shape)}i", *reversed(t.shape)))
        f.write(name)
        f.write(tensor_bytes(model, t, ggml_type))


def _whisper_cpp_type(name, n_dims, quant):
    """The type whisper.cpp 1.7.1 allocates, told from the name and rank alone (not from
    the plan, so that the check is independent of it): wtype for 2-D weights, F16 for
    the 3-D conv kernels, F32 for everything else."""
    if not name.endswith(".weight") or n_dims < 2:
        return GGML_TYPE_F32
    return quant.wtype if n_dims == 2 else GGML_TYPE_F16


def _data_size(ne, ggml_type):
    """Bytes of a tensor: whole blocks along the fastest axis, as ggml_nbytes counts."""
    kind = GGML_TYPES[ggml_type]
    if ne[0] % kind.block:
        return None
    return math.prod(ne) // kind.block * kind.block_bytes


def verify_ggml(path, dims, n_tokens, tensors, quant):
    """Read the file back (§6); returns the tensor payload in bytes."""
    buf = Path(path).read_bytes()
    r = _Reader(buf, path)

    def ints(n, what):
        return struct.unpack_from(f"<{n}i", buf, r.take(4 * n, what))

    if ints(1, "magic")[0] != GGML_MAGIC:
        raise ConversionError(f"read-back {path}: bad magic")
    if ints(11, "hparams") != dims.hparams(quant):
        raise ConversionError(f"read-back {path}: hparams differ")
    if ints(2, "mel shape") != (dims.n_mels, N_FFT_BINS):
        raise ConversionError(f"read-back {path}: mel filter shape differs")
    r.take(4 * dims.n_mels * N_FFT_BINS, "mel filters")
    if ints(1, "vocab count")[0] != n_tokens:
        raise ConversionError(f"read-back {path}: vocab count differs")
    for i in range(n_tokens):
        r.take(ints(1, f"length of token {i}")[0], f"token {i}")

    expected = {t.name: t for t in tensors}
    seen, payload = set(), 0
    while r.pos < len(buf):
        n_dims, name_len, ggml_type = ints(3, "tensor header")
        ne = ints(n_dims, "tensor dims")
        name = bytes(buf[r.take(name_len, "tensor name"):r.pos]).decode("utf-8")
        t = expected.get(name)
        if t is None or name in seen:
            raise ConversionError(f"read-back {path}: unexpected tensor {name}")
        seen.add(name)
        expected_type = _whisper_cpp_type(name, n_dims, quant)
        size = _data_size(ne, expected_type)
        if ne != tuple(reversed(t.shape)) or ggml_type != expected_type or size is None:
            kind = GGML_TYPES.get(ggml_type)
            raise ConversionError(f"read-back {path}: {name} has dims {list(ne)} type "
                                  f"{kind.name if kind else ggml_type}")
        r.take(size, f"data of {name}")
        payload += size
    if len(seen) != dims.tensor_count() or seen != set(expected):
        raise ConversionError(f"read-back {path}: {len(seen)} tensors, whisper.cpp needs "
                              f"{dims.tensor_count()}")
    return payload


# ---------------------------------------------------------------------------


def convert(model_dir, out_path, quantize="f16"):
    """Convert and return a one-line summary; raises ConversionError on any problem.

    quantize: a key of QUANTIZATIONS, the type of the 2-D weight matrices.
    """
    started = time.monotonic()
    if quantize not in QUANTIZATIONS:
        raise ConversionError(f"unknown quantization {quantize!r} "
                              f"(known: {', '.join(QUANTIZATIONS)})")
    quant = QUANTIZATIONS[quantize]
    model_dir, out_path = Path(model_dir), Path(out_path)
    model_file = model_dir / "model.bin"
    if not model_file.is_file():
        raise ConversionError(f"{model_dir}: no model.bin")
    model = read_ct2_model(model_file)
    dims = read_dims(model)
    tokens, vocab_source = read_vocabulary(model_dir)
    vocab = vocabulary_bytes(tokens, dims, vocab_source)
    tensors, zeros = plan(dims)
    check_sources(model, tensors, zeros)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".partial")
    try:
        with open(tmp, "wb") as f:
            write_ggml(f, dims, mel_filters(dims.n_mels), vocab, tensors, model, quant)
        payload = verify_ggml(tmp, dims, len(vocab), tensors, quant)
        os.replace(tmp, out_path)
    except BaseException:
        os.unlink(tmp)
        raise

    dtypes = sorted({model.get(t.source).dtype_name for t in tensors})
    return (f"{out_path}: n_vocab={dims.n_vocab} state={dims.n_audio_state} "
            f"heads={dims.n_audio_head}/{dims.n_text_head} "
            f"layers={dims.n_audio_layer}/{dims.n_text_layer} "
            f"ctx={dims.n_audio_ctx}/{dims.n_text_ctx} mels={dims.n_mels}; "
            f"source dtype {'+'.join(dtypes)}; {quantize} (ftype {quant.header_ftype}); "
            f"{len(tensors)} tensors, "
            f"payload {payload:,} bytes, {len(vocab)} tokens; "
            f"{time.monotonic() - started:.1f} s")


def main(argv):
    parser = argparse.ArgumentParser(
        prog=argv[0], description="Convert a CTranslate2 Whisper model to a whisper.cpp ggml file.")
    parser.add_argument("--quantize", choices=list(QUANTIZATIONS), default="f16",
                        help="type of the 2-D weight matrices (default: f16)")
    parser.add_argument("model_dir", metavar="MODEL_DIR")
    parser.add_argument("out", metavar="OUT.bin")
    try:
        args = parser.parse_args(argv[1:])
    except SystemExit as e:  # argparse has printed the usage; return its status instead
        return e.code
    try:
        print(convert(args.model_dir, args.out, args.quantize))
    except (ConversionError, OSError) as e:
        print(f"ct2_to_ggml: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

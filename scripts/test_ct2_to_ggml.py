"""Specification of scripts/ct2_to_ggml.py, on tiny synthetic CTranslate2 models.

Run: PYTHONPATH=.cache/pydeps python3 -m pytest scripts/test_ct2_to_ggml.py
(scripts/ensure-model.sh installs numpy into .cache/pydeps.)

The models are written here byte by byte in CTranslate2's model.bin layout
(shared/MODEL.md §1) with d=8 (d=32 where weights are quantized: ggml blocks hold
32 values of a row), two heads and one layer per side. The vocabulary
has Whisper's real size, because the converter checks that the special tokens
sit where whisper.cpp expects them.
"""

import ctypes
import importlib.util
import json
import platform
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location(
    "ct2_to_ggml", Path(__file__).with_name("ct2_to_ggml.py"))
ct2_to_ggml = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ct2_to_ggml)
ConversionError = ct2_to_ggml.ConversionError

D, HEADS, N_MELS, AUDIO_CTX, TEXT_CTX = 8, 2, 80, 10, 6
N_VOCAB, EOT = 51864, 50256  # English-only Whisper
DTYPE_CODES = {np.dtype(np.float32): 0, np.dtype(np.int8): 1, np.dtype(np.int16): 2,
               np.dtype(np.int32): 3, np.dtype(np.float16): 4}
SELF_QKV = "encoder/layer_0/self_attention/linear_0"
CROSS_KV = "decoder/layer_0/attention/linear_1"


# ---------------------------------------------------------------------------
# Writing synthetic CTranslate2 models


def ct2_string(text):
    raw = text.encode("utf-8") + b"\0"
    return struct.pack("<H", len(raw)) + raw


def ct2_variable(name, value):
    """value: numpy array, or (dtype code, shape, raw bytes) for bfloat16 and odd cases."""
    if isinstance(value, tuple):
        code, shape, raw = value
    else:
        code, shape, raw = DTYPE_CODES[value.dtype], value.shape, value.tobytes()
    return (ct2_string(name) + struct.pack("<B", len(shape))
            + struct.pack(f"<{len(shape)}I", *shape)
            + struct.pack("<BI", code, len(raw)) + raw)


def ct2_model_bytes(variables, version=6, spec="WhisperSpec", revision=3):
    out = struct.pack("<I", version) + ct2_string(spec) + struct.pack("<I", revision)
    out += struct.pack("<I", len(variables))
    for name in sorted(variables):
        out += ct2_variable(name, variables[name])
    alias = ("decoder/projection/weight", "decoder/embeddings/weight")
    return out + struct.pack("<I", 1) + ct2_string(alias[0]) + ct2_string(alias[1])


def whisper_variables(seed=0, d=D):
    """float32 weights of a minimal valid WhisperSpec of state size d, key biases zero."""
    rng = np.random.default_rng(seed)

    def w(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    v = {"encoder/num_heads": np.array(HEADS, np.int16),
         "decoder/num_heads": np.array(HEADS, np.int16),
         "decoder/scale_embeddings": np.array(0, np.int8),
         "encoder/conv1/weight": w(d, N_MELS, 3), "encoder/conv1/bias": w(d),
         "encoder/conv2/weight": w(d, d, 3), "encoder/conv2/bias": w(d),
         "encoder/position_encodings/encodings": w(AUDIO_CTX, d),
         "decoder/position_encodings/encodings": w(TEXT_CTX, d),
         "decoder/embeddings/weight": w(N_VOCAB, d)}
    for norm in ("encoder/layer_norm", "decoder/layer_norm"):
        v[f"{norm}/gamma"], v[f"{norm}/beta"] = w(d), w(d)

    def linear(name, n_out, n_in):
        v[f"{name}/weight"], v[f"{name}/bias"] = w(n_out, n_in), w(n_out)

    def block(prefix, attentions):
        for sub in attentions + ["ffn"]:
            v[f"{prefix}/{sub}/layer_norm/gamma"] = w(d)
            v[f"{prefix}/{sub}/layer_norm/beta"] = w(d)
        linear(f"{prefix}/self_attention/linear_0", 3 * d, d)
        linear(f"{prefix}/self_attention/linear_1", d, d)
        linear(f"{prefix}/ffn/linear_0", 4 * d, d)
        linear(f"{prefix}/ffn/linear_1", d, 4 * d)
        v[f"{prefix}/self_attention/linear_0/bias"][d:2 * d] = 0

    block("encoder/layer_0", ["self_attention"])
    block("decoder/layer_0", ["self_attention", "attention"])
    linear("decoder/layer_0/attention/linear_0", d, d)
    linear(CROSS_KV, 2 * d, d)
    linear("decoder/layer_0/attention/linear_2", d, d)
    v[f"{CROSS_KV}/bias"][:d] = 0
    return v


def whisper_tokens():
    tokens = [f"t{i}" for i in range(N_VOCAB)]
    tokens[1], tokens[2] = "Ġhello", "Ċ"  # GPT-2 stand-ins for " hello" and "\n"
    tokens[EOT:EOT + 2] = ["<|endoftext|>", "<|startoftranscript|>"]
    tokens[50362] = "<|notimestamps|>"
    return tokens


def write_model(directory, variables=None, tokens=None, **header):
    directory.mkdir(exist_ok=True)
    variables = whisper_variables() if variables is None else variables
    (directory / "model.bin").write_bytes(ct2_model_bytes(variables, **header))
    tokens = whisper_tokens() if tokens is None else tokens
    (directory / "vocabulary.txt").write_bytes("".join(t + "\n" for t in tokens).encode())
    return directory


def with_dtype(variables, dtype):
    """The float weights stored as dtype: 'float16', 'bfloat16', 'int8' or 'int16'."""
    out = {}
    for name, value in variables.items():
        if value.dtype != np.float32:
            out[name] = value
        elif dtype == "float16":
            out[name] = value.astype(np.float16)
        elif dtype == "bfloat16":
            bits = (value.view(np.uint32) >> 16).astype("<u2")  # truncation is fine here
            out[name] = (5, value.shape, bits.tobytes())
        elif dtype == "int8":
            if value.ndim == 1:
                out[name] = value  # CTranslate2 quantizes weights, not biases
                continue
            scale = 127 / np.abs(value.reshape(len(value), -1)).max(axis=1)
            out[name] = np.round(value * scale.reshape((-1,) + (1,) * (value.ndim - 1))
                                 ).astype(np.int8)
            out[f"{name}_scale"] = scale.astype(np.float32)
        elif dtype == "int16":
            scale = np.float32(1000.0)
            out[name] = np.round(value * scale).astype(np.int16)
            out[f"{name}_scale"] = np.array(scale, np.float32)
    return out


def dequantized(stored):
    """What the converter should see for each weight after §4."""
    out = {}
    for name, value in stored.items():
        if isinstance(value, tuple):
            out[name] = (np.frombuffer(value[2], "<u2").astype(np.uint32) << 16
                         ).view(np.float32).reshape(value[1])
        elif value.dtype == np.int8 and f"{name}_scale" in stored:
            scale = stored[f"{name}_scale"]
            out[name] = value / scale.reshape((-1,) + (1,) * (value.ndim - 1))
        elif value.dtype == np.int16 and f"{name}_scale" in stored:
            out[name] = value / stored[f"{name}_scale"]
        else:
            out[name] = value.astype(np.float32)
    return out


# ---------------------------------------------------------------------------
# Reading the ggml output, independently of the converter


# ggml type -> numpy dtype (plain types) or bytes per block of 32 (quantized types)
PLAIN_DTYPES = {0: "<f4", 1: "<f2"}
BLOCK_BYTES = {6: 22, 7: 24, 8: 34}  # Q5_0, Q5_1, Q8_0


def read_ggml(path):
    """Plain tensors come back as arrays of their row-major shape, quantized ones as
    uint8 [rows, blocks per row, block bytes]."""
    buf = Path(path).read_bytes()
    pos = 0

    def ints(n):
        nonlocal pos
        pos += 4 * n
        return struct.unpack_from(f"<{n}i", buf, pos - 4 * n)

    def raw(n):
        nonlocal pos
        pos += n
        return buf[pos - n:pos]

    magic, = ints(1)
    hparams = ints(11)
    n_mel, n_fft = ints(2)
    mel = np.frombuffer(raw(4 * n_mel * n_fft), "<f4").reshape(n_mel, n_fft)
    tokens = [raw(ints(1)[0]) for _ in range(ints(1)[0])]
    tensors = {}
    while pos < len(buf):
        n_dims, name_len, ggml_type = ints(3)
        dims = ints(n_dims)
        name = raw(name_len).decode()
        count = int(np.prod(dims))
        if ggml_type in PLAIN_DTYPES:
            dtype = PLAIN_DTYPES[ggml_type]
            data = np.frombuffer(raw(count * np.dtype(dtype).itemsize), dtype)
            data = data.reshape(tuple(reversed(dims)))
        else:
            block_bytes = BLOCK_BYTES[ggml_type]
            data = np.frombuffer(raw(count // 32 * block_bytes), np.uint8)
            data = data.reshape(count // dims[0], dims[0] // 32, block_bytes)
        tensors[name] = (ggml_type, dims, data)
    return magic, hparams, mel, tokens, tensors


@pytest.fixture
def out(tmp_path):
    return tmp_path / "out" / "ggml-test.bin"


def convert_fails(model_dir, out, *fragments, **options):
    with pytest.raises(ConversionError) as caught:
        ct2_to_ggml.convert(model_dir, out, **options)
    for fragment in fragments:
        assert fragment in str(caught.value)
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()
    return str(caught.value)


# ---------------------------------------------------------------------------
# A valid model


def test_valid_model_converts_to_the_header_whisper_cpp_reads(tmp_path, out):
    summary = ct2_to_ggml.convert(write_model(tmp_path / "m"), out)

    magic, hparams, mel, tokens, tensors = read_ggml(out)
    assert magic == 0x67676D6C
    assert hparams == (N_VOCAB, AUDIO_CTX, D, HEADS, 1, TEXT_CTX, D, HEADS, 1, N_MELS, 1)
    assert mel.shape == (80, 201)
    assert len(tokens) == EOT
    assert len(tensors) == 11 + 15 + 24
    assert "50 tensors" in summary


def test_tensor_types_and_dims_are_what_whisper_cpp_1_7_1_checks(tmp_path, out):
    ct2_to_ggml.convert(write_model(tmp_path / "m"), out)
    tensors = read_ggml(out)[4]

    assert tensors["encoder.conv1.weight"][:2] == (1, (3, N_MELS, D))
    assert tensors["encoder.conv1.bias"][:2] == (0, (1, D))  # 2-D, F32
    assert tensors["encoder.conv2.bias"][:2] == (0, (1, D))
    assert tensors["encoder.positional_embedding"][:2] == (0, (D, AUDIO_CTX))
    assert tensors["decoder.token_embedding.weight"][:2] == (1, (D, N_VOCAB))
    assert tensors["decoder.blocks.0.mlp.0.weight"][:2] == (1, (D, 4 * D))
    assert tensors["decoder.blocks.0.mlp.0.bias"][:2] == (0, (4 * D,))
    assert tensors["encoder.ln_post.weight"][:2] == (0, (D,))


def test_fused_projections_split_into_query_key_value_rows_without_key_bias(tmp_path, out):
    variables = whisper_variables()
    ct2_to_ggml.convert(write_model(tmp_path / "m", variables), out)
    tensors = read_ggml(out)[4]

    qkv_w, qkv_b = variables[f"{SELF_QKV}/weight"], variables[f"{SELF_QKV}/bias"]
    block = "encoder.blocks.0.attn"
    for part, name in enumerate(("query", "key", "value")):
        np.testing.assert_array_equal(tensors[f"{block}.{name}.weight"][2],
                                      qkv_w[part * D:(part + 1) * D].astype(np.float16))
    np.testing.assert_array_equal(tensors[f"{block}.query.bias"][2], qkv_b[:D])
    np.testing.assert_array_equal(tensors[f"{block}.value.bias"][2], qkv_b[2 * D:])
    assert f"{block}.key.bias" not in tensors

    kv_w = variables[f"{CROSS_KV}/weight"]
    cross = "decoder.blocks.0.cross_attn"
    np.testing.assert_array_equal(tensors[f"{cross}.key.weight"][2], kv_w[:D].astype(np.float16))
    np.testing.assert_array_equal(tensors[f"{cross}.value.weight"][2], kv_w[D:].astype(np.float16))
    assert f"{cross}.key.bias" not in tensors


def test_matrices_are_not_transposed_and_narrow_with_round_to_nearest_even(tmp_path, out):
    variables = whisper_variables()
    # 1 + 2^-11 is half-way between two float16 values: ties go to the even one (1.0)
    variables["encoder/layer_0/ffn/linear_0/weight"][0, :2] = [1 + 2 ** -11, 1 + 3 * 2 ** -11]
    ct2_to_ggml.convert(write_model(tmp_path / "m", variables), out)

    data = read_ggml(out)[4]["encoder.blocks.0.mlp.0.weight"][2]
    assert data.shape == (4 * D, D)
    assert data[0, 0] == np.float16(1.0) and data[0, 1] == np.float16(1 + 2 ** -9)
    np.testing.assert_array_equal(data[1:], variables["encoder/layer_0/ffn/linear_0/weight"][1:]
                                  .astype(np.float16))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int8", "int16"])
def test_every_stored_dtype_is_decoded_to_its_float_value(tmp_path, out, dtype):
    stored = with_dtype(whisper_variables(), dtype)
    ct2_to_ggml.convert(write_model(tmp_path / "m", stored), out)
    tensors = read_ggml(out)[4]
    expected = dequantized(stored)

    for ggml_name, ct2_name in [("encoder.blocks.0.mlp.2.weight", "encoder/layer_0/ffn/linear_1/weight"),
                                ("encoder.conv1.weight", "encoder/conv1/weight"),
                                ("decoder.token_embedding.weight", "decoder/embeddings/weight"),
                                ("decoder.blocks.0.cross_attn.value.weight", f"{CROSS_KV}/weight")]:
        ggml_data = tensors[ggml_name][2]
        # the cross-attention value is the last d rows of its fused source
        want = expected[ct2_name][-len(ggml_data):].astype(np.float16)
        np.testing.assert_array_equal(ggml_data, want, err_msg=ggml_name)


def test_mel_filters_match_librosa_slaney_values():
    mel = ct2_to_ggml.mel_filters(80)
    # reference values from librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)
    # as shipped in openai-whisper's assets/mel_filters.npz
    assert mel.shape == (80, 201) and mel.dtype == np.float32
    assert mel[0, 0] == 0 and mel[0, 1] == pytest.approx(0.024862595, rel=1e-6)
    assert mel[79, 200] == 0
    assert int(np.argmax(mel[40])) == 43
    assert mel[40].max() == pytest.approx(0.014735566, rel=1e-6)
    assert mel.sum(dtype=np.float64) == pytest.approx(1.999024092387117, rel=1e-6)


# ---------------------------------------------------------------------------
# Vocabulary


def test_gpt2_stand_in_characters_become_their_bytes(tmp_path, out):
    ct2_to_ggml.convert(write_model(tmp_path / "m"), out)
    tokens = read_ggml(out)[3]
    assert tokens[1] == b" hello" and tokens[2] == b"\n" and tokens[3] == b"t3"


def test_empty_vocabulary_line_is_a_token_and_later_ids_keep_their_place(tmp_path, out):
    tokens = whisper_tokens()
    tokens[5] = ""
    ct2_to_ggml.convert(write_model(tmp_path / "m", tokens=tokens), out)

    written = read_ggml(out)[3]
    assert written[5] == b"" and written[6] == b"t6" and written[EOT - 1] == b"t50255"


def test_vocabulary_missing_a_line_is_rejected(tmp_path, out):
    tokens = whisper_tokens()
    del tokens[5]
    tokens.append("<|extra|>")  # same count, ids shifted
    convert_fails(write_model(tmp_path / "m", tokens=tokens), out, "<|endoftext|>")


def test_vocabulary_json_is_accepted(tmp_path, out):
    model_dir = write_model(tmp_path / "m")
    (model_dir / "vocabulary.txt").unlink()
    (model_dir / "vocabulary.json").write_text(json.dumps(whisper_tokens()))
    ct2_to_ggml.convert(model_dir, out)
    assert read_ggml(out)[3][1] == b" hello"


# ---------------------------------------------------------------------------
# Quantized weights (--quantize): whisper.cpp 1.7.1's examples/quantize layout

QUANT_TYPES = {"q8_0": 8, "q5_0": 6, "q5_1": 7}  # GGML_TYPE_*
QD = 32  # state size of the quantized test models: one ggml block per row of d


def dequantize(ggml_type, records):
    """ggml-quants.c dequantize_row_q8_0 / _q5_0 / _q5_1, written apart from the converter:
    uint8 records [..., block bytes] -> float32 [..., 32]."""
    records = np.ascontiguousarray(records)
    d = records[..., 0:2].copy().view("<f2").astype(np.float32)
    if ggml_type == 8:  # fp16 d, int8 q[32]
        return records[..., 2:].copy().view(np.int8) * d
    offset = 4 if ggml_type == 7 else 2  # Q5_1 has an fp16 min after d
    qh = records[..., offset:offset + 4].copy().view("<u4")
    qs = records[..., offset + 4:]
    low = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # quants 0..15, then 16..31
    high = (qh >> np.arange(32, dtype=np.uint32)) & 1  # bit j of qh is bit 4 of quant j
    q = (low | (high << 4)).astype(np.float32)
    if ggml_type == 6:
        return (q - 16) * d
    return q * d + records[..., 2:4].copy().view("<f2").astype(np.float32)


def random_blocks(n=3000, seed=1):
    """Blocks of normal values at scales over two and a half decades (all above float16's
    subnormals), plus an all-zero and a constant block, already rounded to float16 as the
    converter rounds them before quantizing."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 32)) * 10 ** rng.uniform(-1.5, 1, (n, 1))
    x[0], x[1] = 0, 0.25
    return x.astype(np.float16).astype(np.float32)


def quantized_model(tmp_path, out, quantize, variables=None):
    variables = whisper_variables(d=QD) if variables is None else variables
    summary = ct2_to_ggml.convert(write_model(tmp_path / "m", variables), out, quantize)
    return variables, summary, read_ggml(out)


def test_q8_0_blocks_round_trip_within_half_a_step():
    x = random_blocks()
    records = ct2_to_ggml.quantize_q8_0(x)

    assert records.shape == (len(x), 34) and records.dtype == np.uint8
    back = dequantize(8, records)
    step = np.abs(x).max(axis=1, keepdims=True) / 127
    # half a step from rounding, plus the scale's own rounding to float16 (2^-11 relative)
    # times the largest quant
    assert np.all(np.abs(back - x) <= step * (0.5 + 127 * 2 ** -11))
    assert np.all(back[0] == 0)
    np.testing.assert_allclose(back[1], 0.25, rtol=2 ** -11)


def test_q8_0_block_is_an_fp16_scale_then_32_int8_rounded_half_away_from_zero():
    x = np.zeros((1, 32), np.float32)
    x[0, :5] = [127, 2.5, -2.5, 0.5, -0.49999997]  # d = 127/127 = 1
    record = ct2_to_ggml.quantize_q8_0(x)[0]

    assert record[:2].tobytes() == np.float16(1).tobytes()
    # C roundf, not numpy's round-half-to-even (which would give 2, -2, 0)
    assert list(record[2:7].view(np.int8)) == [127, 3, -3, 1, 0]
    assert not record[7:].any()


@pytest.mark.parametrize("quantize", ["q5_0", "q5_1"])
def test_5_bit_blocks_round_trip_within_a_step(quantize):
    x = random_blocks()
    records = getattr(ct2_to_ggml, f"quantize_{quantize}")(x)
    back = dequantize(QUANT_TYPES[quantize], records)

    if quantize == "q5_0":
        # d = -(the value of largest magnitude)/16; quants reach 15 steps one way and 16
        # the other, so the far end may clamp a whole step away
        assert records.shape == (len(x), 22)
        step = np.abs(x).max(axis=1, keepdims=True) / 16
        bound = step * (1 + 16 * 2 ** -11)
    else:
        # d = (max - min)/31 and an fp16 offset m = min: half a step, plus both roundings
        assert records.shape == (len(x), 24)
        low = x.min(axis=1, keepdims=True)
        step = (x.max(axis=1, keepdims=True) - low) / 31
        bound = step * (0.5 + 31 * 2 ** -11) + np.abs(low) * 2 ** -11
    assert np.all(np.abs(back - x) <= bound)
    assert np.all(back[0] == 0)


@pytest.mark.parametrize("quantize, ftype", [("f16", 1), ("q8_0", 2007), ("q5_0", 2008),
                                             ("q5_1", 2009)])
def test_header_ftype_carries_the_quantization_version(tmp_path, out, quantize, ftype):
    # examples/quantize writes GGML_QNT_VERSION (2) * 1000 + GGML_FTYPE_MOSTLY_*;
    # whisper_model_load keeps the remainder: 7 Q8_0, 8 Q5_0, 9 Q5_1
    _, summary, (_, hparams, _, _, _) = quantized_model(tmp_path, out, quantize)
    assert hparams == (N_VOCAB, AUDIO_CTX, QD, HEADS, 1, TEXT_CTX, QD, HEADS, 1, N_MELS, ftype)
    assert f"{quantize} (ftype {ftype})" in summary


def test_only_2d_weights_are_quantized_conv_kernels_stay_f16(tmp_path, out):
    tensors = quantized_model(tmp_path, out, "q8_0")[2][4]
    types = {name: t[0] for name, t in tensors.items()}

    quantized = {name for name, kind in types.items() if kind == 8}
    # per layer: q, k, v, out, mlp.0, mlp.2 (+ cross q, k, v, out in the decoder), and
    # the token embedding, which whisper.cpp also creates as wtype
    assert len(quantized) == 6 + 10 + 1
    assert quantized == {name for name, t in tensors.items()
                         if name.endswith(".weight") and len(t[1]) == 2}
    assert "decoder.token_embedding.weight" in quantized
    assert types["encoder.conv1.weight"] == types["encoder.conv2.weight"] == 1  # vtype F16
    # 2-D but never quantized (examples/quantize's skip list), like every 1-D tensor
    for name in ("encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding",
                 "decoder.positional_embedding", "decoder.blocks.0.mlp.0.bias",
                 "decoder.ln.weight"):
        assert types[name] == 0, name


@pytest.mark.parametrize("quantize", ["q8_0", "q5_0", "q5_1"])
def test_quantized_rows_decode_to_the_source_matrix(tmp_path, out, quantize):
    variables, _, ggml = quantized_model(tmp_path, out, quantize)
    tensors = ggml[4]
    ggml_type = QUANT_TYPES[quantize]

    for ggml_name, source in [("encoder.blocks.0.mlp.0.weight", "encoder/layer_0/ffn/linear_0/weight"),
                              ("encoder.blocks.0.mlp.2.weight", "encoder/layer_0/ffn/linear_1/weight"),
                              ("decoder.blocks.0.cross_attn.value.weight", f"{CROSS_KV}/weight"),
                              ("decoder.token_embedding.weight", "decoder/embeddings/weight")]:
        kind, dims, records = tensors[ggml_name]
        want = variables[source][-dims[1]:]  # the value projection is the last d rows
        assert kind == ggml_type and records.shape == (dims[1], dims[0] // 32, len(records[0, 0]))
        back = dequantize(ggml_type, records).reshape(want.shape)  # blocks run along rows
        spread = np.abs(want).max()
        np.testing.assert_allclose(back, want, atol=spread / 8, err_msg=ggml_name)
        assert np.abs(back - want).mean() < spread / 40, ggml_name


def test_rows_that_do_not_fill_whole_blocks_are_rejected(tmp_path, out):
    convert_fails(write_model(tmp_path / "m"), out, "blocks of 32", quantize="q8_0")  # d = 8


def test_unknown_quantization_is_rejected(tmp_path, out):
    convert_fails(write_model(tmp_path / "m"), out, "unknown quantization 'q4_0'",
                  quantize="q4_0")


def _whisper_jni_quantize_chunk(tmp_path):
    """ggml_quantize_chunk of the portable x86-64 libggml that whisper-jni 1.7.1 bundles,
    or a skip. Portable, because GCC contracts Q5_0's `x*id + 16.5f` into one FMA in the
    -mfma build, which then rounds about one block in 4000 differently at exact ties."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        pytest.skip("whisper-jni's libggml is checked on x86-64 Linux only")
    jars = [Path(__file__).resolve().parents[1] / "target/lib/whisper-jni-1.7.1.jar",
            Path.home() / ".m2/repository/io/github/givimad/whisper-jni/1.7.1/whisper-jni-1.7.1.jar"]
    jar = next((j for j in jars if j.is_file()), None)
    if jar is None:
        pytest.skip("whisper-jni 1.7.1 is not downloaded yet (mvn package fetches it)")
    with zipfile.ZipFile(jar) as z:
        library = z.extract("debian-amd64/libggml.so", tmp_path)
    try:
        quantize_chunk = ctypes.CDLL(library).ggml_quantize_chunk
    except OSError as e:
        pytest.skip(f"cannot load {library}: {e}")
    quantize_chunk.restype = ctypes.c_size_t
    quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                               ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    return quantize_chunk


@pytest.mark.parametrize("quantize", ["q8_0", "q5_0", "q5_1"])
def test_blocks_are_byte_identical_to_whisper_cpp_1_7_1_ggml(tmp_path, quantize):
    quantize_chunk = _whisper_jni_quantize_chunk(tmp_path)
    x = random_blocks(n=20000, seed=7)
    ours = getattr(ct2_to_ggml, f"quantize_{quantize}")(x)

    theirs = np.zeros(x.size * 2, np.uint8)
    size = quantize_chunk(QUANT_TYPES[quantize], x.ctypes.data, theirs.ctypes.data,
                          0, len(x), 32, None)
    assert size == ours.size
    np.testing.assert_array_equal(ours.reshape(-1), theirs[:size])


def test_cli_quantize_option(tmp_path, out, capsys):
    model_dir = write_model(tmp_path / "m", whisper_variables(d=QD))
    assert ct2_to_ggml.main(["ct2_to_ggml.py", "--quantize", "q5_1", str(model_dir), str(out)]) == 0
    assert read_ggml(out)[1][10] == 2009
    assert ct2_to_ggml.main(["ct2_to_ggml.py", "--quantize", "q4_0", str(model_dir), str(out)]) == 2
    assert "usage:" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Broken inputs: one clear message, no output file


def test_truncated_model_bin_is_rejected(tmp_path, out):
    model_dir = write_model(tmp_path / "m")
    model_bin = model_dir / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes()[:-1000])
    convert_fails(model_dir, out, "truncated file")


def test_trailing_bytes_after_the_aliases_are_rejected(tmp_path, out):
    model_dir = write_model(tmp_path / "m")
    with open(model_dir / "model.bin", "ab") as f:
        f.write(b"\0\0")
    convert_fails(model_dir, out, "2 trailing bytes")


def test_unknown_binary_version_is_rejected(tmp_path, out):
    convert_fails(write_model(tmp_path / "m", version=5), out, "unknown binary version 5")


def test_unknown_spec_revision_is_rejected(tmp_path, out):
    convert_fails(write_model(tmp_path / "m", revision=4), out, "unknown spec revision 4")


def test_other_spec_is_rejected(tmp_path, out):
    convert_fails(write_model(tmp_path / "m", spec="TransformerSpec"), out, "unknown spec")


def test_wrong_shape_is_rejected_naming_the_variable(tmp_path, out):
    variables = whisper_variables()
    variables["decoder/layer_0/ffn/linear_1/weight"] = np.zeros((D, 4 * D + 1), np.float32)
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "decoder/layer_0/ffn/linear_1/weight", "expected [8, 32]")


def test_missing_variable_is_rejected_by_name(tmp_path, out):
    variables = whisper_variables()
    del variables["decoder/layer_0/attention/linear_2/bias"]
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "missing variable decoder/layer_0/attention/linear_2/bias")


def test_unknown_tensor_is_rejected(tmp_path, out):
    variables = whisper_variables()
    variables["decoder/layer_0/extra/weight"] = np.zeros((D, D), np.float32)
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "unexpected variable decoder/layer_0/extra/weight")


@pytest.mark.parametrize("fused, rows", [(SELF_QKV, slice(D, 2 * D)), (CROSS_KV, slice(0, D))])
def test_non_zero_key_bias_is_rejected(tmp_path, out, fused, rows):
    variables = whisper_variables()
    variables[f"{fused}/bias"][rows][3] = 0.01
    convert_fails(write_model(tmp_path / "m", variables), out,
                  f"{fused}/bias: non-zero key bias")


def test_int8_weight_without_its_scale_is_rejected(tmp_path, out):
    variables = with_dtype(whisper_variables(), "int8")
    del variables["encoder/conv2/weight_scale"]
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "missing variable encoder/conv2/weight_scale")


def test_weight_of_unexpected_dtype_is_rejected(tmp_path, out):
    variables = whisper_variables()
    variables["encoder/conv2/bias"] = np.zeros(D, np.int32)
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "encoder/conv2/bias: unexpected dtype int32")


def test_byte_count_disagreeing_with_shape_is_rejected(tmp_path, out):
    variables = whisper_variables()
    variables["encoder/conv1/bias"] = (0, (D,), b"\0" * (4 * D - 4))
    convert_fails(write_model(tmp_path / "m", variables), out,
                  "encoder/conv1/bias: byte count 28")


def test_cli_prints_one_line_and_exits_non_zero_on_a_bad_model(tmp_path, out, capsys):
    model_dir = write_model(tmp_path / "m", version=7)
    assert ct2_to_ggml.main(["ct2_to_ggml.py", str(model_dir), str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ct2_to_ggml: error: ")


def test_cli_rejects_wrong_arguments_with_usage(capsys):
    assert ct2_to_ggml.main(["ct2_to_ggml.py"]) == 2
    assert "usage:" in capsys.readouterr().err

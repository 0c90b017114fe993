"""Shared pieces of the Python package's tests: the command-line binary they compare
with, catalogs written by astropy, and PNG pixels."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

import clusterviz
from clusterviz import _native

ROOT = Path(__file__).resolve().parents[2]

# Mesa looks for a runtime folder; give it a private one, as the CI script does.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="clusterviz-xdg-")


def cli_binary() -> Path:
    """The clusterviz binary of this checkout (cargo test passes its path)."""
    given = os.environ.get("CLUSTERVIZ_BIN")
    path = Path(given) if given else ROOT / "target" / "release" / "clusterviz"
    if not path.exists():
        pytest.fail(f"no clusterviz binary at {path}: run `cargo build --release` (or set CLUSTERVIZ_BIN)")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli_binary()), *args], capture_output=True, text=True, timeout=600)


def cli_pixels(tmp: Path, *args: str) -> np.ndarray:
    """The pixels of `clusterviz render ARGS -o tmp/cli.png`."""
    out = tmp / "cli.png"
    r = run_cli("render", *args, "-o", str(out))
    assert r.returncode == 0, r.stderr
    return png_pixels(out.read_bytes())


def png_pixels(png: bytes) -> np.ndarray:
    w, h, rgba = _native.decode_png(png)
    return np.frombuffer(rgba, dtype=np.uint8).reshape(h, w, 4)


def assert_same_pixels(a: np.ndarray, b: np.ndarray) -> None:
    """Same renderer, same inputs: the same pixels, exactly."""
    assert a.shape == b.shape, (a.shape, b.shape)
    differ = np.any(a != b, axis=2)
    assert not differ.any(), f"{differ.sum()} pixels differ, e.g. at {np.argwhere(differ)[:5].tolist()}"


def assert_close_pixels(a: np.ndarray, b: np.ndarray) -> None:
    """The same rows in another order: translucent markers that overlap blend in another
    order, which moves a channel by a unit or two. As the golden images: a pixel
    mismatches when a channel differs by more than 3, and none may."""
    assert a.shape == b.shape, (a.shape, b.shape)
    off = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
    assert (off <= 3).all(), f"{(off > 3).sum()} pixels differ by more than 3"
    assert (off > 0).mean() < 0.001, f"{(off > 0).sum()} pixels differ"


def cluster_columns(n: int = 400, seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "RA": rng.uniform(148.0, 152.0, n),
        "DEC": rng.uniform(0.0, 4.0, n),
        "Z": rng.uniform(0.1, 1.5, n).astype(np.float32),
        "SNR": rng.uniform(3.0, 30.0, n).astype(np.float32),
        "ID": np.arange(1, n + 1, dtype=np.int64),
    }


@pytest.fixture
def clusters() -> dict[str, np.ndarray]:
    return cluster_columns()


@pytest.fixture
def clusters_fits(tmp_path: Path, clusters: dict[str, np.ndarray]) -> Path:
    """The clusters as astropy writes a FITS table (merged, by its name)."""
    from astropy.table import Table

    t = Table(clusters)
    t["RA"].unit = "deg"
    t["DEC"].unit = "deg"
    path = tmp_path / "merged_clusters.fits"
    t.write(path)
    return path


@pytest.fixture(autouse=True, scope="session")
def _gpu_once() -> None:
    clusterviz.gpu_info()

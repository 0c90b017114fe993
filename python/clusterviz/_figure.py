"""``clusterviz.figure``: one call renders what ``clusterviz render`` renders."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

import numpy as np

from . import _native
from ._options import flag_words, pythonic
from ._tables import Table, as_input, is_path, native_array

log = logging.getLogger("clusterviz")

#: What a data argument takes: a path, or a table in memory.
DataLike = Any


class ClusterVizWarning(UserWarning):
    """A warning of the renderer (rows dropped, a colour range chosen for you, ...)."""


def _relay(messages: Sequence[str]) -> None:
    for line in messages:
        if line.startswith("warning:"):
            warnings.warn(pythonic(line[len("warning:"):].strip()), ClusterVizWarning, stacklevel=4)
        else:
            log.info("%s", line)


def _raise_pythonic(e: Exception) -> None:
    text = pythonic(str(e))
    raise type(e)(text) from None


class _Scene:
    """Everything one figure needs: flags, tables in memory and a map, ready to draw
    into any list of files."""

    def __init__(
        self,
        clusters: DataLike,
        galaxies: DataLike,
        tiles: Union[str, os.PathLike, None],
        mask: Any,
        mask_nest: bool,
        mask_frame: str,
        options: dict[str, Any],
        caller: str,
    ) -> None:
        self.words = flag_words(options, caller)
        self.tables: list[tuple[str, str, str, list, list]] = []
        self.mask = None
        self.call = f"clusterviz.{caller}(" + ", ".join(
            [f"{k}={v!r}" for k, v in options.items() if v is not None]
        ) + ")"
        self._clusters(clusters)
        if galaxies is not None:
            paths = self._paths_or_table(galaxies, "galaxies", "galaxies")
            if paths:
                self.words += ["--galaxies", *paths]
        if tiles is not None:
            if not is_path(tiles):
                raise TypeError("tiles: give the path of a tiles file (JSON or FITS)")
            self.words += ["--tiles", os.fspath(tiles)]
        if mask is not None:
            if is_path(mask):
                self.words += ["--mask", os.fspath(mask)]
            else:
                got = native_array(mask)
                if isinstance(got, str) or got[0] not in ("f8", "f4"):
                    what = got if isinstance(got, str) else f"{np.asarray(mask).dtype} values"
                    raise ValueError(f"mask: a full-sky HEALPix map is an array of floats, got {what}")
                kind, arr = got
                # Named as a file's value column would be (the colour bar says "Mask NAME").
                name = str(options.get("mask_column") or "value")
                self.mask = (arr, kind, bool(mask_nest), mask_frame, name)

    def _paths_or_table(self, obj: Any, role: str, algorithm: str) -> list[str]:
        items = list(obj) if isinstance(obj, (list, tuple)) else [obj]
        paths: list[str] = []
        tables = 0
        for item in items:
            got = as_input(item, role)
            if isinstance(got, Table):
                tables += 1
                if tables > 1:
                    raise ValueError(
                        f"{role}: one table in memory per catalog; for clusters of several "
                        "algorithms give a dict {'merged': ..., 'pzwav': ..., 'amico': ...}"
                    )
                self.tables.append((role, algorithm, got.label, got.columns, got.skipped))
            else:
                paths.append(got)
        return paths

    def _clusters(self, clusters: Any) -> None:
        if clusters is None:
            return
        if isinstance(clusters, Mapping) and set(clusters) <= {"merged", "pzwav", "amico"} and clusters:
            paths: list[str] = []
            for algorithm, obj in clusters.items():
                got = as_input(obj, f"{algorithm} clusters")
                if isinstance(got, Table):
                    self.tables.append(("clusters", algorithm, got.label, got.columns, got.skipped))
                else:
                    paths.append(got)
        else:
            paths = self._paths_or_table(clusters, "clusters", "merged")
        if paths:
            self.words += ["--clusters", *paths]

    def draw(self, outputs: Sequence[Union[str, os.PathLike]], extra: Sequence[str] = ()) -> None:
        try:
            messages = _native.render(
                self.words + list(extra),
                self.tables,
                self.mask,
                [os.fspath(o) for o in outputs],
                self.call,
            )
        except (ValueError, OSError, RuntimeError) as e:
            _raise_pythonic(e)
        _relay(messages)


def wcs_of(header: Any, size: tuple[int, int]) -> Any:
    """An astropy WCS of a header that describes an image of ``size`` (w, h)."""
    from astropy.wcs import WCS

    with warnings.catch_warnings():
        # The header describes the PNG's axes, which a FITS header alone does not hold.
        warnings.simplefilter("ignore")
        wcs = WCS(header)
    wcs.pixel_shape = size
    return wcs


class Figure:
    """A rendered figure: ``save(path)`` (PNG, SVG or PDF by the extension),
    ``to_numpy()`` (an H×W×4 uint8 array), shown inline in Jupyter."""

    def __init__(self, scene: _Scene, png: bytes) -> None:
        self._scene = scene
        self._png = png

    @property
    def png(self) -> bytes:
        """The figure as PNG bytes (with the same metadata as the command line's)."""
        return self._png

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        w = int.from_bytes(self._png[16:20], "big")
        h = int.from_bytes(self._png[20:24], "big")
        return w, h

    def save(self, path: Union[str, os.PathLike]) -> Path:
        """Writes the figure to ``path``: a PNG as shown, an SVG or PDF with vector grid,
        labels, outlines and markers. Written to a temporary file, then renamed."""
        path = Path(path)
        if path.suffix.lower() == ".png":
            if not path.parent.is_dir():
                raise FileNotFoundError(f"{path}: the output folder does not exist")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(self._png)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        else:
            self._scene.draw([path])
        return path

    def to_numpy(self) -> np.ndarray:
        """The pixels, an (height, width, 4) array of uint8 RGBA."""
        w, h, rgba = _native.decode_png(self._png)
        return np.frombuffer(rgba, dtype=np.uint8).reshape(h, w, 4)

    def wcs(self) -> Any:
        """The celestial WCS of the PNG's pixels as an ``astropy.wcs.WCS`` (TAN and SIN
        views at any rotation; CAR, MOL and AIT north up), for overlays and matplotlib."""
        from astropy.io import fits

        with tempfile.TemporaryDirectory(prefix="clusterviz-") as d:
            png = Path(d) / "figure.png"
            self._scene.draw([png], ["--wcs"])
            header = fits.getheader(png.with_suffix(".wcs.fits"))
        return wcs_of(header, self.size)

    def imshow(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draws the figure into matplotlib axes made with ``projection=fig.wcs()`` (a
        new such axes by default), pixel for pixel on the WCS, so that the caller's
        overlays (``ax.scatter(ra, dec, transform=ax.get_transform("icrs"))``, contours)
        land on the sky. Best with ``bare=True`` (the sky without a frame). Returns the
        AxesImage."""
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.figure().add_subplot(projection=self.wcs())
        # FITS pixel rows count from the bottom, the PNG's from the top.
        return ax.imshow(self.to_numpy()[::-1], origin="lower", **kwargs)

    def _repr_png_(self) -> bytes:
        return self._png

    def __repr__(self) -> str:
        w, h = self.size
        return f"<clusterviz.Figure {w}x{h}: {self._scene.call}>"


def figure(
    clusters: DataLike = None,
    galaxies: DataLike = None,
    tiles: Union[str, os.PathLike, None] = None,
    mask: Any = None,
    *,
    mask_nest: bool = False,
    mask_frame: str = "icrs",
    **render_options: Any,
) -> Figure:
    """Renders a figure as ``clusterviz render`` does.

    Each data argument takes a file path (everything the command line reads, HATS
    catalogs included), an astropy Table or QTable (units honoured, SkyCoord columns), a
    pandas DataFrame, a pyarrow Table, a NumPy structured array or a dict of equal-length
    arrays (``{"ra": ..., "dec": ...}``). ``clusters`` may also be a dict of such
    per algorithm (``{"merged": ..., "pzwav": ..., "amico": ...}``), ``galaxies`` a list
    of paths or a glob. ``mask`` is a HEALPix map file or a full-sky map array as healpy
    holds it (RING unless ``mask_nest=True``; equatorial unless ``mask_frame="galactic"``).

    Every option of ``clusterviz render`` is a keyword argument, with underscores:
    ``projection="ait"``, ``size=(2048, 1024)`` or ``"7x5in"``, ``center=(150, 2)``,
    ``fov=3``, ``snr_min=5``, ``color_by="z"``, ``title="..."``, ``demo=True``,
    ``ra="RA_DEG"`` to name a column, ``backend="gl"``.

    Bad input raises ValueError (bad values, columns, file contents), FileNotFoundError or
    OSError (files), with the command line's message; the renderer's warnings are Python
    warnings (ClusterVizWarning) and its progress goes to the ``clusterviz`` logger.
    """
    scene = _Scene(clusters, galaxies, tiles, mask, mask_nest, mask_frame, render_options, "figure")
    if not scene.tables and scene.mask is None and not any(
        w in scene.words for w in ("--demo", "--clusters", "--galaxies", "--tiles", "--mask")
    ):
        raise ValueError("nothing to draw: give clusters, galaxies, tiles or mask (or demo=True)")
    with tempfile.TemporaryDirectory(prefix="clusterviz-") as d:
        png = Path(d) / "figure.png"
        scene.draw([png])
        data = png.read_bytes()
    return Figure(scene, data)


def view(
    clusters: DataLike = None,
    galaxies: DataLike = None,
    tiles: Union[str, os.PathLike, None] = None,
    mask: Any = None,
    *,
    mask_nest: bool = False,
    mask_frame: str = "icrs",
    samp: bool = False,
    title: str = "clusterviz",
    **render_options: Any,
) -> None:
    """Opens the native viewer window (as ``clusterviz view``) on the same arguments as
    :func:`figure`, and returns when it is closed. ``samp=True`` joins the SAMP hub
    (TOPCAT, Aladin, DS9). Needs a display; in a notebook, use :class:`Viewer`."""
    scene = _Scene(clusters, galaxies, tiles, mask, mask_nest, mask_frame, render_options, "view")
    try:
        _native.view(scene.words, scene.tables, scene.mask, title, bool(samp))
    except (ValueError, OSError, RuntimeError) as e:
        _raise_pythonic(e)


__all__ = ["Figure", "figure", "view", "ClusterVizWarning"]

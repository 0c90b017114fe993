"""A figure saves as PNG, SVG and PDF, shows inline in Jupyter, and gives its pixels and
its WCS to the notebook's other tools."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

import clusterviz
from conftest import png_pixels


def one_cluster(**options):
    data = {"RA": np.array([150.0, 150.5]), "DEC": np.array([2.0, 2.5]), "Z": np.array([0.5, 1.0])}
    return clusterviz.figure(clusters=data, **options)


def test_save_writes_each_format(tmp_path):
    fig = one_cluster(size=(600, 400), title="Two clusters")
    png = fig.save(tmp_path / "fig.png")
    assert png.read_bytes() == fig.png == fig._repr_png_()
    assert np.array_equal(png_pixels(png.read_bytes()), fig.to_numpy())
    assert fig.to_numpy().shape == (400, 600, 4) and fig.to_numpy().dtype == np.uint8
    svg = fig.save(tmp_path / "fig.svg").read_text()
    assert "<svg" in svg and "Two clusters" in svg
    for name in ("fig.pdf", "fig.png"):
        with pytest.raises(FileNotFoundError, match="the output folder does not exist"):
            fig.save(tmp_path / "sub" / name)
    (tmp_path / "sub").mkdir()
    pdf = fig.save(tmp_path / "sub" / "fig.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Two clusters" in text
    assert "clusterviz.figure(" in repr(fig)


def test_the_png_says_how_it_was_made():
    fig = one_cluster(size=(300, 200))
    assert b"clusterviz call" in fig.png and b"clusterviz.figure(size=(300, 200))" in fig.png


def test_the_wcs_places_a_cluster_on_its_pixel():
    fig = one_cluster(size=(600, 600), center=(150.25, 2.25), fov=2, projection="tan", bare=True,
                      color_by="none", theme="dark")
    wcs = fig.wcs()
    img = fig.to_numpy()
    for ra, dec in ((150.0, 2.0), (150.5, 2.5)):
        x, y = wcs.world_to_pixel_values(ra, dec)
        # FITS rows count from the bottom; the array's from the top.
        px, py = int(round(float(x))), img.shape[0] - 1 - int(round(float(y)))
        background = img[5, 5]
        assert np.any(img[py, px, :3] != background[:3]), (ra, dec, px, py)
    # East is left: the cluster with the larger RA lies left of the other.
    xa, _ = wcs.world_to_pixel_values(150.0, 2.0)
    xb, _ = wcs.world_to_pixel_values(150.5, 2.5)
    assert xb < xa


def test_matplotlib_places_the_sky_on_its_wcs():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = one_cluster(size=(400, 400), center=(150.25, 2.25), fov=2, projection="tan", bare=True)
    image = fig.imshow()
    ax = image.axes
    assert image.get_array().shape[:2] == (400, 400)
    # The axes' transform for ICRS puts a cluster where the WCS says, and the pixel there
    # (in the array matplotlib shows, row 0 at the bottom) is the cluster's.
    x, y = ax.wcs.world_to_pixel_values(150.0, 2.0)
    shown = image.get_array()
    background = shown[5, 5]
    assert np.any(shown[int(round(float(y))), int(round(float(x))), :3] != background[:3])
    plt.close("all")

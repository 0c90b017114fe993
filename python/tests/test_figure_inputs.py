"""Every way of handing data in gives the pixels the command line gives for the same
catalog: files, astropy Tables (units and SkyCoord honoured), pandas, pyarrow, NumPy
structured arrays, dicts, arrays of any byte order; and contiguous columns are read in
place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import clusterviz
from clusterviz import _native
from clusterviz._tables import as_input
from conftest import ROOT, assert_close_pixels, assert_same_pixels, cli_pixels

FLAGS = dict(size=(640, 480), center=(150, 2), fov=5)
CLI_FLAGS = ["--size", "640x480", "--center", "150,2", "--fov", "5"]


@pytest.fixture
def expected(tmp_path: Path, clusters_fits: Path) -> np.ndarray:
    return cli_pixels(tmp_path, "--clusters", str(clusters_fits), *CLI_FLAGS)


def test_a_path_gives_the_cli_pixels(clusters_fits, expected):
    fig = clusterviz.figure(clusters=clusters_fits, **FLAGS)
    assert_same_pixels(fig.to_numpy(), expected)
    assert fig.size == (640, 480)


def test_an_astropy_table_gives_the_cli_pixels(clusters_fits, expected):
    from astropy.table import QTable, Table

    assert_same_pixels(clusterviz.figure(clusters=Table.read(clusters_fits), **FLAGS).to_numpy(), expected)
    assert_same_pixels(clusterviz.figure(clusters=QTable.read(clusters_fits), **FLAGS).to_numpy(), expected)


def test_units_are_honoured_radians_and_skycoord(clusters, expected):
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from astropy.table import QTable

    t = QTable()
    t["RA"] = np.radians(clusters["RA"]) * u.rad
    t["DEC"] = np.radians(clusters["DEC"]) * u.rad
    for k in ("Z", "SNR", "ID"):
        t[k] = clusters[k]
    got = clusterviz.figure(clusters=t, **FLAGS).to_numpy()
    # Radians to degrees and back is not exact to the last bit; a marker may move by a
    # fraction of a pixel: compare where markers are, not their exact edge pixels.
    assert np.mean(np.any(got != expected, axis=2)) < 0.002
    # An ICRS SkyCoord column (as astropy users keep positions) becomes RA and Dec.
    s = QTable()
    s["coord"] = SkyCoord(ra=clusters["RA"] * u.deg, dec=clusters["DEC"] * u.deg, frame="icrs")
    for k in ("Z", "SNR", "ID"):
        s[k] = clusters[k]
    assert_same_pixels(clusterviz.figure(clusters=s, **FLAGS).to_numpy(), expected)


def test_pandas_pyarrow_structured_and_dict_give_the_cli_pixels(clusters, expected):
    import pandas as pd
    import pyarrow as pa

    df = pd.DataFrame(clusters)
    assert_same_pixels(clusterviz.figure(clusters=df, **FLAGS).to_numpy(), expected)
    assert_same_pixels(clusterviz.figure(clusters=pa.table(clusters), **FLAGS).to_numpy(), expected)
    rec = np.zeros(len(clusters["RA"]), dtype=[(k, v.dtype) for k, v in clusters.items()])
    for k, v in clusters.items():
        rec[k] = v
    assert_same_pixels(clusterviz.figure(clusters=rec, **FLAGS).to_numpy(), expected)
    lower = {k.lower(): v for k, v in clusters.items()}
    assert_same_pixels(clusterviz.figure(clusters=lower, **FLAGS).to_numpy(), expected)
    # Big-endian arrays (as FITS holds them) and strided views are converted.
    swapped = {k: v.astype(v.dtype.newbyteorder(">")) for k, v in clusters.items()}
    assert_same_pixels(clusterviz.figure(clusters=swapped, **FLAGS).to_numpy(), expected)
    doubled = {k: np.repeat(v, 2)[::2] for k, v in clusters.items()}
    assert_same_pixels(clusterviz.figure(clusters=doubled, **FLAGS).to_numpy(), expected)


def test_roles_can_be_named_by_keyword(clusters, expected):
    renamed = {"alpha": clusters["RA"], "delta": clusters["DEC"], "zz": clusters["Z"],
               "signal": clusters["SNR"], "ID": clusters["ID"]}
    fig = clusterviz.figure(clusters=renamed, ra="alpha", dec="delta", z="zz", snr="signal", **FLAGS)
    assert_same_pixels(fig.to_numpy(), expected)


def test_contiguous_columns_are_read_in_place(clusters):
    table = as_input(clusters, "clusters")
    addresses = dict(_native.column_addresses(("clusters", "merged", table.label, table.columns, table.skipped)))
    for name, values in clusters.items():
        assert addresses[name] == values.ctypes.data, name
    swapped = {"RA": clusters["RA"].astype(">f8"), "DEC": clusters["DEC"]}
    table = as_input(swapped, "clusters")
    addresses = dict(_native.column_addresses(("clusters", "merged", table.label, table.columns, table.skipped)))
    assert addresses["DEC"] == clusters["DEC"].ctypes.data
    assert addresses["RA"] != swapped["RA"].ctypes.data  # byte-swapped once, then read


def test_galaxies_and_a_healpix_array_give_the_cli_pixels(tmp_path):
    from astropy.io import fits
    from astropy.table import Table

    rng = np.random.default_rng(7)
    n = 20000
    gal = {"RA": rng.uniform(147, 153, n), "DEC": rng.uniform(-1, 5, n), "Z": rng.uniform(0, 2, n)}
    Table(gal).write(tmp_path / "galaxies.fits")
    # A full-sky map at NSIDE 16 in RING order, written as healpy writes one.
    nside = 16
    values = np.arange(12 * nside * nside, dtype=np.float64) % 7
    values[::5] = -1.6375e30  # healpy's UNSEEN
    cols = fits.ColDefs([fits.Column(name="T", format="D", array=values)])
    hdu = fits.BinTableHDU.from_columns(cols)
    for k, v in {"PIXTYPE": "HEALPIX", "ORDERING": "RING", "NSIDE": nside, "INDXSCHM": "IMPLICIT",
                 "COORDSYS": "C", "FIRSTPIX": 0, "LASTPIX": 12 * nside * nside - 1}.items():
        hdu.header[k] = v
    hdu.writeto(tmp_path / "map.fits")
    expected = cli_pixels(tmp_path, "--galaxies", str(tmp_path / "galaxies.fits"), "--mask",
                          str(tmp_path / "map.fits"), *CLI_FLAGS)
    from_files = clusterviz.figure(galaxies=tmp_path / "galaxies.fits", mask=tmp_path / "map.fits", **FLAGS)
    assert_same_pixels(from_files.to_numpy(), expected)
    in_memory = clusterviz.figure(galaxies=gal, mask=values, mask_frame="icrs", mask_column="T", **FLAGS)
    assert_same_pixels(in_memory.to_numpy(), expected)


def test_a_redshift_range_keeps_galaxies_in_memory_out_of_the_density(tmp_path):
    """Galaxies handed over in memory are kept by ``z_max`` as a file's are, density
    included: z = 0.2 north of the equator, 0.8 south, drawn as a density."""
    from astropy.table import Table

    rng = np.random.default_rng(11)
    n = 40000
    dec = rng.uniform(-10, 10, n)
    gal = {"RA": rng.uniform(140, 160, n), "DEC": dec, "Z": np.where(dec > 0, 0.2, 0.8)}
    Table(gal).write(tmp_path / "galaxies.fits")
    view = {"center": (150, 0), "fov": 24, "size": (400, 400), "max_markers": 100, "z_max": 0.5, "bare": True}
    expected = cli_pixels(tmp_path, "--galaxies", str(tmp_path / "galaxies.fits"), "--center", "150,0",
                          "--fov", "24", "--size", "400x400", "--max-markers", "100", "--z-max", "0.5", "--bare")
    sky = expected[2, 2, :3]
    assert (expected[230:330, 60:340, :3] == sky).all(axis=2).mean() > 0.99, "no galaxy drawn south"
    assert (expected[70:170, 60:340, :3] != sky).any(axis=2).mean() > 0.9, "the density north"
    in_memory = clusterviz.figure(galaxies=gal, **view)
    assert_same_pixels(in_memory.to_numpy(), expected)


def test_a_hats_catalog_path_gives_the_cli_pixels(tmp_path):
    hats = ROOT / "tests" / "fixtures" / "hats" / "galaxies"
    expected = cli_pixels(tmp_path, "--galaxies", str(hats), "--size", "640x480")
    assert_same_pixels(clusterviz.figure(galaxies=hats, size=(640, 480)).to_numpy(), expected)


def test_the_demo_and_options_as_keywords(tmp_path):
    expected = cli_pixels(tmp_path, "--demo", "--demo-galaxies", "5000", "--size", "500x400",
                          "--snr-min", "6", "--color-by", "snr", "--title", "SNR > 6", "--no-grid")
    fig = clusterviz.figure(demo=True, demo_galaxies=5000, size=(500, 400), snr_min=6, color_by="snr",
                            title="SNR > 6", no_grid=True)
    assert_same_pixels(fig.to_numpy(), expected)


def test_an_lsdb_search_gives_the_cli_pixels_of_the_same_cone(tmp_path):
    import lsdb

    hats = ROOT / "tests" / "fixtures" / "hats" / "galaxies"
    view = ["--size", "480x480", "--center", "150,2", "--fov", "6"]
    expected = cli_pixels(tmp_path, "--galaxies", str(hats), "--cone", "150,2,2", *view)
    subset = lsdb.open_catalog(hats).cone_search(150, 2, 2 * 3600)
    fig = clusterviz.figure(galaxies=subset, size=(480, 480), center=(150, 2), fov=6)
    # LSDB hands the rows over in its own order.
    assert_close_pixels(fig.to_numpy(), expected)


def test_ucds_name_the_roles_as_in_a_votable():
    from astropy.table import Table

    t = Table({"alpha": [150.0, 150.5], "delta": [2.0, 2.5], "zed": [0.3, 0.9]})
    t["alpha"].meta["ucd"] = "pos.eq.ra;meta.main"
    t["delta"].meta["ucd"] = "pos.eq.dec;meta.main"
    t["zed"].meta["ucd"] = "src.redshift"
    renamed = {"RA": t["alpha"].data, "DEC": t["delta"].data, "Z": t["zed"].data}
    a = clusterviz.figure(clusters=t, size=(300, 300), center=(150.25, 2.25), fov=2).to_numpy()
    b = clusterviz.figure(clusters=renamed, size=(300, 300), center=(150.25, 2.25), fov=2).to_numpy()
    assert_same_pixels(a, b)

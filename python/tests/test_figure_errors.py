"""Bad input raises a Python exception with the command line's message, never crashes
the interpreter, and leaves no output file."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clusterviz
from clusterviz import ClusterVizWarning

SMALL = dict(size=(320, 240))


def test_a_missing_coordinate_column_names_what_exists():
    with pytest.raises(ValueError, match=r"no right-ascension column.*columns: alpha, DEC"):
        clusterviz.figure(clusters={"alpha": np.zeros(3), "DEC": np.zeros(3)}, **SMALL)
    with pytest.raises(ValueError, match=r"has no column RA_DEG"):
        clusterviz.figure(clusters={"ra": np.zeros(3), "dec": np.zeros(3)}, ra="RA_DEG", **SMALL)


def test_text_where_numbers_belong_is_refused():
    with pytest.raises(ValueError, match=r"column RA holds <U3 values, not numbers"):
        clusterviz.figure(clusters={"RA": np.array(["1.0", "2.0"]), "DEC": np.zeros(2)}, **SMALL)
    # Text elsewhere is left out, and the figure is drawn.
    fig = clusterviz.figure(clusters={"RA": [150.0], "DEC": [2.0], "NAME": ["ACT-CL J1"]}, **SMALL)
    assert fig.size == (320, 240)


def test_nan_rows_are_dropped_with_a_warning_and_all_nan_is_an_error():
    ra = np.array([150.0, np.nan, 151.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clusterviz.figure(clusters={"RA": ra, "DEC": np.array([1.0, 2.0, 3.0])}, **SMALL)
    texts = [str(w.message) for w in caught if issubclass(w.category, ClusterVizWarning)]
    assert any("1 rows with NaN" in t for t in texts), texts
    with pytest.raises(ValueError, match=r"none of its 2 rows has valid coordinates"):
        clusterviz.figure(clusters={"RA": [np.nan, np.nan], "DEC": [1.0, 2.0]}, **SMALL)
    with pytest.raises(ValueError, match=r"\|Dec\| > 90"):
        clusterviz.figure(clusters={"RA": [10.0], "DEC": [95.0]}, **SMALL)


def test_empty_and_ragged_tables_are_refused():
    with pytest.raises(ValueError, match=r"clusters \(dict of arrays\): has no rows"):
        clusterviz.figure(clusters={"RA": np.zeros(0), "DEC": np.zeros(0)}, **SMALL)
    with pytest.raises(ValueError, match=r"columns differ in length: RA has 3 rows, DEC has 2"):
        clusterviz.figure(clusters={"RA": np.zeros(3), "DEC": np.zeros(2)}, **SMALL)
    with pytest.raises(ValueError, match=r"nothing to draw"):
        clusterviz.figure(**SMALL)


def test_units_that_are_not_angles_are_refused():
    import astropy.units as u
    from astropy.table import QTable

    t = QTable({"RA": [1.0] * u.m, "DEC": [1.0] * u.deg})
    with pytest.raises(ValueError, match=r"column RA: unit 'm' is not an angle"):
        clusterviz.figure(clusters=t, **SMALL)


def test_files_missing_or_corrupt(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.fits: no such file"):
        clusterviz.figure(clusters=tmp_path / "nowhere.fits", **SMALL)
    bad = tmp_path / "merged_bad.fits"
    bad.write_bytes(b"SIMPLE  =                    T" + b" " * 50 + b"garbage")
    with pytest.raises(ValueError, match=r"merged_bad\.fits"):
        clusterviz.figure(clusters=bad, **SMALL)


def test_options_are_checked_as_on_the_command_line():
    data = {"RA": [150.0], "DEC": [2.0]}
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'projectoin'.*'projection'"):
        clusterviz.figure(clusters=data, projectoin="ait")
    with pytest.raises(ValueError, match=r"invalid value 'xyz' for projection\n.*possible values: tan, sin"):
        clusterviz.figure(clusters=data, projection="xyz")
    with pytest.raises(ValueError, match=r"outside"):
        clusterviz.figure(clusters=data, center=(10, 95))
    with pytest.raises(TypeError, match=r"bare is a switch"):
        clusterviz.figure(clusters=data, bare="yes")
    with pytest.raises(TypeError, match=r"expected a file path, an astropy Table"):
        clusterviz.figure(clusters=42)


def test_a_failed_save_leaves_no_file(tmp_path):
    fig = clusterviz.figure(clusters={"RA": [150.0], "DEC": [2.0]}, **SMALL)
    with pytest.raises(ValueError, match=r"\.jpg"):
        fig.save(tmp_path / "fig.jpg")
    assert list(tmp_path.iterdir()) == []

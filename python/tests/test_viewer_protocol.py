"""The notebook viewer's protocol, without a browser: the messages a browser sends move,
zoom, pick and select as in `clusterviz view`, frames come back as PNG, and the view,
the selection and the controls are readable and settable from Python."""

from __future__ import annotations

import numpy as np
import pytest

from clusterviz import ViewerCore
from clusterviz._figure import _Scene
from conftest import cluster_columns, png_pixels


def open_core(data, **options):
    frames: list[bytes] = []
    scene = _Scene(data, None, None, None, False, "icrs", options, "Viewer")
    core = ViewerCore(scene, (900, 600), frames.append)
    assert core.wait_idle()
    return core, frames


def canvas_point(core, fx=0.5, fy=0.5):
    v = core.view
    (ox, oy), (w, h) = v["canvas_origin"], v["canvas_size"]
    return ox + w * fx, oy + h * fy


def send(core, *msgs):
    for m in msgs:
        core.handle(m)
    assert core.wait_idle()


@pytest.fixture
def core():
    core, frames = open_core(cluster_columns(), center=(150, 2), fov=4)
    yield core, frames
    core.close()


def test_frames_arrive_at_the_widget_size(core):
    core, frames = core
    assert frames and png_pixels(frames[-1]).shape == (600, 900, 4)
    v = core.view
    assert v["projection"] == "TAN" and v["center"] == pytest.approx((150, 2))
    assert v["fov"] == pytest.approx(4)


def test_a_drag_pans_by_the_pixels_dragged(core):
    core, _ = core
    v0 = core.view
    x, y = canvas_point(core)
    dx = 120
    send(core, {"type": "down", "x": x, "y": y}, {"type": "move", "x": x + dx / 2, "y": y},
         {"type": "move", "x": x + dx, "y": y}, {"type": "up", "x": x + dx, "y": y})
    v1 = core.view
    per_px = v0["fov"] / v0["canvas_size"][0]
    # Dragging the sky right brings what lay to the east (larger RA) to the centre.
    assert v1["center"][0] - v0["center"][0] == pytest.approx(dx * per_px, rel=0.02)
    assert v1["center"][1] == pytest.approx(v0["center"][1], abs=per_px)
    assert v1["fov"] == pytest.approx(v0["fov"])


def test_the_wheel_zooms_about_the_cursor(core):
    core, _ = core
    v0 = core.view
    x, y = canvas_point(core)
    send(core, {"type": "wheel", "x": x, "y": y, "notches": 1})
    v1 = core.view
    assert v1["fov"] < v0["fov"] * 0.95
    assert v1["center"] == pytest.approx(v0["center"], abs=1e-6)  # at the centre: no shift
    send(core, {"type": "wheel", "x": x, "y": y, "notches": -1})
    assert core.view["fov"] == pytest.approx(v0["fov"], rel=1e-6)


def test_a_click_selects_the_nearest_object_and_python_reads_it():
    data = cluster_columns()
    # One cluster exactly at the centre, the others at least 0.3 deg away.
    far = np.hypot(data["RA"] - 150, data["DEC"] - 2) > 0.3
    data = {k: np.concatenate([[v[0]], v[far]]) for k, v in data.items()}
    data["RA"][0], data["DEC"][0], data["ID"][0] = 150.0, 2.0, 4242
    core, _ = open_core(data, center=(150, 2), fov=4)
    try:
        assert core.selected is None
        x, y = canvas_point(core)
        send(core, {"type": "move", "x": x + 3, "y": y - 2}, {"type": "down", "x": x + 3, "y": y - 2},
             {"type": "up", "x": x + 3, "y": y - 2})
        sel = core.selected
        assert sel is not None and sel["layer"] == "Merged clusters"
        assert sel["columns"]["ID"] == 4242 and sel["columns"]["RA"] == 150.0
    finally:
        core.close()


def test_controls_set_from_python_change_the_picture(core):
    core, frames = core
    before = png_pixels(frames[-1])
    c = core.controls
    assert c["layers"]["Merged"]["visible"] is True
    c["layers"]["Merged"]["visible"] = False
    core.controls = c
    assert core.wait_idle()
    after = png_pixels(frames[-1])
    assert core.controls["layers"]["Merged"]["visible"] is False
    x, y = canvas_point(core)
    h = 40
    region = (slice(int(y) - h, int(y) + h), slice(int(x) - h, int(x) + h))
    assert np.any(before[region] != after[region])
    with pytest.raises(ValueError, match="controls"):
        core.controls = {"layers": 3}


def test_keys_and_resize(core):
    core, frames = core
    v0 = core.view
    send(core, {"type": "key", "key": "+"})
    assert core.view["fov"] < v0["fov"]
    send(core, {"type": "key", "key": "F13"}, {"type": "resize", "width": 700, "height": 500})
    assert png_pixels(frames[-1]).shape == (500, 700, 4)


def test_the_widget_carries_the_protocol_and_returns_an_astropy_row():
    import clusterviz

    data = {"RA": np.array([150.0]), "DEC": np.array([2.0]), "Z": np.array([0.7]), "NAME": ["ACT-CL J1"]}
    w = clusterviz.Viewer(clusters=data, size=(640, 480), center=(150, 2), fov=1)
    try:
        assert w.width == 640 and w.height == 480
        assert "export default" in w._esm
        x, y = canvas_point(w.core)
        for m in ({"type": "down", "x": x, "y": y}, {"type": "up", "x": x, "y": y}):
            w._on_browser(w, m, [])
        assert w.core.wait_idle()
        row = w.selected_row()
        assert row["RA"] == 150.0 and row["Z"] == pytest.approx(0.7)
        assert row.meta["layer"] == "Merged clusters"
        w.set_filters(z=(0.8, None))
        assert w.controls["z"]["min"] == pytest.approx(0.8)
        w.show("merged", False)
        assert w.controls["layers"]["Merged"]["visible"] is False
        with pytest.raises(ValueError, match="layer 'stars'"):
            w.show("stars")
        assert png_pixels(w.screenshot()).shape == (480, 640, 4)
    finally:
        w.close()


def test_the_view_exports_its_wcs(core):
    core, frames = core
    wcs = core.wcs()
    v = core.view
    (ox, oy), (w, h) = v["canvas_origin"], v["canvas_size"]
    # The canvas centre (in FITS pixels, rows from the bottom of the frame) is the view's.
    cx, cy = ox + w / 2, 600 - (oy + h / 2)
    ra, dec = wcs.pixel_to_world_values(cx - 0.5, cy - 0.5)
    assert (float(ra), float(dec)) == pytest.approx(v["center"], abs=v["fov"] / w)
    assert wcs.pixel_shape == (900, 600)

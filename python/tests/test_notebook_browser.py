"""The viewer widget in a real notebook page: a Jupyter server (Voilà, which runs the
notebook on a kernel and serves its widgets live) and headless Chromium driven by
Playwright. The page shows the kernel's frames; a drag, the wheel and a click in the
browser pan, zoom and select in the kernel's viewer."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

NOTEBOOK_CELLS = [
    """import json, os
import numpy as np
import clusterviz

rng = np.random.default_rng(5)
n = 300
ra, dec = rng.uniform(146, 154, n), rng.uniform(-2, 6, n)
far = np.hypot(ra - 150, dec - 2) > 0.4
ra, dec = np.concatenate([[150.0], ra[far]]), np.concatenate([[2.0], dec[far]])
data = {"RA": ra, "DEC": dec, "Z": rng.uniform(0.1, 1.5, len(ra)), "ID": np.arange(len(ra))}
w = clusterviz.Viewer(clusters=data, size=(960, 600), center=(150, 2), fov=4)
report = os.environ["CLUSTERVIZ_VIEW_REPORT"]
send = w._send_frame


def send_and_report(png):
    # What the kernel's viewer shows, for the test to read beside the page.
    send(png)
    state = {"view": w.view, "frames": w.core.frames, "selected": w.selected}
    with open(report + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(report + ".tmp", report)


w.core._on_frame = send_and_report
w""",
]


def notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
              "source": src} for src in NOTEBOOK_CELLS]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                       "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    t0 = time.time()
    while time.time() - t0 < timeout:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def voila(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("no Chromium: scripts/setup.sh installs Debian's chromium")
    nb = tmp_path / "viewer.ipynb"
    notebook(nb)
    report = tmp_path / "view.json"
    port = free_port()
    env = dict(os.environ, CLUSTERVIZ_VIEW_REPORT=str(report))
    log = open(tmp_path / "voila.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(nb), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--Voila.tornado_settings={'headers':{'Content-Security-Policy':''}}"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}/", report, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def read_report(report: Path) -> dict | None:
    try:
        return json.loads(report.read_text())
    except (OSError, ValueError):
        return None


def test_the_widget_in_chromium_pans_zooms_and_selects(voila):
    from playwright.sync_api import sync_playwright

    url, report, tmp = voila
    shots = Path(os.environ.get("CLUSTERVIZ_SCREENSHOTS", tmp))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            t0 = time.time()
            wait_for(lambda: _goto(page, url), 60, "the Jupyter server")
            img = page.locator("img.clusterviz-viewer")
            img.wait_for(timeout=120_000)
            wait_for(lambda: int(img.get_attribute("data-frames") or 0) >= 1, 60, "a first frame in the page")
            first = wait_for(lambda: read_report(report), 30, "the kernel's report")
            print(f"first frame in the page after {time.time() - t0:.1f} s")
            page.screenshot(path=str(shots / "notebook_widget.png"))

            box = img.bounding_box()
            scale = box["width"] / 960
            v0 = first["view"]
            (ox, oy), (cw, ch) = v0["canvas_origin"], v0["canvas_size"]
            cx, cy = box["x"] + (ox + cw / 2) * scale, box["y"] + (oy + ch / 2) * scale

            # A drag to the right: the kernel's view moves east by the pixels dragged.
            dx = 100
            page.mouse.move(cx, cy)
            page.mouse.down()
            for k in range(1, 11):
                page.mouse.move(cx + dx * k / 10, cy)
                time.sleep(0.05)
            page.mouse.up()
            per_px = v0["fov"] / cw
            moved = wait_for(
                lambda: (r := read_report(report)) and r["view"]["center"][0] - v0["center"][0] > 0.5 * dx * per_px / scale and r,
                30, "the drag to reach the kernel")
            time.sleep(1.0)
            moved = read_report(report)
            assert moved["view"]["center"][0] - v0["center"][0] == pytest.approx(dx / scale * per_px, rel=0.1)

            # The wheel zooms in.
            page.mouse.move(cx, cy)
            page.mouse.wheel(0, -200)
            wait_for(lambda: (r := read_report(report)) and r["view"]["fov"] < 0.9 * v0["fov"], 30, "the wheel's zoom")

            # Back with the key R (reset), then a click on the cluster at the centre.
            img.focus()
            page.keyboard.press("r")
            wait_for(lambda: (r := read_report(report)) and abs(r["view"]["center"][0] - 150) < 1e-6
                     and abs(r["view"]["fov"] - v0["fov"]) < 1e-6, 30, "the reset")
            page.mouse.click(cx, cy)
            sel = wait_for(lambda: (r := read_report(report)) and r["selected"], 30, "a selection")
            assert sel["columns"]["RA"] == 150.0 and sel["columns"]["ID"] == 0
            time.sleep(0.5)
            page.screenshot(path=str(shots / "notebook_widget_selected.png"))
            frames = int(img.get_attribute("data-frames") or 0)
            assert frames >= 4, frames
        finally:
            browser.close()


def _goto(page, url) -> bool:
    try:
        page.goto(url, timeout=10_000)
        return True
    except Exception:  # the server is still starting
        return False

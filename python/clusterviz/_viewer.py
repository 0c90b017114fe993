"""The live viewer in a notebook: the native viewer (sky, panels, picking) rendered by
Rust offscreen, its frames streamed to the browser as PNG, the browser's pointer, wheel
and keys sent back. ``ViewerCore`` is the protocol without any widget library (tested
without a browser); ``Viewer`` is the anywidget that carries it to the page."""

from __future__ import annotations

import json
import queue
import threading
from pathlib import Path
from typing import Any, Callable, Optional

from . import _native
from ._figure import _raise_pythonic, _relay, _Scene, wcs_of

_STOP = object()

#: The least time between two frames a settling view asks for, in seconds.
_MIN_REPAINT = 0.03


class ViewerCore:
    """One viewer session and the thread that draws it: messages in (``handle``), frames
    out (to ``on_frame(png)``). Messages are dicts, as the browser sends them:
    ``{"type": "down"|"up"|"move", "x", "y"}``, ``{"type": "wheel", "x", "y",
    "notches"}``, ``{"type": "leave"}``, ``{"type": "key", "key"}``, ``{"type": "text",
    "text"}``, ``{"type": "resize", "width", "height"}``, ``{"type": "ready"}``."""

    def __init__(self, scene: _Scene, size: tuple[int, int], on_frame: Callable[[bytes], None]):
        try:
            self._session, messages = _native.Session.open(scene.words, scene.tables, scene.mask, tuple(size))
        except (ValueError, OSError, RuntimeError) as e:
            _raise_pythonic(e)
        _relay(messages)
        self._on_frame = on_frame
        self._inbox: "queue.Queue[Any]" = queue.Queue()
        self._idle = threading.Event()
        self._lock = threading.Lock()
        self.last_frame: Optional[bytes] = None
        self.frames = 0
        self._thread = threading.Thread(target=self._run, name="clusterviz-viewer", daemon=True)
        self._thread.start()
        self.handle({"type": "ready"})

    # -- input ------------------------------------------------------------------------
    def handle(self, msg: dict) -> None:
        """Queues one message from the browser; a frame follows."""
        self._idle.clear()
        self._inbox.put(msg)

    def _apply(self, msg: dict) -> None:
        s, kind = self._session, msg.get("type")
        if kind == "move":
            s.pointer_move(float(msg["x"]), float(msg["y"]))
        elif kind in ("down", "up"):
            s.pointer_move(float(msg["x"]), float(msg["y"]))
            s.pointer_button(float(msg["x"]), float(msg["y"]), kind == "down")
        elif kind == "wheel":
            s.wheel(float(msg["x"]), float(msg["y"]), float(msg["notches"]))
        elif kind == "leave":
            s.pointer_gone()
        elif kind == "key":
            try:
                s.key(str(msg["key"]))
            except ValueError:
                pass  # keys the viewer has no use for (Shift, F5, ...)
        elif kind == "text":
            s.text(str(msg["text"]))
        elif kind == "resize":
            s.resize(int(msg["width"]), int(msg["height"]))

    # -- drawing ----------------------------------------------------------------------
    def _run(self) -> None:
        again: Optional[float] = None
        while True:
            try:
                first = self._inbox.get(timeout=again) if again is not None else self._inbox.get()
                batch = [first]
            except queue.Empty:
                batch = []  # the view asked to be drawn again (settling, data arriving)
            while True:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            if any(m is _STOP for m in batch):
                return
            with self._lock:
                # Moves in a row count as the last; a press or a release gets a frame of
                # its own, as in a window (a drag is a press, moves over frames, a release).
                batch = [m for i, m in enumerate(batch)
                         if not (m.get("type") == "move" and i + 1 < len(batch)
                                 and batch[i + 1].get("type") == "move")]
                for i, m in enumerate(batch):
                    self._apply(m)
                    if i + 1 < len(batch) and m.get("type") in ("down", "up", "move", "key", "wheel"):
                        self._session.step()
                png, again = self._session.frame()
                self.last_frame = png
                self.frames += 1
            if again is not None:
                again = max(again, _MIN_REPAINT)
            self._on_frame(png)
            if again is None and self._inbox.empty():
                self._idle.set()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Waits until every message is drawn and the view has settled."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._inbox.put(_STOP)
        self._thread.join(timeout=10)

    # -- state ------------------------------------------------------------------------
    @property
    def view(self) -> dict:
        """Centre (lon, lat in the view's frame, degrees), field (degrees), projection,
        frame, rotation, and the canvas's place in the frame (pixels)."""
        with self._lock:
            return self._session.view()

    @property
    def selected(self) -> Optional[dict]:
        """The selected object: ``{"layer", "row", "columns": {name: value}}``, or None."""
        with self._lock:
            return self._session.selected()

    def wcs(self) -> Any:
        """The celestial WCS of the frames' pixels (an ``astropy.wcs.WCS``; the sky's
        canvas placed in the frame)."""
        from astropy.io import fits

        with self._lock:
            try:
                cards = self._session.wcs_cards()
            except ValueError as e:
                _raise_pythonic(e)
        text = "".join(f"{k:<8}= {v}".ljust(80) for k, v in cards)
        header = fits.Header.fromstring(text)
        return wcs_of(header, (int(header["IMAGEW"]), int(header["IMAGEH"])))

    @property
    def controls(self) -> dict:
        """Layers, filters and colours, as the panels set them."""
        with self._lock:
            return json.loads(self._session.controls())

    @controls.setter
    def controls(self, value: dict) -> None:
        with self._lock:
            try:
                self._session.set_controls(json.dumps(value))
            except ValueError as e:
                _raise_pythonic(e)
        self.handle({"type": "redraw"})


class _ViewerApi:
    """What a viewer offers Python, whatever carries its frames."""

    core: ViewerCore

    @property
    def view(self) -> dict:
        """The current view: ``center``, ``fov``, ``projection``, ``frame``, ``rotation``."""
        return self.core.view

    @property
    def selected(self) -> Optional[dict]:
        """The selected object's layer, row and columns, or None."""
        return self.core.selected

    def selected_row(self) -> Any:
        """The selected object as an astropy Table row (None when nothing is selected)."""
        sel = self.selected
        if sel is None:
            return None
        from astropy.table import Table

        cols = sel["columns"]
        table = Table({k: [v] for k, v in cols.items()}, meta={"layer": sel["layer"], "row": sel["row"]})
        return table[0]

    def wcs(self) -> Any:
        """The current view's celestial WCS over the frame's pixels (astropy)."""
        return self.core.wcs()

    @property
    def controls(self) -> dict:
        """Layers, filters and colours (a dict in the viewer's own form)."""
        return self.core.controls

    @controls.setter
    def controls(self, value: dict) -> None:
        self.core.controls = value

    def set_filters(self, snr: Any = None, z: Any = None) -> None:
        """Keeps clusters with SNR and redshift in ``(lo, hi)`` (None: no limit on that
        end; ``()``: no filter)."""
        c = self.controls
        for key, rng in (("snr", snr), ("z", z)):
            if rng is None:
                continue
            if len(rng) == 0:
                c[key] = None
                continue
            lo, hi = rng
            big = 3.4e38
            c[key] = {"min": -big if lo is None else float(lo), "max": big if hi is None else float(hi)}
        self.controls = c

    def show(self, layer: str, visible: bool = True) -> None:
        """Shows or hides a layer: Merged, Pzwav, Amico, Core, Lev1, Galaxies,
        GalaxyDensity or Mask."""
        c = self.controls
        names = {k.lower(): k for k in c["layers"]}
        key = names.get(layer.lower().replace("_", "").replace(" ", ""))
        if key is None:
            raise ValueError(f"layer {layer!r}: one of {', '.join(c['layers'])}")
        c["layers"][key]["visible"] = bool(visible)
        self.controls = c

    def screenshot(self) -> bytes:
        """The last frame as PNG bytes."""
        self.core.wait_idle()
        return self.core.last_frame or b""


def _esm() -> str:
    return (Path(__file__).parent / "viewer.js").read_text()


try:
    import anywidget as _anywidget
except ImportError:  # the widget needs anywidget; figures do not
    _anywidget = None


if _anywidget is not None:
    import traitlets

    class Viewer(_anywidget.AnyWidget, _ViewerApi):
        """The live viewer in a notebook (drag to pan, wheel to zoom, click to select;
        the panels as in ``clusterviz view``). Takes ``figure``'s data arguments and
        options, and ``size=(width, height)`` of the widget in pixels."""

        _esm = _esm()
        width = traitlets.Int(960).tag(sync=True)
        height = traitlets.Int(600).tag(sync=True)

        def __init__(self, clusters: Any = None, galaxies: Any = None, tiles: Any = None, mask: Any = None, *,
                     size: tuple[int, int] = (960, 600), mask_nest: bool = False, mask_frame: str = "icrs",
                     **render_options: Any) -> None:
            super().__init__(width=int(size[0]), height=int(size[1]))
            scene = _Scene(clusters, galaxies, tiles, mask, mask_nest, mask_frame, render_options, "Viewer")
            self.core = ViewerCore(scene, (int(size[0]), int(size[1])), self._send_frame)
            self.on_msg(self._on_browser)

        def _send_frame(self, png: bytes) -> None:
            self.send({"type": "frame"}, buffers=[png])

        def _on_browser(self, _widget: Any, msg: Any, _buffers: Any) -> None:
            if isinstance(msg, dict):
                self.core.handle(msg)

        def close(self) -> None:
            self.core.close()
            super().close()

"""clusterviz: GPU-accelerated figures and a live viewer of galaxy-cluster survey data.

>>> import clusterviz
>>> fig = clusterviz.figure(clusters=my_table, projection="ait", size=(2048, 1024))
>>> fig.save("clusters.pdf")
>>> clusterviz.Viewer(clusters=my_table)          # in a notebook: drag, wheel, click
>>> clusterviz.view(clusters=my_table)            # the native window, from a script

The renderer is the clusterviz Rust library (wgpu; Mesa's lavapipe where there is no
GPU): the same pixels as ``clusterviz render`` for the same inputs and options.
"""

from typing import Any

from . import _native
from ._figure import ClusterVizWarning, Figure, figure, view
from ._native import __version__
from ._viewer import ViewerCore


def gpu_info(backend: str = "auto") -> str:
    """The adapter figures are drawn on, e.g. ``"llvmpipe (...) (Vulkan)"``."""
    return _native.gpu_info(backend)


def __getattr__(name: str) -> Any:
    # The notebook widget needs anywidget, which figures do not.
    if name == "Viewer":
        from . import _viewer

        if not hasattr(_viewer, "Viewer"):
            raise ImportError("clusterviz.Viewer needs anywidget: pip install anywidget")
        return _viewer.Viewer
    raise AttributeError(f"module 'clusterviz' has no attribute {name!r}")


__all__ = ["ClusterVizWarning", "Figure", "Viewer", "ViewerCore", "figure", "gpu_info", "view", "__version__"]

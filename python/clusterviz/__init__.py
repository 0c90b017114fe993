"""clusterviz: GPU-accelerated figures of galaxy-cluster survey data, from Python.

>>> import clusterviz
>>> fig = clusterviz.figure(clusters=my_table, projection="ait", size=(2048, 1024))
>>> fig.save("clusters.pdf")

The renderer is the clusterviz Rust library (wgpu; Mesa's lavapipe where there is no
GPU): the same pixels as ``clusterviz render`` for the same inputs and options.
"""

from ._figure import ClusterVizWarning, Figure, figure
from ._native import __version__


def gpu_info(backend: str = "auto") -> str:
    """The adapter figures are drawn on, e.g. ``"llvmpipe (...) (Vulkan)"``."""
    return _native.gpu_info(backend)


from . import _native  # noqa: E402

__all__ = ["ClusterVizWarning", "Figure", "figure", "gpu_info", "__version__"]

"""Regenerate assets/colormaps.txt: 256-entry sRGB tables sampled from matplotlib.

viridis, plasma, inferno, magma and cividis are public domain (CC0); turbo is
Apache-2.0 (Google). Run: python3 tools/gen_colormaps.py > assets/colormaps.txt
"""
import matplotlib

NAMES = ["viridis", "plasma", "inferno", "magma", "cividis", "turbo", "gray"]
print("# 256-entry sRGB colormap tables sampled from matplotlib", matplotlib.__version__)
print("# viridis/plasma/inferno/magma/cividis: CC0; turbo: Apache-2.0 (Google LLC)")
for name in NAMES:
    cmap = matplotlib.colormaps[name]
    hexes = []
    for i in range(256):
        r, g, b, _ = cmap(i / 255.0)
        hexes.append("%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255)))
    print(name, " ".join(hexes))

"""A uniform all-sky galaxy catalog (the shape of Gaia, eROSITA or a full Euclid release)
for the all-sky benchmarks: N rows of RA, DEC (float64, degrees), Z and MAG (float32).

Usage: python allsky_catalog.py OUT.fits [N]   (needs numpy and astropy)
"""
import sys

import numpy as np
from astropy.io import fits

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
rng = np.random.default_rng(7)
ra = rng.uniform(0.0, 360.0, n)
# Uniform on the sphere: sin(dec) uniform in [-1, 1].
dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
z = rng.gamma(2.0, 0.3, n).astype(np.float32)
mag = rng.normal(23.0, 1.5, n).astype(np.float32)
columns = [
    fits.Column(name="RA", format="D", unit="deg", array=ra),
    fits.Column(name="DEC", format="D", unit="deg", array=dec),
    fits.Column(name="Z", format="E", array=z),
    fits.Column(name="MAG", format="E", array=mag),
]
fits.BinTableHDU.from_columns(columns, name="GALAXIES").writeto(out, overwrite=True)

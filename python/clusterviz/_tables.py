"""Data objects as the columns clusterviz reads: astropy Tables (units and SkyCoord
columns honoured), pandas DataFrames, pyarrow Tables, NumPy structured arrays, dicts of
arrays and LSDB catalogs. Numeric columns are handed over as contiguous arrays of native
byte order; an array that already is one is not copied."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Table:
    """A table ready for the renderer: columns ``(name, unit, ucd, kind, array)`` and the
    columns left out, ``(name, what they hold)``."""

    label: str
    columns: list[tuple[str, str, str, str, np.ndarray]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def is_path(obj: Any) -> bool:
    return isinstance(obj, (str, os.PathLike))


def _module(obj: Any) -> str:
    return type(obj).__module__ or ""


def native_array(values: Any) -> tuple[str, np.ndarray] | str:
    """``(kind, array)`` for a numeric one-dimensional array, where kind is one of f8,
    f4, i8, i2, u8; or, for anything else, what it holds (to name it in messages)."""
    if isinstance(values, np.ma.MaskedArray):
        if values.dtype.kind == "f":
            values = values.filled(np.nan)
        elif values.dtype.kind in "iub" and np.ma.getmaskarray(values).any():
            values = values.astype(np.float64).filled(np.nan)
        else:
            values = values.filled()
    arr = np.asarray(values)
    if arr.ndim != 1:
        return f"an array of shape {arr.shape}"
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind == "f":
        target = {8: np.float64, 4: np.float32}.get(size, np.float32 if size < 4 else np.float64)
    elif kind == "i":
        target = {8: np.int64, 2: np.int16}.get(size, np.int64)
    elif kind == "u":
        target = np.uint64 if size == 8 else np.int64
    elif kind == "b":
        target = np.int16
    else:
        return f"{arr.dtype} values"
    target = np.dtype(target)
    if arr.dtype != target:  # also a foreign byte order: '>f8' != '=f8'
        arr = arr.astype(target)
    arr = np.ascontiguousarray(arr)
    code = {np.float64: "f8", np.float32: "f4", np.int64: "i8", np.int16: "i2", np.uint64: "u8"}
    return code[target.type], arr


def _add(table: Table, name: str, values: Any, unit: str = "", ucd: str = "") -> None:
    got = native_array(values)
    if isinstance(got, str):
        table.skipped.append((str(name), got))
    else:
        kind, arr = got
        table.columns.append((str(name), unit, ucd, kind, arr))


def _unit_text(unit: Any) -> str:
    if unit is None:
        return ""
    to_string = getattr(unit, "to_string", None)
    return to_string() if to_string else str(unit)


def _is_skycoord(obj: Any) -> bool:
    return _module(obj).startswith("astropy.coordinates") and hasattr(obj, "icrs")


def _add_skycoord(table: Table, name: str, coord: Any, taken: set[str]) -> None:
    icrs = coord.icrs
    ra, dec = ("RA", "DEC") if not {"ra", "dec"} & taken else (f"{name}_RA", f"{name}_DEC")
    _add(table, ra, np.asarray(icrs.ra.deg, dtype=np.float64), "deg", "pos.eq.ra;meta.main")
    _add(table, dec, np.asarray(icrs.dec.deg, dtype=np.float64), "deg", "pos.eq.dec;meta.main")


def _add_quantity_or_array(table: Table, name: str, values: Any, taken: set[str]) -> None:
    if _is_skycoord(values):
        _add_skycoord(table, name, values, taken)
    elif hasattr(values, "unit") and hasattr(values, "value") and _module(values).startswith("astropy"):
        _add(table, name, values.value, _unit_text(values.unit))
    else:
        _add(table, name, values)


def _from_astropy(obj: Any, label: str) -> Table:
    table = Table(label)
    taken = {str(n).lower() for n in obj.colnames}
    for name in obj.colnames:
        col = obj[name]
        if _is_skycoord(col):
            _add_skycoord(table, name, col, taken)
            continue
        ucd = ""
        meta = getattr(col, "meta", None) or {}
        if isinstance(meta, dict):
            ucd = str(meta.get("ucd", "") or "")
        unit = _unit_text(getattr(col, "unit", None))
        # MaskedColumn is a masked array (missing values become NaN); Quantity and
        # Column give their plain values.
        values = col if isinstance(col, np.ma.MaskedArray) else getattr(col, "value", col)
        if not hasattr(values, "dtype"):
            table.skipped.append((name, f"{type(col).__name__} values"))
            continue
        _add(table, name, values, unit, ucd)
    return table


def _from_pandas(obj: Any, label: str) -> Table:
    table = Table(label)
    for name in obj.columns:
        s = obj[name]
        dtype = s.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
            _add(table, name, s.to_numpy())
        elif getattr(dtype, "kind", "O") in "fiub":
            # Nullable and Arrow-backed types (Int64, Float32, double[pyarrow], ...): their
            # own NumPy type, or floats with NaN where values are missing.
            own = np.dtype(getattr(dtype, "numpy_dtype", np.float64))
            if s.isna().any():
                own = own if own.kind == "f" else np.dtype(np.float64)
                _add(table, name, s.to_numpy(dtype=own, na_value=np.nan))
            else:
                _add(table, name, s.to_numpy(dtype=own))
        else:
            table.skipped.append((str(name), f"{dtype} values"))
    return table


def _from_arrow(obj: Any, label: str) -> Table:
    import pyarrow as pa

    table = Table(label)
    for f in obj.schema:
        col = obj.column(f.name)
        t = f.type
        unit = ""
        if f.metadata:
            unit = (f.metadata.get(b"unit") or b"").decode("utf-8", "replace")
        if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t):
            nulls = col.null_count
            if nulls and not pa.types.is_floating(t):
                values = col.cast(pa.float64()).to_numpy()  # nulls become NaN
            else:
                values = col.to_numpy()
                if nulls:
                    values = np.where(col.is_null().to_numpy(zero_copy_only=False), np.nan, values)
            _add(table, f.name, values, unit)
        else:
            table.skipped.append((f.name, f"{t} values"))
    return table


def as_input(obj: Any, role: str) -> str | Table:
    """A path (as the command line takes it) or a table in memory."""
    if is_path(obj):
        return os.fspath(obj)
    mod = _module(obj)
    kind = type(obj).__name__
    label = f"{role} ({kind})"
    if mod.startswith("lsdb") and hasattr(obj, "compute"):
        # An LSDB catalog may be a search or a query of the catalog on disk, so its rows
        # are computed (a whole catalog out of core: give its folder's path instead).
        obj = obj.compute()
        mod, label = _module(obj), f"{role} (LSDB catalog)"
        return _from_pandas(obj, label)
    if mod.startswith("astropy") and hasattr(obj, "colnames"):
        return _from_astropy(obj, f"{role} (astropy {kind})")
    if mod.startswith("pandas") and hasattr(obj, "columns") and hasattr(obj, "dtypes"):
        return _from_pandas(obj, f"{role} (pandas DataFrame)")
    if mod.startswith("pyarrow") and hasattr(obj, "schema") and hasattr(obj, "column"):
        return _from_arrow(obj, f"{role} (pyarrow {kind})")
    if isinstance(obj, np.ndarray) and obj.dtype.names:
        table = Table(f"{role} (NumPy structured array)")
        for name in obj.dtype.names:
            _add(table, name, obj[name])
        return table
    if hasattr(obj, "keys") and hasattr(obj, "__getitem__"):
        table = Table(f"{role} (dict of arrays)")
        taken = {str(k).lower() for k in obj.keys()}
        for name in obj.keys():
            _add_quantity_or_array(table, str(name), obj[name], taken)
        return table
    raise TypeError(
        f"{role}: expected a file path, an astropy Table, a pandas DataFrame, a pyarrow "
        f"Table, a NumPy structured array or a dict of arrays, got {mod}.{kind}"
    )


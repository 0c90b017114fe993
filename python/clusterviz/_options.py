"""Keyword arguments as ``clusterviz render`` flags: ``snr_min=5`` is ``--snr-min 5``,
``center=(150, 2)`` is ``--center 150,2``, ``size=(2048, 1024)`` is ``--size 2048x1024``,
``bare=True`` is ``--bare``. The flags are parsed and checked by the command line's own
code, so every option of ``render`` is a keyword, with the same values and messages."""

from __future__ import annotations

import difflib
import os
import re
from functools import lru_cache
from typing import Any

from . import _native


@lru_cache(maxsize=1)
def render_flags() -> dict[str, tuple[bool, bool, str]]:
    """``{keyword: (takes a value, takes several, help)}`` for every flag of render."""
    return {
        name.replace("-", "_"): (takes, multiple, help)
        for name, takes, multiple, help in _native.render_flags()
    }


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def flag_words(options: dict[str, Any], caller: str) -> list[str]:
    """The command-line words of ``options``; a keyword render does not know is a
    TypeError naming the closest one."""
    flags = render_flags()
    words: list[str] = []
    for key, value in options.items():
        if key not in flags:
            close = difflib.get_close_matches(key, list(flags), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{caller}() got an unexpected keyword argument {key!r}{hint}")
        if value is None or value is False:
            continue
        takes, multiple, _ = flags[key]
        flag = "--" + key.replace("_", "-")
        if not takes:
            if value is not True:
                raise TypeError(f"{caller}(): {key} is a switch: give {key}=True")
            words.append(flag)
            continue
        if value is True:
            raise TypeError(f"{caller}(): {key} takes a value, not True")
        if isinstance(value, (list, tuple)):
            if multiple:
                words += [flag, *(_word(v) for v in value)]
            elif key == "size" and len(value) == 2:
                words += [flag, f"{_word(value[0])}x{_word(value[1])}"]
            else:
                words += [flag, ",".join(_word(v) for v in value)]
        else:
            words += [flag, _word(value)]
    return words


_QUOTED_FLAG = re.compile(r"'--([a-z][a-z0-9-]*)(?: <[A-Z_]+>(?:\.\.\.)?)?'")
_FLAG = re.compile(r"--([a-z][a-z0-9-]*)")


def pythonic(message: str) -> str:
    """A command-line message with its flags named as keywords: ``'--projection
    <PROJECTION>'`` becomes ``projection``, ``--snr-min`` becomes ``snr_min=``."""
    flags = render_flags()

    def quoted(m: re.Match[str]) -> str:
        key = m.group(1).replace("-", "_")
        return key if key in flags else m.group(0)

    def bare(m: re.Match[str]) -> str:
        key = m.group(1).replace("-", "_")
        return f"{key}=" if key in flags else m.group(0)

    return _FLAG.sub(bare, _QUOTED_FLAG.sub(quoted, message))

"""Timestamps as transcripts write them, to seconds."""

from __future__ import annotations

import re

TIME_PATTERN = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
"""A clock-style timestamp: ``0:03``, ``12:03``, ``1:02:03``, ``00:01:02.500``, ``00:01:02,5``."""

_TIME = re.compile(r"(\d+)(?::(\d+))(?::(\d+))?(?:[.,](\d+))?")


def parse_time(value: str) -> float | None:
    """Seconds from a ``m:ss``, ``h:mm:ss`` or ``h:mm:ss.fff`` timestamp (None if not one).

    A timestamp with two fields is minutes and seconds; with three, hours, minutes, seconds.
    The fraction after ``.`` or ``,`` is a decimal fraction of a second.

    Examples
    --------
    >>> parse_time("0:03"), parse_time("1:02:03"), parse_time("00:01:02.500"), parse_time("75:10")
    (3.0, 3723.0, 62.5, 4510.0)
    """
    m = _TIME.fullmatch(value.strip())
    if m is None:
        return None
    a, b, c, frac = m.groups()
    if c is None:
        seconds = int(a) * 60 + int(b)
    else:
        seconds = int(a) * 3600 + int(b) * 60 + int(c)
    if frac:
        return seconds + int(frac) / 10 ** len(frac)
    return float(seconds)

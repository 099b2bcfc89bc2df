"""Timestamps as transcripts write them (``1:02:03``, Teams' ``3 minutes 5 seconds``), to seconds."""

from __future__ import annotations

import re

TIME_PATTERN = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
"""A clock-style timestamp: ``0:03``, ``12:03``, ``1:02:03``, ``00:01:02.500``, ``00:01:02,5``."""

SPOKEN_TIME_PATTERN = (r"(?:\d{1,3} hours?(?: \d{1,2} minutes?)?(?: \d{1,2} seconds?)?"
                       r"|\d{1,3} minutes?(?: \d{1,2} seconds?)?|\d{1,3} seconds?)")
"""A time written out, as Microsoft Teams writes it in transcripts: ``3 minutes 5 seconds``,
``1 hour 2 minutes``, ``45 seconds``."""

_TIME = re.compile(r"(\d+)(?::(\d+))(?::(\d+))?(?:[.,](\d+))?")
_SPOKEN = re.compile(r"(?:(\d+) hours?)? ?(?:(\d+) minutes?)? ?(?:(\d+) seconds?)?")


def parse_time(value: str) -> float | None:
    """Seconds from a ``m:ss``, ``h:mm:ss`` or ``h:mm:ss.fff`` timestamp (None if not one).

    A timestamp with two fields is minutes and seconds; with three, hours, minutes, seconds.
    The fraction after ``.`` or ``,`` is a decimal fraction of a second. A time written out
    as Teams does (``3 minutes 5 seconds``) is read too.

    Examples
    --------
    >>> parse_time("0:03"), parse_time("1:02:03"), parse_time("00:01:02.500"), parse_time("75:10")
    (3.0, 3723.0, 62.5, 4510.0)
    >>> parse_time("3 minutes 5 seconds"), parse_time("1 hour 2 minutes"), parse_time("45 seconds")
    (185.0, 3720.0, 45.0)
    """
    m = _TIME.fullmatch(value.strip())
    if m is None:
        spoken = _SPOKEN.fullmatch(value.strip())
        if spoken is None or not any(spoken.groups()):
            return None
        h, mi, s = (int(g) if g else 0 for g in spoken.groups())
        return float(h * 3600 + mi * 60 + s)
    a, b, c, frac = m.groups()
    if c is None:
        seconds = int(a) * 60 + int(b)
    else:
        seconds = int(a) * 3600 + int(b) * 60 + int(c)
    if frac:
        return seconds + int(frac) / 10 ** len(frac)
    return float(seconds)

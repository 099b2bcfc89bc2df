"""Renamed keyword parameters: the old name works for one release, with a DeprecationWarning naming the new one."""

from __future__ import annotations

import inspect
import warnings

import pytest

from mio_qual.deprecation import REMOVED_IN, renamed
from mio_qual.errors import InputError, check_options


@renamed(n_boot="boot", span_threshold="overlap")
def _interval(level: float = 0.95, *, boot: int = 0, overlap: float = 0.9) -> tuple[float, int, float]:
    """Return what it was given."""
    return level, boot, overlap


def test_an_old_name_is_passed_on_under_the_new_one_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning) as caught:
        assert _interval(0.9, n_boot=200) == (0.9, 200, 0.9)
    message = str(caught[0].message)
    assert message.startswith("_interval(n_boot=...) is deprecated; write boot=... instead")
    assert f"removed in {REMOVED_IN}" in message
    assert caught[0].filename == __file__  # the warning points at the caller's line


def test_the_new_names_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _interval(boot=10, overlap=0.5) == (0.95, 10, 0.5)


def test_both_names_at_once_are_refused() -> None:
    with pytest.raises(InputError, match=r"given both overlap= and its old name span_threshold= \(write overlap= only"):
        _interval(overlap=0.5, span_threshold=0.6)


def test_the_signature_shows_the_new_names_and_check_options_accepts_both() -> None:
    assert list(inspect.signature(_interval).parameters) == ["level", "boot", "overlap"]
    check_options(_interval, {"n_boot": 1, "boot": 1}, "_interval")
    with pytest.raises(InputError, match="takes no option 'nboot' \\(write boot;"):
        check_options(_interval, {"nboot": 1}, "_interval")

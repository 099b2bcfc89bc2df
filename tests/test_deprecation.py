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


# ------------------------------------------------------------------ the public API speaks one vocabulary
#: Old names that are still right elsewhere: only the reports' ``layer=`` (the layers a themes report quotes)
#: became ``themes_coders=``; ``layer`` still names one coding layer (``Project.layer_labels(layer=)``). Likewise
#: only the filters of ``Project.ratings`` became plural (``raters=``, ``constructs=``, ``cases=``, as
#: ``ratings list --raters --constructs --cases``): ``rater`` names one ratings layer (``joint_display(rater=)``),
#: ``construct`` and ``case_id`` one construct or case (``RatingRow``).
CONTEXTUAL = {"layer", "rater", "construct", "case_id"}
PACKAGES = ("mio_qual.agreement", "mio_qual.mixed", "mio_qual.implementation", "mio_qual.project")


def _public_callables() -> list[tuple[str, object]]:
    """Every public function, class and method defined in the public modules of PACKAGES."""
    import importlib
    import pkgutil

    found = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names = [package] + [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")]
        for name in names:
            if any(part.startswith("_") for part in name.split(".")):
                continue
            module = importlib.import_module(name)
            for attr, obj in vars(module).items():
                if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                    continue
                if inspect.isfunction(obj):
                    found.append((f"{name}.{attr}", obj))
                elif inspect.isclass(obj):
                    found.append((f"{name}.{attr}", obj))
                    for method, member in vars(obj).items():
                        if not method.startswith("_") and inspect.isfunction(member):
                            found.append((f"{name}.{attr}.{method}", member))
    from mio_qual import Project

    found += [(f"Project.{m}", f) for m, f in inspect.getmembers(Project, inspect.isfunction) if not m.startswith("_")]
    return found


def test_no_public_function_of_the_library_takes_an_old_name_outside_its_shim() -> None:
    from mio_qual.deprecation import OLD_NAMES

    walked = _public_callables()
    assert len(walked) > 500, len(walked)  # the walk reaches the statistics functions, not just a few
    old_names = set(OLD_NAMES) - CONTEXTUAL
    assert {"n_boot", "span_threshold", "min_jaccard", "max_quotes"} <= old_names
    left = []
    for label, obj in walked:
        try:
            parameters = set(inspect.signature(obj).parameters)
        except (TypeError, ValueError):
            continue
        left += [f"{label}({name}=)" for name in parameters & old_names]
        shim = getattr(obj, "__renamed__", {})  # a shim renames to parameters that exist, and hides the old ones
        assert not set(shim) & parameters, label
        assert set(shim.values()) <= parameters, (label, shim)
    assert not left, left


def test_the_statistics_functions_take_boot_and_overlap_and_warn_on_the_old_names() -> None:
    from mio_qual.agreement import (agreement_table, bootstrap, bootstrap_alpha, cohen_kappa, conger_kappa, gwet_ac1,
                                    krippendorff_alpha, reliability_data)

    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 2]]
    new = cohen_kappa(data, boot=50, seed=1)
    with pytest.warns(DeprecationWarning, match=r"cohen_kappa\(n_boot=...\) is deprecated; write boot="):
        old = cohen_kappa(data, n_boot=50, seed=1)
    assert (old.ci_low, old.ci_high) == (new.ci_low, new.ci_high) and new.ci_method != "wald"
    for function in (krippendorff_alpha, gwet_ac1, conger_kappa, bootstrap_alpha):
        with pytest.warns(DeprecationWarning, match="write boot="):
            function(data, n_boot=20, seed=1)
    result = bootstrap("gwet_ac1", data, boot=30, seed=2)
    assert result.boot == 30
    with pytest.warns(DeprecationWarning, match=r"BootstrapResult.n_boot is deprecated; read .boot"):
        assert result.n_boot == 30
    import pandas as pd

    codings = pd.DataFrame({"transcript_id": ["T", "T"], "start": [0, 2], "end": [10, 10], "code": ["X", "X"],
                            "coder": ["A", "B"]})
    with pytest.warns(DeprecationWarning, match=r"reliability_data\(span_threshold=...\) is deprecated"):
        units = reliability_data(codings, "span", span_threshold=0.5)
    assert units.overlap == 0.5
    with pytest.warns(DeprecationWarning, match="UnitData.span_threshold is deprecated"):
        assert units.span_threshold == 0.5
    with pytest.warns(DeprecationWarning, match=r"agreement_table\(n_boot=...\)"):
        agreement_table(units, n_boot=0)

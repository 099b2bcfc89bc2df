"""The lowest-versions constraints file pins every dependency at the bound pyproject.toml states (issue 20).

`.ci/run lowest` installs with ci/constraints-lowest.txt; if a bound in pyproject.toml moved
without the file (or the other way round), that run would test versions the package does not
claim, or miss the ones it does.
"""

from __future__ import annotations

import re

import pytest

from helpers import REPO

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> dict[str, str]:
    """Each dependency (runtime and test) -> its lower bound."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, extras, rest = REQUIREMENT.match(spec).groups()
        lower = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", rest)
        assert lower, f"{spec}: every dependency needs a lower bound"
        bounds[normalize(name)] = lower.group(1)
        if extras == "[binary]" and normalize(name) == "psycopg":
            bounds["psycopg-binary"] = lower.group(1)
    return bounds


def pins() -> dict[str, str]:
    found = {}
    for line in (REPO / "ci" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[normalize(name)] = version.strip()
    return found


def release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def test_every_dependency_is_pinned_at_its_lower_bound():
    bounds, pinned = requirements(), pins()
    assert set(bounds) == set(pinned), (set(bounds) ^ set(pinned))
    assert {name: pinned[name] for name in bounds if release(pinned[name]) != release(bounds[name])} == {}


def test_ci_run_knows_both_bounds():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "ci/constraints-lowest.txt" in script and "ci/constraints-newest.txt" in script
    assert (REPO / "ci" / "constraints-newest.txt").exists()

"""Summary templates: the bundled default, YAML validation, JSON round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mio_qual.errors import InputError
from mio_qual.rapid.template import Domain, Template, check_constructs, load_template


def test_the_default_template_names_only_constructs_of_the_bundled_codebooks():
    from mio_qual.codebook import load_codebooks

    template = load_template()
    known = list(load_codebooks(list(template.codebooks)).codes)
    assert check_constructs(template, known) == []
    assert template.domain_ids == ["MIO", "DEMANDS", "OUTSIDE", "CLINIC", "FIT", "RESOURCES", "PEOPLE", "PROCESS",
                                   "OUTCOMES", "OTHER"]


def test_every_cfir_construct_falls_in_exactly_one_domain_of_the_default():
    from mio_qual.codebook import load_codebooks

    template = load_template()
    constructs = [code for code in load_codebooks("cfir2").codes if code.count(".") == 1]
    placed = {c: template.domains_of(c) for c in constructs}
    assert {c: d for c, d in placed.items() if len(d) != 1} == {}
    assert placed["IS.J"] == ["RESOURCES"] and placed["INN.F"] == ["DEMANDS"]


def test_covers_children_but_not_prefix_lookalikes():
    domain = Domain("X", "x", constructs=("IS.A", "OUT"))
    assert [domain.covers(c) for c in ("IS.A", "IS.A1", "IS.AB", "IS.B", "OUT.ACT.ADOPTION", "OUTX")] == \
        [True, True, False, False, True, False]


def test_every_problem_of_a_bad_template_is_listed(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("template: bad\ndomains:\n  - id: fit\n    name: Fit\n  - id: A\n  - id: A\n    name: again\n"
                    "    constructs: IS.F\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_template(path)
    details = caught.value.details
    assert any("'fit' must be upper-case" in d for d in details)
    assert any("(A): 'name' is missing" in d for d in details)
    assert any("'A' is used twice" in d for d in details)
    assert any("'constructs' must be a list" in d for d in details)
    assert str(path) in str(caught.value)


def test_not_yaml_and_missing_files_are_one_line_errors(tmp_path: Path):
    bad = tmp_path / "t.yaml"
    bad.write_text("template: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_template(bad)
    with pytest.raises(InputError, match="not found"):
        load_template(tmp_path / "missing.yaml")


ids = st.from_regex(r"[A-Z][A-Z0-9_]{0,6}", fullmatch=True)


@given(st.lists(st.tuples(ids, st.text(min_size=1, max_size=20).filter(str.strip),
                          st.lists(st.from_regex(r"[A-Z]{2}(\.[A-Z])?", fullmatch=True), max_size=3)),
                min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_json_round_trip(domains):
    template = Template("t", "T", tuple(Domain(i, n.strip(), "", tuple(c)) for i, n, c in domains), version=3,
                        codebooks=("cfir2",))
    assert Template.from_json(template.to_json()) == template

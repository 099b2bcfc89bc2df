"""The four-clinic project of ``helpers.mixed`` (the ``study`` fixture) is what the tests assume."""

from __future__ import annotations


def test_the_study_has_four_clinics_and_two_layers(study) -> None:  # type: ignore[no-untyped-def]
    assert study.cases("clinic") == ["east", "north", "south", "west"]
    assert study.cases("agency") == ["harbor", "river"]
    layers = dict(study.store.connection.execute("SELECT coder, COUNT(*) FROM codings GROUP BY coder"))
    assert layers == {"jordan": 8, "casey": 5}

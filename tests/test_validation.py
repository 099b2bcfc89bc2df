"""Option values checked at the edge: one rule per option, the same one-line words from Python and the CLI."""

from __future__ import annotations

import math

import pytest

from mio_qual.errors import InputError
from mio_qual.validation import RULES, check_values, refusal

#: A value each checked option refuses, and one it takes (as typed on the command line).
BAD_AND_GOOD = {
    "boot": ("-1", "200"), "seed": ("-3", "7"), "overlap": ("1.5", "1"), "min_coverage": ("-0.1", "0"),
    "confidence": ("1", "0.9"), "convention": ("irr", "pairable"), "boot_method": ("bca", "krippendorff"),
    "criterion": ("mean", "separation"), "split": ("thirds", "extremes"), "min_rated": ("0", "1"),
    "strong": ("0", "1.5"), "weak": ("-1", "0.5"), "quotes": ("-2", "0"), "max_rows": ("0", "1"),
}


def test_each_rule_takes_and_refuses_what_it_says() -> None:
    assert set(BAD_AND_GOOD) == set(RULES)
    assert RULES["overlap"].allowed() == "a number in (0, 1]"
    assert RULES["confidence"].allowed() == "a number in (0, 1)"
    assert RULES["boot"].allowed() == "a whole number >= 0"
    assert RULES["strong"].allowed() == "a number > 0"
    assert RULES["criterion"].allowed() == "one of difference, separation"
    assert check_values(boot=200.0, overlap=1, min_rated=None) == {"boot": 200, "overlap": 1, "min_rated": None}
    assert type(check_values(boot=200.0)["boot"]) is int
    for name, value in (("boot", 2.5), ("boot", True), ("overlap", 0), ("overlap", math.nan), ("confidence", 0),
                        ("min_coverage", 1.01), ("criterion", 3), ("quotes", "3")):
        with pytest.raises(InputError, match=f"invalid {name} "):
            check_values(**{name: value})
    assert isinstance(refusal("boot", -1), ValueError)  # scikit-learn's callers catch ValueError


def test_the_command_line_refuses_with_the_python_words() -> None:
    """Every checked option, through its click type (mio_qual.cli.common.checked): the message Python gives."""
    from mio_qual.cli.common import checked

    for name, (bad, good) in BAD_AND_GOOD.items():
        kind = RULES[name].kind
        typed = {"whole": int, "number": float, "choice": str}[kind]
        with pytest.raises(InputError) as python:
            check_values(**{name: typed(bad)})
        with pytest.raises(InputError) as cli:
            checked(name).convert(bad, None, None)
        assert str(cli.value) == str(python.value), name
        assert str(python.value).startswith(f"invalid {name} ") and f"--{name.replace('_', '-')} takes " \
            in str(python.value)
        assert checked(name).convert(good, None, None) == check_values(**{name: typed(good)})[name]
    with pytest.raises(InputError, match=r"^invalid boot 'many' \(boot= / --boot takes a whole number >= 0\)$"):
        checked("boot").convert("many", None, None)


def test_every_command_line_option_of_a_checked_name_uses_its_rule() -> None:
    """No command checks --boot, --overlap, --criterion ... its own way (click's IntRange, Choice): one rule each."""
    import click

    from mio_qual.cli.main import COMMANDS, _group

    ctx = click.Context(_group)
    seen: dict[str, list[str]] = {}

    def walk(command: click.Command, path: str) -> None:
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                walk(command.get_command(ctx, sub), f"{path} {sub}")
            return
        for option in command.params:
            if option.name in RULES and not option.hidden:
                seen.setdefault(option.name, []).append(path)
                assert type(option.type).__name__ in ("CheckedChoice", "CheckedRange"), (path, option.name)

    for name in COMMANDS:
        walk(_group.get_command(ctx, name), name)
    assert {"boot", "overlap", "criterion", "split", "min_rated", "strong", "weak", "quotes"} <= set(seen), seen
    assert "joint" in seen["split"] and "report" in seen["split"] and "coding reconcile" in seen["overlap"]


def test_a_bad_value_is_refused_before_the_project_is_read(project, capsys) -> None:
    from mio_qual.cli.main import cli

    with pytest.raises(InputError) as python:  # not "no coder 'a'": the values are checked first
        project.agreement(["a", "b"], boot=-1)
    assert str(python.value) == "invalid boot -1 (boot= / --boot takes a whole number >= 0)"
    with pytest.raises(InputError, match=r"^invalid overlap 1.5 \(overlap= / --overlap takes a number in \(0, 1\]\)$"):
        project.disagreements(["a", "b"], overlap=1.5)
    with pytest.raises(InputError, match="^invalid criterion 'mean' "):
        project.report_study(project.folder / "x.docx", criterion="mean")
    with pytest.raises(InputError, match="^invalid quotes -1 "):
        project.report_themes(project.folder / "x.docx", quotes=-1)
    folder = project.folder
    project.close()
    database = folder / "mio-qual.db"
    before = database.read_bytes()
    for args, python_words in ((["agreement", "--coders", "a", "b", "--boot", "-1"], str(python.value)),
                               (["joint", "--criterion", "mean"], "invalid criterion 'mean' (criterion= / --criterion "
                                                                  "takes one of difference, separation)")):
        with pytest.raises(SystemExit) as exited:
            cli(["--project", str(folder), *args])
        err = capsys.readouterr().err
        assert exited.value.code == 2 and err == f"error: {python_words}\n", err
    assert database.read_bytes() == before
    assert not (folder / "x.docx").exists()


def test_measure_names_fold_case_and_aliases_and_unknown_ones_name_close_matches() -> None:
    from mio_qual.validation import measure_name, unknown_measure

    assert [measure_name(n) for n in ("FIM", "Fim", " fim ", "Feasibility", "ACCEPTABILITY", "reach")] == [
        "fim", "fim", "fim", "fim", "aim", "reach"]
    assert str(unknown_measure("FIMM", ["fidelity", "fim"])) == (
        "no values of outcome 'FIMM' in the project (did you mean fim? its measures: fidelity, fim)")
    assert "import quantitative data first" in str(unknown_measure("fim", []))

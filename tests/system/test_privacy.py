"""No output command writes a participant's name (issue 19: one redactor for every output).

The demo project (its roster: 30 participants with names and aliases) gets one more transcript
whose id is taken from a file name holding a name (``Hollis_Tran_interview``) and whose roster is
saved decomposed (NFD, as macOS writes it). Then every command that writes a file or a table
runs, and every file written (the text of every part of a .docx/.xlsx, every .csv/.json, what
the screen commands print) is searched for the roster's names, composed and decomposed, in any
case, with file-name separators read as spaces. Any hit fails, except in the outputs asked for
with names (``--show-names``), which must hold them (so the search is seen to work).

Working files are redacted like every other output: the coder's Word copy (``coding
export-docx``: comments on it are placed back by alignment) holds names only with
``--show-names``, and a rapid-analysis template shows a transcript id holding a name as its
neutral id (the import names the stored id again).

Aliases that are ordinary English words (June, Joy, Will...) are left out of the search: they are
redacted only where they read as names, which tests/reports/test_deidentify*.py check.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from helpers.cli import exit_code, run_captured
from mio_qual import Project
from mio_qual.deidentify import make_redactor

EXTRA = ("I: Tell me about supervision.\n\n"
         "R: Hollis Tran ran the group until March. José Núñez covered for Hollis when she was out.\n\n"
         "I: And the room?\n\nR: Dr. Núñez kept the family room booked, and Hollis’s notes were on the door.\n")
EXTRA_ROSTER = ("transcript_id,speaker_label,study_id,role,aliases\n"
                "Hollis_Tran_interview,I,IV1,interviewer,\n"
                "Hollis_Tran_interview,R,S90,counselor,Hollis Tran; Hollis\n"
                "*,José Núñez,S91,supervisor,José Núñez; José; Dr. Núñez\n")



@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("privacy")
    assert exit_code(["demo", "--out", str(root / "demo"), "--no-charts"]) == 0
    extra = root / "extra"
    extra.mkdir()
    (extra / "Hollis_Tran_interview.txt").write_text(EXTRA, encoding="utf-8")
    (extra / "roster.csv").write_text(unicodedata.normalize("NFD", EXTRA_ROSTER), encoding="utf-8")
    project = root / "demo" / "project"
    code, _, err = run_captured(project, "import", extra / "Hollis_Tran_interview.txt", "--roster",
                                extra / "roster.csv")
    assert code == 0, err
    return root


def _names(project: Path) -> list[str]:
    with Project.open(project) as p:
        names = p.names_to_redact()
    common = set(make_redactor(names).common_words)
    return sorted({n for n in names if n not in common} | {"Hollis", "Hollis Tran", "José Núñez", "Núñez"})


def _text(path: Path) -> str:
    """What a file says: every XML part of a .docx/.xlsx with tags dropped, else the file as text."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as package:
            return "\n".join(re.sub(r"<[^>]+>", " ", package.read(n).decode("utf-8"))
                             for n in package.namelist() if n.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8", errors="replace")


def _hits(text: str, names: list[str]) -> set[str]:
    spaced = re.sub(r"[_.\-]+", " ", text)
    found = set()
    for form in ("NFC", "NFD"):
        body = unicodedata.normalize(form, spaced)
        for name in names:
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(unicodedata.normalize(form, p)) for p in name.split()) \
                      + r"(?!\w)"
            if re.search(pattern, body, re.IGNORECASE):
                found.add(name)
    return found


def test_no_output_names_a_participant(study: Path) -> None:
    project = study / "demo" / "project"
    out = study / "out"
    screens = out / "screens"
    screens.mkdir(parents=True)
    with_names: dict[str, list[str]] = {"log": ["--show-names"], "export-named": ["--show-names"],
                                        "reconcile-named": ["--show-names"], "word-named": ["--show-names"],
                                        "show-named": ["--show-names"]}
    commands: dict[str, list[str | Path]] = {
        "log": ["log", "--limit", "0", "--format", "csv"],
        "log-table": ["log", "--limit", "0"],
        "log-json": ["log", "--limit", "0", "--format", "json"],
        "disagreements": ["disagreements", "--coders", "jordan", "casey", "--unit", "sentence", "--format", "csv"],
        "disagreements-out": ["disagreements", "--coders", "jordan", "casey", "--out", out / "disagreements.json"],
        "agreement": ["agreement", "--coders", "jordan", "casey", "--out", out / "agreement.xlsx"],
        "export-csv": ["coding", "export", "--coder", "jordan", "--out", out / "jordan.csv"],
        "export-xlsx": ["coding", "export", "--coder", "consensus", "--out", out / "consensus.xlsx"],
        "export-named": ["coding", "export", "--coder", "jordan", "--out", out / "named" / "jordan.csv"],
        "reconcile": ["coding", "reconcile", "--coders", "jordan", "casey", "--into", "consensus2",
                      "--out", out / "reconcile"],
        "reconcile-named": ["coding", "reconcile", "--coders", "jordan", "casey", "--into", "consensus3",
                            "--out", out / "named" / "reconcile"],
        "worksheet": ["ratings", "worksheet", "--raters", "kim", "--by", "transcript", "--out", out / "ratings"],
        "worksheet-masked": ["ratings", "worksheet", "--raters", "lee", "--mask-sites", "--out", out / "masked"],
        "rating-disagreements": ["ratings", "disagreements", "--format", "csv"],
        "joint": ["joint", "--display", "side-by-side", "--out", out / "joint.xlsx"],
        "themes": ["report", "themes", "--out", out / "themes.docx"],
        "names": ["report", "names", "--out", out / "names.csv"],
        "rapid": ["rapid", "templates", "--out", out / "rapid"],
        "word": ["coding", "export-docx", "--out", out / "word"],
        "word-named": ["coding", "export-docx", "--out", out / "named" / "word"],
        "show": ["transcripts", "show", "Hollis_Tran_interview"],
        "show-csv": ["transcripts", "show", "INT03", "--unit", "sentence", "--format", "csv"],
        "show-json": ["transcripts", "show", "Hollis_Tran_interview", "--format", "json"],
        "show-named": ["transcripts", "show", "Hollis_Tran_interview", "--format", "csv"],
    }
    for key, args in commands.items():
        args = [*args, *with_names.get(key, [])] if key.endswith("-named") else args
        code, printed, err = run_captured(project, *args)
        assert code == 0, (key, err)
        screen = screens / "named" if key == "show-named" else screens  # the one named command printing text
        screen.mkdir(exist_ok=True)
        (screen / f"{key}.txt").write_text(printed, encoding="utf-8")
    named_log = run_captured(project, "log", "--limit", "0", "--format", "csv", "--show-names")[1]
    names = _names(project)
    assert _hits(named_log, names), "the search finds names where they are"
    written = [p for p in out.rglob("*") if p.is_file()]
    written += [p for p in (study / "demo").rglob("*") if p.is_file() and "project" not in p.parts]
    assert len(written) > 40
    leaks: dict[str, list[str]] = {}
    for path in written:
        hits = _hits(_text(path), names)
        if "named" in path.parts:
            assert hits, f"{path.name}: asked with names, but none is there"
        elif hits:
            leaks[str(path.relative_to(study))] = sorted(hits)
    assert leaks == {}

"""Coder identity and blinding enforced by the server (row-level security), against a real server.

A coder connects as their own role: they write only their own layer, see no other coder's
layer until the lead releases it, and the audit trail names the role that made each change.
The refusals are the server's: the tests also go around mio-qual with raw SQL.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from helpers.mixed import CODINGS, write_study

from mio_qual import Project
from mio_qual.cli.main import _group
from mio_qual.coding import Coding
from mio_qual.errors import InputError


def layer(project: Project, coder: str, as_coder: str | None = None) -> list[Coding]:
    """The codings ``coder`` made in the shared study (written under the name ``as_coder``)."""
    out = []
    for tid, phrase, code, who in CODINGS:
        if who == coder:
            start = project.text(tid).index(phrase)
            out.append(Coding(tid, start, start + len(phrase), code, as_coder or coder))
    return out


@pytest.fixture()
def team(pg_cluster, pg_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The lead's project with the study's transcripts, and jordan's and casey's projects joined to it."""
    database = urlsplit(pg_url).path.lstrip("/")
    lead = Project.create(tmp_path / "lead", database=pg_url)
    lead.import_transcripts([write_study(tmp_path / "files")])
    lead.add_coder("jordan")  # roles belong to the cluster: made by the first test, reused after
    lead.add_coder("casey")
    coders = {name: Project.create(tmp_path / name, database=pg_cluster.url_for(name, database))
              for name in ("jordan", "casey")}
    for name, project in coders.items():
        project.write_codings(layer(project, name), coder=name)
    yield lead, coders
    for project in (lead, *coders.values()):
        project.close()


def test_a_coder_reads_only_their_own_layer_until_it_is_released(team) -> None:  # type: ignore[no-untyped-def]
    lead, coders = team
    jordan = coders["jordan"]
    n_jordan, n_casey = len(layer(lead, "jordan")), len(layer(lead, "casey"))
    assert sorted(lead.codings()["coder"].unique()) == ["casey", "jordan"]
    assert len(lead.codings(coder="casey")) == n_casey
    assert list(jordan.codings()["coder"].unique()) == ["jordan"] and len(jordan.codings()) == n_jordan
    raw = jordan.store.connection
    assert raw.execute("SELECT COUNT(*) FROM codings WHERE coder = 'casey'").fetchone()[0] == 0
    assert raw.execute("SELECT COUNT(*) FROM ratings WHERE rater <> 'jordan'").fetchone()[0] == 0
    assert lead.release_layers(["casey"]) == ["casey"]
    assert len(jordan.codings(coder="casey")) == n_casey
    with pytest.raises(InputError, match="no codings of jordan that you can read: you are connected as casey"):
        coders["casey"].codings(coder="jordan")  # still blinded: said so (it was an empty table without a word)


def test_a_coder_cannot_write_another_layer(team) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    lead, coders = team
    jordan = coders["jordan"]
    before = lead.codings()
    with pytest.raises(InputError, match="row-level security"):
        jordan.write_codings(layer(jordan, "casey"), coder="casey")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        jordan.store.connection.execute(
            "INSERT INTO codings (transcript_id, start, end, code, coder, origin, created)"
            " VALUES ('T1', 0, 4, 'IS.J2', 'casey', 'human', 'now')")
    lead.release_layers(["casey"])  # reading a released layer still does not let anyone change it
    assert jordan.store.connection.execute("DELETE FROM codings WHERE coder = 'casey'").rowcount == 0
    assert jordan.store.connection.execute("UPDATE codings SET code = 'X' WHERE coder = 'casey'").rowcount == 0
    with pytest.raises(InputError, match=r"only the project lead \(\w+\) can import transcripts; you are "
                                         "connected as jordan.*send the files.* to the lead"):
        jordan.import_transcripts([lead.folder.parent / "files"], replace=True)  # said before any file is read
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # and the server itself refuses
        jordan.store.connection.execute("DELETE FROM transcripts")
    assert lead.codings().equals(before)


def test_only_the_lead_adds_coders_and_releases(team) -> None:  # type: ignore[no-untyped-def]
    lead, coders = team
    with pytest.raises(InputError, match="only the project lead"):
        coders["jordan"].release_layers(["casey"])
    with pytest.raises(InputError, match="only the project lead"):
        coders["jordan"].add_coder("mallory")
    assert list(lead.team()["coder"]) == ["casey", "jordan"] and lead.team()["released_at"].isna().all()


def test_only_the_lead_shows_participants_names(team) -> None:  # type: ignore[no-untyped-def]
    """A coder reads a transcript with names redacted; keeping names (show_names) is the lead's choice alone."""
    lead, coders = team
    shown = coders["jordan"].show_segments("T1")
    assert "[name] made sure of it" in " ".join(shown["text"]) and "Gwen" not in " ".join(shown["text"])
    out = lead.folder.parent / "out"
    for asked in (lambda p: p.show_segments("T1", show_names=True), lambda p: p.show_rapid_summaries(show_names=True),
                  lambda p: p.export_layer(out / "jordan.csv", "jordan", show_names=True),
                  lambda p: p.export_word_files(out, ["T1"], show_names=True),
                  lambda p: p.disagreements(["jordan", "jordan"], redact=False),
                  lambda p: p.reconcile(["jordan", "casey"], into="c", out=out, write=False, show_names=True),
                  lambda p: p.implementation_log("events", show_names=True), lambda p: p.strategies(show_names=True),
                  lambda p: p.adaptations(show_names=True)):
        with pytest.raises(InputError, match=r"only the project lead \(.*\) can .* with participants' names"):
            asked(coders["jordan"])
    assert not out.exists()
    assert "Gwen" not in coders["jordan"].export_layer(out / "jordan.csv", "jordan").read_text(encoding="utf-8")
    assert "Gwen made sure of it" in " ".join(lead.show_segments("T1", show_names=True)["text"])


def test_the_audit_trail_names_the_database_role(team, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    lead, coders = team
    monkeypatch.setenv("MIO_QUAL_USER", "somebody-else")
    coders["casey"].write_codings(layer(coders["casey"], "casey"), coder="casey", replace="layer")
    entries = lead.log()
    casey = entries[(entries["target"] == "casey") & (entries["action"] != "team add-coder")]
    assert set(casey["user"]) == {"casey"} and len(casey) >= 2
    assert set(entries["user"]) == {"mio_admin", "jordan", "casey"}
    assert set(coders["jordan"].log()["user"]) == {"jordan"}  # a coder reads only their own entries


def test_team_commands(pg_cluster, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    database = urlsplit(pg_url).path.lstrip("/")

    def run(*args: str) -> str:
        result = runner.invoke(_group, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("init", str(tmp_path / "lead"), "--database", pg_url)
    out = run("--project", str(tmp_path / "lead"), "team", "add-coder", "riley")
    assert pg_cluster.url_for("riley", database) in out
    # a server asking for passwords lets riley in only once the role has one: say so, and how
    assert "no password yet" in " ".join(out.split()) and 'ALTER ROLE "riley" PASSWORD' in out
    run("init", str(tmp_path / "riley"), "--database", pg_cluster.url_for("riley", database))
    assert "riley" in run("--project", str(tmp_path / "lead"), "team", "list")
    assert "released riley" in run("--project", str(tmp_path / "lead"), "team", "release", "riley")
    refused = runner.invoke(_group, ["--project", str(tmp_path / "riley"), "team", "release", "riley"])
    assert refused.exit_code == 2 and "only the project lead" in refused.output


def test_a_coder_cannot_pull_a_blinded_copy(team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lead, coders = team
    with pytest.raises(InputError, match="only the project lead"):
        Project.pull(tmp_path / "copy", coders["jordan"].store.url)
    assert not (tmp_path / "copy").exists()


def test_an_older_schema_waits_for_the_lead(team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    lead, coders = team
    with psycopg.connect(lead.store.url, autocommit=True) as admin:
        admin.execute("UPDATE mio_qual_schema SET version = version - 1")
        with pytest.raises(InputError, match="its lead must open it first"):
            Project.open(coders["jordan"].folder)
        assert admin.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
                             ).fetchone()[0] == 0
        admin.execute("UPDATE mio_qual_schema SET version = version + 1")
    Project.open(coders["jordan"].folder).close()


def test_a_coder_assigns_transcripts_only_to_themself(team) -> None:  # type: ignore[no-untyped-def]
    # which transcripts a coder was given decides which units count against them in agreement:
    # jordan could assign transcripts to casey, and withdraw casey's, before coverage had policies
    import psycopg

    lead, coders = team
    jordan = coders["jordan"]
    lead.assign("casey", ["T1"])
    with pytest.raises(InputError, match="only the project lead can assign transcripts to casey; you are "
                                         "connected as jordan"):
        jordan.assign("casey", ["T2"])
    with pytest.raises(InputError, match="only the project lead can withdraw assignments from casey"):
        jordan.assign("casey", withdraw=True)
    assert set(jordan.assign("jordan", ["T2"])["coder"]) == {"casey", "jordan"}  # their own, and every row readable
    raw = jordan.store.connection
    assert raw.execute("DELETE FROM coverage WHERE coder = 'casey'").rowcount == 0  # the server's refusal too
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        raw.execute("INSERT INTO coverage (coder, transcript_id, kind, source, at)"
                    " VALUES ('casey', 'T2', 'assigned', 'raw', 'now')")
    assert lead.coverage(["casey"]) == {"casey": ["T1"]}


def test_a_coder_comparing_with_a_blinded_layer_is_told_so(team) -> None:  # type: ignore[no-untyped-def]
    # it said "coder 'casey' has no codings in this project": wrong while casey's layer is blinded
    lead, coders = team
    with pytest.raises(InputError, match="no codings of casey that you can read: you are connected as jordan"):
        coders["jordan"].agreement(["jordan", "casey"])
    assert len(lead.agreement(["jordan", "casey"]))  # the lead reads every layer
    lead.release_layers(["casey"])
    assert len(coders["jordan"].agreement(["jordan", "casey"]))


def test_a_coder_cannot_delete_a_released_layer(team) -> None:  # type: ignore[no-untyped-def]
    # the server's policy deleted nothing, and the command said "deleted 0 codings of casey" (exit 0)
    lead, coders = team
    lead.release_layers(["casey"])
    n_casey = len(lead.codings(coder="casey"))
    with pytest.raises(InputError, match="only the project lead can delete the layer of casey; you are connected "
                                         "as jordan"):
        coders["jordan"].delete_layer("casey", confirm=lambda n: True)
    assert len(lead.codings(coder="casey")) == n_casey
    assert "delete layer" not in set(lead.log()["action"])


def test_a_coder_is_refused_the_reports_that_read_every_layer(team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a coder's study report left out the consensus and unreleased layers without a word ("24 codings in 2
    # layers" against the lead's 40 in 3)
    lead, coders = team
    jordan = coders["jordan"]
    with pytest.raises(InputError, match="the study report reads every coding layer, and you are connected as "
                                         "jordan, a coder"):
        jordan.report_study(tmp_path / "study.docx", charts=False)
    with pytest.raises(InputError, match=r"the themes report \(by default\) reads every coding layer"):
        jordan.report_themes(tmp_path / "themes.docx", charts=False)
    with pytest.raises(InputError, match="the joint displays report reads every coding layer"):
        jordan.report_joint(tmp_path / "joint.docx", charts=False)
    assert not any((tmp_path / f"{name}.docx").exists() for name in ("study", "themes", "joint"))
    # their own layer, named, is theirs to read; the lead reads every layer
    assert jordan.report_themes(tmp_path / "mine.docx", themes_coders="jordan", charts=False).path.exists()
    assert lead.report_themes(tmp_path / "all.docx", charts=False).path.exists()


def test_a_coder_writing_another_layer_is_told_in_one_line_which_layer_is_theirs(team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """newuser4: `coding import --coder lead` from a coder's project printed psycopg's 'error ignored terminating
    <psycopg.Pipeline ...>: pipeline aborted' above the error, and the error did not say which layer was theirs."""
    lead, coders = team
    before = lead.codings()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("transcript_id,segment_id,code\nT1,T1:t1,IS.J2\n", encoding="utf-8")
    result = CliRunner().invoke(_group, ["--project", str(tmp_path / "jordan"), "coding", "import", str(sheet),
                                         "--coder", "casey"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Pipeline" not in result.stderr
    assert "row-level security" in result.stderr
    assert "you are connected as jordan, and a coder writes only their own layer (--coder jordan)" in result.stderr
    assert lead.codings().equals(before)


def test_a_coder_importing_without_coder_writes_their_own_layer_and_is_told_once(team, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """newuser4: a coder on a server had to pass --coder, though their own layer is the only one they may write;
    without it every row of a sheet was refused with 'no coder'. The lead still names the layer."""
    lead, coders = team
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("transcript_id,segment_id,code\nT1,T1:t1,OS.F\n", encoding="utf-8")
    before = len(lead.codings(coder="jordan"))
    result = CliRunner().invoke(_group, ["--project", str(tmp_path / "jordan"), "coding", "import", str(sheet)])
    assert result.exit_code == 0, result.output
    told = [line for line in result.output.splitlines() if "your own" in line]
    assert told == ["  layer jordan: your own (you are connected as coder jordan, and a coder writes only their own "
                    "layer; --coder was not given)"], result.output
    assert "into layer jordan" in result.output
    after = lead.codings(coder="jordan")
    assert len(after) == before + 1 and "OS.F" in set(after["code"])
    named = coders["casey"].import_codings([sheet], coder="casey")  # naming it: no such line
    assert named.layers == ["casey"] and not any("your own" in n for n in named.notes)
    with pytest.raises(InputError, match="no coder"):  # the lead has every layer: still names one
        lead.import_codings([sheet])

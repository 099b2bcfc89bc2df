"""No coding work lost or misattributed (issue 20): outputs not overwritten, reconcile symmetric and whole.

Each case states its promise: a file a user filled is never replaced without ``--force``; a
command that fails while writing its files leaves neither files nor store changes; the
consensus layer is the same whichever coder is named first.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mio_qual.coding.model import Coding
from mio_qual.errors import InputError

from helpers import file_digest, project_state
from helpers.coding import make_project


@pytest.fixture()
def coded(tmp_path):
    project = make_project(tmp_path)

    def layer(coder, rows):
        project.write_codings([Coding("T01", s, e, c, coder) for s, e, c in rows], coder=coder)

    layer("jordan", [(10, 50, "IS.J2"), (100, 120, "MIO.REC"), (150, 160, "IS.A3"), (200, 210, "IS.D2")])
    layer("casey", [(12, 55, "IS.J2"), (105, 130, "IND.A"), (150, 200, "IS.A3"), (201, 214, "IS.D2")])
    yield project
    project.close()


def consensus(project):
    frame = project.codings(coder="consensus")
    return sorted((int(r.start), int(r.end), r.code) for r in frame.itertuples())


def test_reconcile_is_symmetric_in_its_coders(coded):
    """`--coders casey jordan` after `--coders jordan casey` doubled the consensus layer."""
    coded.reconcile(coders=("jordan", "casey"))
    once = consensus(coded)
    assert once
    swapped = coded.reconcile(coders=("casey", "jordan"))
    assert len(consensus(coded)) == len(set(consensus(coded))) == len(once)
    # the same consensus under the same (symmetric) source name: left as it is, nothing rewritten
    assert (swapped.inserted, swapped.removed) == (0, 0)


def test_a_consensus_layer_from_before_the_symmetric_name_is_replaced_too(coded):
    """A project reconciled by an older mio-qual (source named in the order given) does not double."""
    from mio_qual.store import codings as store_codings

    coded.reconcile(coders=("jordan", "casey"))
    before = len(consensus(coded))
    with coded.store.transaction():  # rename the source as the older version wrote it
        coded.store.connection.execute("UPDATE codings SET source_file = 'reconcile_jordan_casey_span' "
                                       "WHERE coder = 'consensus'")
    assert store_codings.coders_of_source(coded.store, "reconcile_jordan_casey_span") == {"consensus"}
    coded.reconcile(coders=("jordan", "casey"))
    assert len(consensus(coded)) == before


def test_reconcile_refuses_to_overwrite_a_filled_sheet_without_force(coded, tmp_path):
    out = tmp_path / "rec"
    first = coded.reconcile(coders=("jordan", "casey"), out=out)
    sheet = first.files[0]
    sheet.write_bytes(sheet.read_bytes() + b"")  # stands for the team's filled sheet
    digest, state = file_digest(sheet), project_state(coded.folder)
    with pytest.raises(InputError, match="exists already") as caught:
        coded.reconcile(coders=("jordan", "casey"), out=out)
    assert str(sheet) in str(caught.value) and "--force" in str(caught.value)
    assert file_digest(sheet) == digest and project_state(coded.folder) == state
    again = coded.reconcile(coders=("jordan", "casey"), out=out, force=True)
    assert again.files[0] == sheet


def test_reconcile_failing_to_write_its_files_leaves_the_store_as_it_was(coded, tmp_path):
    """`--out` through a file: the consensus layer and its audit row were committed all the same."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    state = project_state(coded.folder)
    with pytest.raises(OSError):
        coded.reconcile(coders=("jordan", "casey"), out=blocker / "sub")
    assert project_state(coded.folder) == state
    assert consensus(coded) == []


def test_reconcile_to_an_unwritable_path_through_the_cli_is_one_line_and_leaves_nothing(coded, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    state = project_state(coded.folder)
    env = dict(os.environ)
    env.pop("MIO_QUAL_PROJECT", None)
    done = subprocess.run([sys.executable, "-m", "mio_qual.cli.main", "--project", str(coded.folder), "coding",
                           "reconcile", "--coders", "jordan", "casey", "--out", str(blocker / "sub")],
                          capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and "internal error" not in lines[0], done.stderr
    assert str(blocker) in lines[0]
    assert project_state(coded.folder) == state


def test_export_docx_refuses_to_overwrite_a_commented_file(coded, tmp_path):
    out = tmp_path / "to-code"
    [path] = coded.export_word_files(out)
    path.write_bytes(path.read_bytes())  # stands for the coder's commented file
    digest = file_digest(path)
    with pytest.raises(InputError, match="exists already"):
        coded.export_word_files(out)
    assert file_digest(path) == digest
    assert coded.export_word_files(out, force=True) == [path]


def test_rating_worksheets_refuse_to_overwrite_a_filled_worksheet(tmp_path):
    from helpers.mixed import make_study

    project = make_study(tmp_path)
    try:
        out = tmp_path / "ratings"
        first = project.write_rating_worksheets(out, ["lee"], docx=False).files
        digest = file_digest(first[0])
        with pytest.raises(InputError, match="exists already"):
            project.write_rating_worksheets(out, ["lee"], docx=False)
        assert file_digest(first[0]) == digest
        assert project.write_rating_worksheets(out, ["lee"], docx=False, force=True).files == first
    finally:
        project.close()


def test_two_files_of_one_name_in_one_import_are_refused(coded, tmp_path):
    """`coding import a/codes.csv b/codes.csv` kept only the second file's codings."""
    for folder, segment in (("a", "T01:t1"), ("b", "T01:t2")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "codes.csv").write_text(f"transcript_id,segment_id,code\nT01,{segment},IS.J2\n")
    state = project_state(coded.folder)
    with pytest.raises(InputError, match="same name") as caught:
        coded.import_codings([tmp_path / "a" / "codes.csv", tmp_path / "b" / "codes.csv"], coder="ana")
    assert "codes.csv" in str(caught.value)
    assert project_state(coded.folder) == state

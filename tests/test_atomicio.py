"""mio_qual.atomicio: a file appears whole or not at all; batches land together; leftovers are swept."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mio_qual import atomicio
from mio_qual.atomicio import batch, current, is_leftover, replacing, side_name, sweep, write_bytes, write_text


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = write_bytes(tmp_path / "table.csv", b"old\n")
    with pytest.raises(OSError) as caught:
        with replacing(target) as temporary:
            temporary.write_bytes(b"new, half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(temporary))
    assert target.read_bytes() == b"old\n" and _names(tmp_path) == ["table.csv"]
    assert caught.value.filename == str(target)  # the message names the user's file, not the temporary one


def test_the_temporary_file_sits_beside_the_target_with_its_suffix(tmp_path):
    with replacing(tmp_path / "sub" / "chart.png") as temporary:
        assert temporary.parent == tmp_path / "sub" and temporary.suffix == ".png" and is_leftover(temporary)
        assert str(os.getpid()) in temporary.name
        temporary.write_bytes(b"png")
    assert _names(tmp_path / "sub") == ["chart.png"]


@settings(max_examples=60, deadline=None)
@given(name=st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\0."), min_size=1,
                    max_size=120).filter(lambda s: len(os.fsencode(s)) <= 240),
       suffix=st.sampled_from(["", ".docx", ".csv", ".qdpx"]), n=st.integers(0, 3))
def test_side_names_fit_the_name_limit_and_are_recognised(name, suffix, n):
    path = Path("out") / (name + suffix)
    for tag in (atomicio.TEMP_TAG, atomicio.BACKUP_TAG):
        side = side_name(path, tag, n)
        assert len(os.fsencode(side.name)) <= 255 and side.parent == path.parent
        assert side.name.startswith(".") and side.name.endswith(suffix) and is_leftover(side)
    assert not is_leftover(path) or path.name.startswith(".")


def test_a_replaced_file_keeps_its_permissions_and_a_link_is_written_through(tmp_path):
    private = write_text(tmp_path / "private.csv", "old\n")
    os.chmod(private, 0o600)
    write_text(private, "new\n")
    assert private.read_text() == "new\n" and (private.stat().st_mode & 0o777) == 0o600
    link = tmp_path / "link.csv"
    link.symlink_to(private)
    write_text(link, "through the link\n")
    assert link.is_symlink() and private.read_text() == "through the link\n"


def test_a_batch_lands_its_files_together_and_a_second_write_of_a_name_wins(tmp_path):
    old = write_bytes(tmp_path / "a.docx", b"old a")
    with batch() as files:
        write_bytes(old, b"first")
        write_bytes(old, b"second")
        write_bytes(tmp_path / "b.png", b"chart")
        assert old.read_bytes() == b"old a" and not (tmp_path / "b.png").exists()  # nothing landed yet
        assert current(tmp_path / "b.png").read_bytes() == b"chart"  # what a document embedding it reads
        assert len(files.pending) == 2
        with batch() as inner:  # a batch inside a batch joins it
            assert inner is files
    assert old.read_bytes() == b"second" and (tmp_path / "b.png").read_bytes() == b"chart"
    assert _names(tmp_path) == ["a.docx", "b.png"]


def test_a_failing_batch_lands_nothing(tmp_path):
    old = write_bytes(tmp_path / "a.docx", b"old a")
    with pytest.raises(KeyError):
        with batch():
            write_bytes(old, b"new a")
            write_bytes(tmp_path / "b.csv", b"new b")
            raise KeyError("the third file failed")
    assert _names(tmp_path) == ["a.docx"] and old.read_bytes() == b"old a"


def test_an_error_among_the_renames_puts_back_every_file_already_renamed(tmp_path, monkeypatch):
    first = write_bytes(tmp_path / "a.docx", b"old a")
    real_replace = os.replace
    calls = []

    def second_refused(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise PermissionError(errno.EACCES, "refused", str(target))
        real_replace(source, target)

    with pytest.raises(PermissionError):
        with batch():
            write_bytes(first, b"new a")
            write_bytes(tmp_path / "b.csv", b"new b")
            monkeypatch.setattr(os, "replace", second_refused)
    assert _names(tmp_path) == ["a.docx"] and first.read_bytes() == b"old a"  # a.docx was new, then put back


def test_sweep_removes_the_leftovers_of_a_dead_process_only(tmp_path):
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(child.stdout)  # a process that has ended (its pid not reused within this test, as a rule)
    own = side_name(tmp_path / "mine.csv")
    alive = tmp_path / f".parent.docx{atomicio.TEMP_TAG}{os.getppid()}.docx"
    leftovers = [tmp_path / f".report.docx{atomicio.TEMP_TAG}{dead}.docx",
                 tmp_path / f".report.docx{atomicio.BACKUP_TAG}{dead}.docx",
                 tmp_path / f".t.csv{atomicio.TEMP_TAG}{dead}-2.csv"]
    for path in [own, alive, *leftovers, tmp_path / "report.docx", tmp_path / ".hidden-but-ours-not"]:
        path.write_bytes(b"x")

    removed = sweep(tmp_path)

    assert sorted(removed) == sorted(leftovers)
    assert _names(tmp_path) == sorted([own.name, alive.name, "report.docx", ".hidden-but-ours-not"])


def test_a_write_into_a_folder_sweeps_it_once(tmp_path, monkeypatch):
    monkeypatch.setattr(atomicio, "_swept", set())
    left = tmp_path / f".old.csv{atomicio.TEMP_TAG}999999999.csv"  # beyond any pid the kernel hands out
    left.write_bytes(b"half")
    write_text(tmp_path / "new.csv", "a\n")
    assert _names(tmp_path) == ["new.csv"]
    left.write_bytes(b"half")
    write_text(tmp_path / "new.csv", "b\n")  # swept once per process and folder: not again
    assert _names(tmp_path) == sorted([left.name, "new.csv"])


def test_opened_refuses_a_mode_that_does_not_write(tmp_path):
    with pytest.raises(ValueError, match="opened\\(\\) writes a new file; mode 'r' does not"):
        with atomicio.opened(tmp_path / "x.txt", "r"):
            pass

"""Output files written whole or not at all (issue 20).

Every file mio-qual writes goes through :func:`replacing`: the writer writes a temporary file
in the same folder, and only when it is complete is it renamed over the real name
(:func:`os.replace`, atomic on POSIX and Windows within one file system). A process killed at
any moment, even by ``SIGKILL``, leaves the old file or the new one at that name, never a
part of one.

Temporary names are ``.<name>.mio-qual-tmp-<pid><suffix>`` (the file's own suffix kept at the
end, so writers that pick a format from the suffix still do). A killed process cannot remove
its own, so the next write into that folder removes those of processes no longer running
(:func:`sweep`).

Several files land together in a :func:`batch` (a command's outputs; the CLI's
:class:`mio_qual.cli.common.Landing` opens one around every command that writes files): their
renames wait until the batch ends without an error, after the store has committed when the
command also changes the store, so no new file can sit beside a store that was rolled back.
If the batch fails, no file is renamed and the temporary ones are removed. A file replaced
during the renames is first hard-linked to ``.<name>.mio-qual-backup-<pid>``, so an error among
the renames puts every file of the batch back (all or none). A ``SIGKILL`` *during* the renames
(a few system calls) can leave some files of a batch new and others old, each file whole.

Inside a batch a file just written is not yet at its name: code that reads back what it wrote
(a chart embedded in a document) reads :func:`current` of the name.

Durability: the temporary file is flushed to the disk (``fsync``) before the rename, and the
folder after it. Without the first, a power cut soon after the rename can leave an empty or
partial file under the new name on some file systems (ext4 with ``noauto_da_alloc``, XFS,
btrfs), since the rename may reach the disk before the data; without the second the rename
itself may be lost. Neither matters for a killed process (the kernel keeps what was written);
both are a few milliseconds a file.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import stat
import time
from pathlib import Path
from typing import IO, Any, Iterator

#: What marks a temporary file, and a file's copy kept while a batch lands.
TEMP_TAG = ".mio-qual-tmp-"
BACKUP_TAG = ".mio-qual-backup-"
#: The names :func:`sweep` recognises: ``.<name>.mio-qual-(tmp|backup)-<pid>[-<n>][<suffix>]``.
LEFTOVER = re.compile(r"^\..+\.mio-qual-(?:tmp|backup)-(\d+)(?:-\d+)?(?:\.[^.]*)?$")
#: Leftovers older than this are removed even when their process cannot be checked (Windows).
STALE_SECONDS = 24 * 3600
_NAME_MAX = 255

_BATCH: "contextvars.ContextVar[Batch | None]" = contextvars.ContextVar("mio_qual_atomic_batch", default=None)
_swept: set[str] = set()


# ---------------------------------------------------------------------------- names
def side_name(path: Path, tag: str = TEMP_TAG, n: int = 0) -> Path:
    """The hidden name beside ``path`` for a temporary file (``tag`` :data:`TEMP_TAG`) or a backup.

    Long names are shortened so the result stays within the 255-byte limit of file names.

    Examples
    --------
    >>> side_name(Path("out/report.docx")).name.startswith(".report.docx.mio-qual-tmp-")
    True
    >>> side_name(Path("out/report.docx")).suffix
    '.docx'
    """
    suffix = path.suffix if 0 < len(path.suffix) <= 16 else ""
    mark = f"{tag}{os.getpid()}" + (f"-{n}" if n else "") + suffix
    name = path.name
    while name and len(os.fsencode("." + name + mark)) > _NAME_MAX:
        name = name[:-1]
    return path.with_name("." + name + mark)


def is_leftover(path: str | Path) -> bool:
    """True for a temporary or backup name made by :func:`side_name`.

    Examples
    --------
    >>> is_leftover(".report.docx.mio-qual-tmp-123.docx"), is_leftover("report.docx")
    (True, False)
    """
    return LEFTOVER.match(Path(path).name) is not None


# ---------------------------------------------------------------------------- writing one file
@contextlib.contextmanager
def replacing(path: str | Path, *, sync: bool = True) -> Iterator[Path]:
    """Write ``path`` whole or not at all: yields a temporary path to write instead.

    When the block ends without an error the temporary file is flushed to disk and renamed
    over ``path`` (inside a :func:`batch`: when the batch lands). On an error it is removed and
    ``path`` is as it was. The folder is made if needed; a symbolic link at ``path`` is
    written through (its target is replaced), as an ordinary write would; a replaced file's
    permissions are kept.

    Parameters
    ----------
    path : path
        The file to write.
    sync : bool
        ``fsync`` the file before the rename (see the module for why).

    Yields
    ------
    Path
        Where to write: same folder, same suffix.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "table.csv"
    >>> with replacing(target) as temporary:
    ...     _ = temporary.write_text("a,b\\n1,2\\n", encoding="utf-8")
    >>> target.read_text(encoding="utf-8"), [p.name for p in target.parent.iterdir()]
    ('a,b\\n1,2\\n', ['table.csv'])
    """
    path = Path(path)
    sync = sync and not is_leftover(path)  # rewriting a temporary file (a stamp): the outer write syncs it
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    sweep(folder, once=True)
    batch = _BATCH.get()
    deferred = batch is not None and not is_leftover(path)
    temporary = _fresh(path, batch)
    try:
        yield temporary
        _keep_mode(path, temporary)
        if sync:
            _fsync_file(temporary)
        if deferred:
            batch.add(temporary, path)  # type: ignore[union-attr]
        else:
            os.replace(temporary, path)
            if sync:
                _fsync_folder(folder)
    except BaseException as exc:
        _unlink(temporary)
        if isinstance(exc, OSError):  # the error names the file the user asked for, not its temporary name
            for attribute in ("filename", "filename2"):
                if getattr(exc, attribute, None) is not None and os.fspath(getattr(exc, attribute)) == str(temporary):
                    setattr(exc, attribute, str(path))
        raise


@contextlib.contextmanager
def opened(path: str | Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """``open(path, mode)`` for writing through :func:`replacing`: the file appears whole or not at all.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> with opened(target, "w", encoding="utf-8") as handle:
    ...     _ = handle.write("one line\\n")
    >>> target.read_text(encoding="utf-8")
    'one line\\n'
    """
    if not any(m in mode for m in "wx"):
        raise ValueError(f"opened() writes a new file; mode {mode!r} does not")
    with replacing(path) as temporary, open(temporary, mode, **kwargs) as handle:
        yield handle


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`replacing`; return ``path``."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``text`` to ``path`` through :func:`replacing`; return ``path``."""
    with replacing(path) as temporary, open(temporary, "w", encoding=encoding, newline=newline) as handle:
        handle.write(text)
    return Path(path)


def current(path: str | Path) -> Path:
    """Where the newest content of ``path`` is now: its temporary file while a batch holds it, else ``path``."""
    batch = _BATCH.get()
    return batch.pending.get(Path(path), Path(path)) if batch is not None else Path(path)


# ---------------------------------------------------------------------------- several files together
class Batch:
    """Files written through :func:`replacing` that land together when the batch ends.

    Use :func:`batch`; :class:`mio_qual.cli.common.Landing` drives the steps itself so the
    store commits between :meth:`prepare` and :meth:`land`.
    """

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}  # final name -> temporary file
        self._backups: dict[Path, Path] = {}

    def add(self, temporary: Path, path: Path) -> None:
        """Land ``temporary`` at ``path`` with the batch (a second write of ``path`` wins)."""
        earlier = self.pending.pop(path, None)
        if earlier is not None and earlier != temporary:
            _unlink(earlier)
        self.pending[path] = temporary

    def prepare(self) -> None:
        """Keep a way back for every file the batch replaces (a hard link, else a copy).

        Raises
        ------
        OSError
            When no copy can be made (a full disk on a file system without hard links): the
            batch should then be discarded, nothing having changed.
        """
        for path in self.pending:
            if path in self._backups or not _is_file(path):
                continue
            backup = side_name(path, BACKUP_TAG)
            _unlink(backup)
            try:
                os.link(path, backup)
            except OSError:
                try:
                    shutil.copy2(path, backup)
                except BaseException:
                    _unlink(backup)
                    raise
            self._backups[path] = backup

    def land(self) -> list[Path]:
        """Rename every file into place; on an error put back what was renamed and re-raise.

        Returns
        -------
        list of Path
            The files landed.
        """
        self.prepare()
        landed: list[Path] = []
        try:
            for path, temporary in self.pending.items():
                os.replace(temporary, path)
                landed.append(path)
        except BaseException:
            for path in landed:
                backup = self._backups.pop(path, None)
                try:
                    if backup is not None:
                        os.replace(backup, path)
                    else:
                        path.unlink()
                except OSError:
                    pass
            self.discard()
            raise
        for folder in {p.parent for p in landed}:
            _fsync_folder(folder)
        self.pending = {}
        self.discard()
        return landed

    def discard(self) -> None:
        """Remove the temporary files and backups: nothing of the batch lands."""
        for temporary in self.pending.values():
            _unlink(temporary)
        for backup in self._backups.values():
            _unlink(backup)
        self.pending, self._backups = {}, {}

    def enter(self) -> "contextvars.Token":
        """Make this the batch :func:`replacing` adds to (undo with :meth:`leave`)."""
        return _BATCH.set(self)

    @staticmethod
    def leave(token: "contextvars.Token") -> None:
        """Stop adding to the batch entered with ``token``."""
        _BATCH.reset(token)


@contextlib.contextmanager
def batch() -> Iterator[Batch]:
    """Files written in the block land together when it ends without an error, or none does.

    Inside a batch already open, the block joins it (its files land with the outer batch).
    Put it outside the store's transaction (``with batch(), store.transaction():``) so the
    files land after the commit.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> try:
    ...     with batch():
    ...         _ = write_text(folder / "a.txt", "a")
    ...         raise KeyError("the second file failed")
    ... except KeyError:
    ...     pass
    >>> sorted(p.name for p in folder.iterdir())
    []
    """
    outer = _BATCH.get()
    if outer is not None:
        yield outer
        return
    files = Batch()
    token = files.enter()
    try:
        yield files
    except BaseException:
        Batch.leave(token)
        files.discard()
        raise
    Batch.leave(token)
    files.land()


# ---------------------------------------------------------------------------- leftovers of killed runs
def sweep(folder: str | Path, *, once: bool = False) -> list[Path]:
    """Remove temporary files and backups in ``folder`` left by processes no longer running.

    A process's own are kept, and those of a process still running. Where a process cannot be
    looked up (not POSIX), leftovers older than :data:`STALE_SECONDS` are removed.

    Parameters
    ----------
    folder : path
    once : bool
        Skip a folder this process swept already.

    Returns
    -------
    list of Path
        What was removed.
    """
    key = os.path.abspath(folder)
    if once and key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        found = LEFTOVER.match(entry.name)
        if found is None or _alive(int(found.group(1)), entry):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def _alive(pid: int, entry: "os.DirEntry[str]") -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would signal the process there
        try:
            return time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


# ---------------------------------------------------------------------------- small pieces
def _fresh(path: Path, files: "Batch | None") -> Path:
    """A temporary name beside ``path`` not in use by this process.

    The batch's temporary files are on the disk once written (``lexists`` sees them); only the one
    ``path`` itself may have pending is looked up, not a set of every pending file made per write
    (that was quadratic in the files of a batch).
    """
    mine = files.pending.get(path) if files is not None else None
    n = 0
    while True:
        candidate = side_name(path, TEMP_TAG, n)
        if candidate != mine and not os.path.lexists(candidate):
            return candidate
        n += 1


def _keep_mode(path: Path, temporary: Path) -> None:
    """Give the new file the permissions of the file it replaces."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    try:
        os.chmod(temporary, mode)
    except OSError:
        pass


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


__all__ = ["replacing", "opened", "write_bytes", "write_text", "current", "batch", "Batch", "sweep", "side_name",
           "is_leftover", "TEMP_TAG", "BACKUP_TAG"]

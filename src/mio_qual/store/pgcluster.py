"""A throwaway PostgreSQL cluster in a temporary folder, for tests, benchmarks and trying team mode.

The server binaries are found on ``$PATH``, in ``$MIO_QUAL_PG_BIN``, or in Debian's
``/usr/lib/postgresql/<version>/bin`` (``apt-get install postgresql``). PostgreSQL refuses to
run as root, so when this process is root the cluster's files belong to, and the server runs
as, the unprivileged ``nobody`` account. The server listens on a free loopback port and on a
unix socket in the cluster's folder, with ``trust`` authentication: it is for tests on one
machine, never for a shared server (the README's "Working as a team" shows a real setup).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "mio_admin"


def find_binaries() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when none is installed."""
    candidates: list[str] = []
    if os.environ.get("MIO_QUAL_PG_BIN"):
        candidates.append(os.environ["MIO_QUAL_PG_BIN"])
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(os.path.realpath(on_path)).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in candidates:
        path = Path(folder)
        if all((path / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return path
    return None


def _version_key(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TempCluster:
    """A PostgreSQL cluster in a temporary folder, started on :meth:`start`, removed on :meth:`stop`.

    Use as a context manager. :attr:`url` is the superuser's URL (``mio_admin``, no password);
    :meth:`url_for` names another role or database.

    Parameters
    ----------
    binaries : Path, optional
        Folder of the server programs (default: :func:`find_binaries`).
    durable : bool
        Flush to disk at each commit as a real server does (default off: tests need no crash safety
        of the throwaway cluster itself; benchmarks turn it on).
    """

    def __init__(self, binaries: Path | None = None, durable: bool = False) -> None:
        self.durable = durable
        found = binaries or find_binaries()
        if found is None:
            raise RuntimeError("no PostgreSQL server programs found (install Debian's postgresql "
                               "or set MIO_QUAL_PG_BIN)")
        self.binaries = found
        self.folder = Path(tempfile.mkdtemp(prefix="mio-qual-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._user = "nobody" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        subprocess.run([str(self.binaries / args[0]), *args[1:]], check=True, user=self._user,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.folder)

    def start(self) -> "TempCluster":
        """Create the cluster and start its server; return self."""
        if self._user:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, self._user)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   f"-c fsync={'on' if self.durable else 'off'} -c max_connections=60 -c shared_buffers=32MB")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w",
                  "-t", "60", "start")
        return self

    @property
    def url(self) -> str:
        """The superuser's URL for the ``postgres`` database."""
        return self.url_for(SUPERUSER, "postgres")

    def url_for(self, role: str, database: str) -> str:
        """The URL of ``database`` for ``role`` (no password: the cluster trusts loopback)."""
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create a database owned by the superuser; return its superuser URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(SUPERUSER, name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the cluster's folder."""
        if (self.data / "postmaster.pid").exists():
            for _ in range(3):
                try:
                    self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
                    break
                except subprocess.CalledProcessError:
                    time.sleep(0.5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "TempCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

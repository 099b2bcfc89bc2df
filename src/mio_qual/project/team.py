"""Team mode: the project's coders on a PostgreSQL server, their roles and the release of their layers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class TeamMixin(ProjectBase):
    """Coders as database roles, blinded by row-level security until the lead releases their layers."""

    def _server_store(self) -> Any:
        if getattr(self.store, "backend", "sqlite") != "postgresql":
            raise InputError("this project is an SQLite file; team mode needs it on a PostgreSQL server",
                             path=self.store.path, hint="move it there with `mio-qual project push --database URL`")
        return self.store

    def server_url(self, role: str | None = None) -> str:
        """The project's database URL (no password), with ``role`` as its user when given.

        Parameters
        ----------
        role : str, optional
            A database role to put in the URL as its user.

        Returns
        -------
        str
            ``postgresql://USER@HOST:PORT/DB``.

        Raises
        ------
        InputError
            When the project is an SQLite file, not on a server.
        """
        url = self._server_store().url
        if role is None:
            return str(url)
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit(parts._replace(netloc=f"{role}@{host}"))

    def add_coder(self, coder: str, *, create_role: bool = True) -> bool:
        """Let ``coder`` (a database role named as their layer) code in the project; True if the role was made.

        The lead runs it. The coder reads the project, writes only their own layer (codings and
        ratings) and reads no other layer until :meth:`release_layers` releases it.

        Parameters
        ----------
        coder : str
            The coder's name: their database role and their layer.
        create_role : bool
            Make the role when the server lacks it (needs the CREATEROLE privilege).

        Returns
        -------
        bool
            True when the role was made, False when it existed.

        Raises
        ------
        InputError
            When the project is not on a server, the role connected is not the lead, the role
            does not exist and ``create_role`` is False, or the lead's role may not create roles.
        """
        from ..store import team

        store = self._server_store()
        with store.transaction():
            created = team.add_coder(store, coder, create_role=create_role)
            store.audit("team add-coder", target=coder, detail={"role_created": created})
        return created

    def release_layers(self, coders: Sequence[str]) -> list[str]:
        """Let every coder read these coders' layers (the end of blinding); return those newly released.

        Parameters
        ----------
        coders : sequence of str
            The coders whose layers every coder may now read.

        Returns
        -------
        list of str
            The coders released now (those released before are left out).

        Raises
        ------
        InputError
            When the project is not on a server, or the role connected is not the lead.
        """
        from ..store import team

        store = self._server_store()
        with store.transaction():
            released = team.release(store, list(coders))
            store.audit("team release", target=",".join(coders), detail={"released": released})
        return released

    def team(self) -> "pd.DataFrame":
        """The coders and when their layers were released (None while blinded).

        Returns
        -------
        pandas.DataFrame
            One row per coder, with the time their layer was released.

        Raises
        ------
        InputError
            When the project is not on a server.
        """
        from ..store import team

        return team.members(self._server_store())

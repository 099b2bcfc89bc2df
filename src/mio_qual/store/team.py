"""Team mode on PostgreSQL: coder roles, blinding by row-level security, releases, the audit role.

Each coder connects as their own database role, whose name is their layer's name. Row-level
security (PostgreSQL's ``CREATE POLICY``) on the layer tables (:data:`LAYER_TABLES`) lets a
coder insert, change and delete only rows of their own layer, and read only their own layer and
the layers the lead released (``team_released``). The lead is the role owning the tables
(whoever ran ``init`` or ``project push``): owners are not subject to the policies and read
everything. A trigger writes the connected role into every audit entry's ``user``, so the trail
names who really made a change; coders read only their own entries.

Every statement here is PostgreSQL's own: none of it applies to a SQLite store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..errors import InputError
from .db import now_iso

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .postgres import PostgresStore

LAYER_TABLES = {"codings": "coder", "ratings": "rater"}
"""Tables holding coders' layers, with the column naming the layer."""

CODER_WRITES = ("codings", "ratings", "imports", "coverage", "codebooks", "audit")
"""Tables a coder may write (within the policies); every other table is read-only to coders."""

OWN_ROW_TABLES = {"coverage": "coder"}
"""Tables every coder reads whole but changes only in their own rows: which transcripts a coder
was given or returned decides which units count against them in agreement (the seen rule), so
one coder may not assign transcripts to, or withdraw them from, another."""

_TEAM_TABLES = """
CREATE TABLE IF NOT EXISTS team_coders (role TEXT PRIMARY KEY, added_at TEXT NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS team_released (layer TEXT PRIMARY KEY, released_at TEXT NOT NULL,
                                          released_by TEXT NOT NULL);
CREATE OR REPLACE FUNCTION mio_qual_audit_role() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW."user" := current_user; RETURN NEW; END
$$;
DROP TRIGGER IF EXISTS mio_qual_audit_role ON audit;
CREATE TRIGGER mio_qual_audit_role BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION mio_qual_audit_role();
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS own_entries ON audit;
CREATE POLICY own_entries ON audit FOR SELECT USING ("user" = current_user);
DROP POLICY IF EXISTS any_entry ON audit;
CREATE POLICY any_entry ON audit FOR INSERT WITH CHECK (true)
"""

#: A coder writes, changes and deletes only rows under their own name (the column ``{column}``).
_WRITE_OWN = """
DROP POLICY IF EXISTS insert_own ON {table};
CREATE POLICY insert_own ON {table} FOR INSERT WITH CHECK ({column} = current_user);
DROP POLICY IF EXISTS update_own ON {table};
CREATE POLICY update_own ON {table} FOR UPDATE USING ({column} = current_user) WITH CHECK ({column} = current_user);
DROP POLICY IF EXISTS delete_own ON {table};
CREATE POLICY delete_own ON {table} FOR DELETE USING ({column} = current_user)
"""

_LAYER_POLICIES = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_own_or_released ON {table};
CREATE POLICY read_own_or_released ON {table} FOR SELECT
    USING ({column} = current_user OR {column} IN (SELECT layer FROM team_released));""" + _WRITE_OWN

_OWN_ROW_POLICIES = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_all ON {table};
CREATE POLICY read_all ON {table} FOR SELECT USING (true);""" + _WRITE_OWN

AUDIT_TRIGGER = "mio_qual_audit_role"


def _statements(script: str) -> list[str]:
    """Split on semicolons that end a line (the trigger function's body keeps its own on one line)."""
    return [s.strip() for s in script.split(";\n") if s.strip()]


def install(store: "PostgresStore") -> None:
    """Create the team tables, the audit trigger and the layer policies; grant each coder the tables.

    Idempotent: :meth:`PostgresStore.migrate` runs it after every migration, so tables a later
    migration adds are granted to the coders too.
    """
    raw = store.connection.raw
    for statement in _statements(_TEAM_TABLES):
        raw.execute(statement)
    for table, column in LAYER_TABLES.items():
        for statement in _statements(_LAYER_POLICIES.format(table=table, column=column)):
            raw.execute(statement)
    for table, column in OWN_ROW_TABLES.items():
        for statement in _statements(_OWN_ROW_POLICIES.format(table=table, column=column)):
            raw.execute(statement)
    for (role,) in raw.execute("SELECT role FROM team_coders ORDER BY role").fetchall():
        _grant(store, role)


def _grant(store: "PostgresStore", role: str) -> None:
    from psycopg import sql

    raw = store.connection.raw
    who = sql.Identifier(role)
    raw.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(raw.info.dbname), who))
    raw.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who))
    raw.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(who))
    raw.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(who))
    for table in CODER_WRITES:
        if raw.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is not None:
            raw.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(sql.Identifier(table), who))


def _roles(store: "PostgresStore") -> tuple[str, str, bool]:
    """The connected role, the owner of the project's tables (the lead) and whether the role is a superuser."""
    role, owner, superuser = store.connection.raw.execute(
        "SELECT current_user, (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename = 'codings'), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)").fetchone()
    return str(role), str(owner), bool(superuser)


def own_layer(store: "PostgresStore") -> str | None:
    """The connected role when it is a coder (not the lead, not a superuser): the one layer it may write; else None."""
    role, owner, superuser = _roles(store)
    return None if role == owner or superuser else role


def require_lead(store: "PostgresStore", action: str = "do this", hint: str = "ask the lead") -> str:
    """The connected role, when it is the project's lead (owner of its tables); else refuse, naming ``action``."""
    role, owner, superuser = _roles(store)
    if role != owner and not superuser:
        raise InputError(f"only the project lead ({owner}) can {action}; you are connected as {role}",
                         path=store.path, hint=hint)
    return str(role)


def refuse_hidden(store: "PostgresStore", layers: Sequence[str]) -> None:
    """Refuse, naming blinding, when a coder asks for layers they cannot read (neither theirs nor released).

    Called where layers were asked for and none of their codings came back: to a coder a blinded
    layer looks empty, which "has no codings" would misreport. A coder cannot tell a blinded
    layer from one that does not exist, and the message does not tell them either.
    """
    role, owner, superuser = _roles(store)
    if role == owner or superuser:
        return
    released = {row[0] for row in store.connection.raw.execute("SELECT layer FROM team_released").fetchall()}
    hidden = [layer for layer in layers if layer != role and layer not in released]
    if hidden:
        raise InputError(f"no codings of {', '.join(hidden)} that you can read: you are connected as {role}, and a "
                         "coder reads another coder's layer only after the lead releases it", path=store.path,
                         hint=f"ask the lead to compare the layers, or to release them (mio-qual team release "
                              f"{' '.join(hidden)})")


def require_every_layer(store: "PostgresStore", what: str, also: str = "") -> None:
    """Refuse ``what`` to a coder: it reads every coding layer, and a coder's role reads only their own
    layer and those the lead released, so the document would differ from the lead's without saying so
    (the consensus layer, for one, would be missing from it). ``also`` is added to the hint."""
    role, owner, superuser = _roles(store)
    if role == owner or superuser:
        return
    raise InputError(f"{what} reads every coding layer, and you are connected as {role}, a coder who reads only "
                     "their own layer and those the lead released: it would leave the others out without saying so",
                     path=store.path, hint=f"ask the lead ({owner}) to write it{also}")


def require_own_or_lead(store: "PostgresStore", layers: Sequence[str], action: str) -> str:
    """The connected role, when ``layers`` are all its own or it is the lead; else refuse with ``action`` named."""
    raw = store.connection.raw
    role = str(raw.execute("SELECT current_user").fetchone()[0])
    others = sorted(set(layers) - {role})
    if others:
        try:
            require_lead(store)
        except InputError:
            raise InputError(f"only the project lead can {action} {', '.join(others)}; you are connected "
                             f"as {role}", path=store.path,
                             hint=f"a coder does this only for their own layer ({role}); ask the lead") from None
    return role


def add_coder(store: "PostgresStore", role: str, *, create_role: bool = True) -> bool:
    """Let ``role`` code in the project (creating the login role if needed); True when the role was created.

    The role's name is the coder's layer name. It gets read access to the project's tables,
    write access to :data:`CODER_WRITES` within the policies, and no password: the server's
    administrator sets one (``ALTER ROLE ... PASSWORD``) or uses certificates.
    """
    import psycopg
    from psycopg import sql

    lead = require_lead(store)
    raw = store.connection.raw
    exists = raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None
    if not exists:
        if not create_role:
            raise InputError(f"there is no database role {role!r}", path=store.path,
                             hint="create it first, or leave out --existing-role")
        try:
            raw.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        except psycopg.errors.InsufficientPrivilege:
            raise InputError(f"the lead's role ({lead}) may not create roles", path=store.path,
                             hint=f"ask the server administrator to run CREATE ROLE \"{role}\" LOGIN, then "
                                  "add the coder with --existing-role") from None
    raw.execute("INSERT INTO team_coders (role, added_at, added_by) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (role, now_iso(), lead))
    install(store)  # grants this coder, and brings a project made by an earlier mio-qual to today's policies
    return not exists


def release(store: "PostgresStore", layers: Sequence[str]) -> list[str]:
    """Let every coder read these layers (after the lead compared them); return those newly released."""
    lead = require_lead(store)
    raw = store.connection.raw
    new = []
    for layer in layers:
        cursor = raw.execute("INSERT INTO team_released (layer, released_at, released_by) VALUES (%s, %s, %s)"
                             " ON CONFLICT DO NOTHING", (layer, now_iso(), lead))
        if cursor.rowcount:
            new.append(layer)
    return new


def members(store: "PostgresStore") -> "pd.DataFrame":
    """Coders of the project and layers released: role, added_at, released_at (None while blinded)."""
    import pandas as pd

    rows = store.connection.raw.execute(
        "SELECT c.role, c.added_at, r.released_at FROM team_coders c"
        " LEFT JOIN team_released r ON r.layer = c.role ORDER BY c.role").fetchall()
    return pd.DataFrame.from_records(rows, columns=["coder", "added_at", "released_at"])


def set_audit_trigger(store: "PostgresStore", enabled: bool) -> None:
    """Switch the audit-role trigger off while a whole project is copied in, and on again."""
    store.connection.raw.execute(f"ALTER TABLE audit {'ENABLE' if enabled else 'DISABLE'} TRIGGER {AUDIT_TRIGGER}")


__all__ = ["LAYER_TABLES", "CODER_WRITES", "OWN_ROW_TABLES", "install", "add_coder", "release", "members",
           "refuse_hidden", "require_every_layer", "require_lead", "require_own_or_lead"]


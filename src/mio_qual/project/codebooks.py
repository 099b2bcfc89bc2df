"""Codebook tools on a project's codings: map a layer to another codebook with a mapping sheet
(:meth:`CodebooksMixin.map_layer`), merge codes (:meth:`CodebooksMixin.merge_codes`) and
rename a code (:meth:`CodebooksMixin.rename_code`). Every change is one transaction and an
entry in the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from ..store import codebooks as store_codebooks
from ..store import codings as store_codings
from ._base import ProjectBase

if TYPE_CHECKING:  # pragma: no cover
    from ..codebook.mapping import MappedCodings


class CodebooksMixin(ProjectBase):
    """Mapping, merging and renaming codes in the project's codings."""

    def _code_names(self, versions: Sequence[str]) -> tuple[dict[str, str], dict[str, str | None]]:
        """Names and parents of the codes of the stored codebook versions (earlier versions first)."""
        names: dict[str, str] = {}
        parents: dict[str, str | None] = {}
        for content in store_codebooks.codebook_contents(self.store, list(versions)).values():
            for record in json.loads(content):
                cid = str(record.get("id") or "")
                if cid and cid not in names:
                    names[cid] = str(record.get("name") or "")
                    parents[cid] = record.get("parent") or None
        return names, parents

    def map_layer(self, coder: str, mapping: str | Path, *, into: str | None = None, codebook: Any = "cfir2",
                  source_codebook: Any = None) -> "MappedCodings":
        """Copy a coder's layer into another codebook's codes through a mapping sheet.

        Parameters
        ----------
        coder : str
            The layer to map (it is left as it is).
        mapping : str or Path
            A mapping sheet (``.csv``/``.xlsx``, see :mod:`mio_qual.codebook.mapping`) or a
            bundled mapping's name (``cfir2009_cfir2``: the original CFIR to the updated one).
        into : str, optional
            The layer written (default ``<coder>-<mapping name>``); what an earlier mapping
            wrote there is replaced.
        codebook : Codebook or codebook names
            The target codebook (default: the updated CFIR).
        source_codebook : Codebook or codebook names, optional
            The codebook the layer was coded with, so that the sheet may name its codes by
            name or path (default: the codebook versions stored with the layer's codings).

        Returns
        -------
        MappedCodings
            The mapped codings, the codes the sheet does not name (not carried over, counted),
            those it maps to nothing, the codings to review (one-to-many or marked rows), and
            how many mapped codings rest on rows the sheet marks as not checked against its
            source (``unchecked``; its summary says so).

        Raises
        ------
        InputError
            A layer without codings, a bad mapping sheet (every bad row listed).
        """
        from ..coding.codes import load_codebook
        from ..coding.model import Coding
        from ..codebook.mapping import map_codings, read_mapping

        target = load_codebook(codebook)
        sheet = read_mapping(mapping, target)
        rows = store_codings.read_codings(self.store, coder=coder)
        if rows.empty:
            raise InputError(f"no codings in layer {coder!r}", path=self.folder, hint="see `mio-qual coding list`")
        if source_codebook is not None:
            book = load_codebook(source_codebook)
            names = {c.id: c.name for c in book}
            parents = {c.id: c.parent for c in book}
        else:
            names, parents = self._code_names(sorted({v for v in rows["codebook_version"] if isinstance(v, str)}))
        result = map_codings(rows, sheet, names=names, parents=parents)
        layer = into or f"{coder}-{sheet.name}"
        frame = result.codings
        with self.store.transaction():
            for origin in sorted(set(frame["origin"])) or ["human"]:
                part = frame[frame["origin"] == origin]
                codings = [Coding(r.transcript_id, int(r.start), int(r.end), r.code, layer, origin,
                                  r.memo if isinstance(r.memo, str) else None, created=r.created)
                           for r in part.itertuples(index=False)]
                self.write_codings(codings, coder=layer, origin=origin, codebook=target,  # type: ignore[attr-defined]
                                   replace="layer", action=f"map layer {coder} with {sheet.name}")
            self.store.audit("map layer", target=layer, codebook_version=target.version, detail={
                "from": coder, "mapping": sheet.path, "written": int(len(frame)),
                "unmapped": dict(zip(result.unmapped["code"], map(int, result.unmapped["codings"]))),
                "dropped": dict(zip(result.dropped["code"], map(int, result.dropped["codings"]))),
                "to_review": int(len(result.review)), "unchecked_codings": int(result.unchecked)})
        return result

    def _recode(self, plan: dict[str, str], coder: str | None, action: str) -> dict[str, int]:
        with self.store.transaction():
            changed, removed = store_codings.recode(self.store, plan, coder=coder)
            if not changed:
                raise InputError(f"no codings of {', '.join(sorted(plan))}" + (f" in layer {coder!r}" if coder else ""),
                                 path=self.folder, hint="see `mio-qual coding list`; codes are named by id")
            self.store.audit(action, target=coder, detail={"codes": plan, "changed": changed,
                                                           "duplicates_removed": removed})
        return {"changed": changed, "duplicates_removed": removed}

    def rename_code(self, old: str, new: str, *, coder: str | None = None, codebook: Any = None) -> dict[str, int]:
        """Give every coding of code ``old`` the code ``new`` (in one layer, or all); audited.

        ``codebook``, when given, must hold ``new``. Returns the number of codings changed and
        of duplicates removed (a passage coded with both codes is kept once).
        """
        from ..codebook.mapping import recode_plan
        from ..coding.codes import load_codebook

        plan = recode_plan([old], new, load_codebook(codebook) if codebook is not None else None)
        return self._recode(plan, coder, "rename code")

    def merge_codes(self, codes: Sequence[str], into: str, *, coder: str | None = None,
                    codebook: Any = None) -> dict[str, int]:
        """Merge several codes into one (``into`` may be one of them) in one layer or all; audited.

        Returns the number of codings changed and of duplicates removed.
        """
        from ..codebook.mapping import recode_plan
        from ..coding.codes import load_codebook

        plan = recode_plan(codes, into, load_codebook(codebook) if codebook is not None else None)
        return self._recode(plan, coder, "merge codes")

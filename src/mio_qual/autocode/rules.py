"""Rule-based coding: the codebook's keyword patterns, applied to sentences, paragraphs or turns.

:class:`RuleCoder` matches the keyword patterns of every code (see
:mod:`mio_qual.autocode.patterns` for how, and for the negation and exclusion filters) on each
stored sentence of staff speech, and turns the hits into codings of origin ``rules`` on the
chosen unit: the unit's span gets the code, and the coding's ``evidence`` lists the matched
words with the pattern that matched them (``"recorded sessions" [record* session*]``).
Sentences are matched one at a time as the readers stored them, so a negation or exclusion
never reaches across a sentence boundary.

>>> from mio_qual.autocode import apply_rules
>>> apply_rules(project, unit="turn").inserted  # doctest: +SKIP
412
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..coding.model import Coding
from .patterns import DEFAULT_NEGATION_WINDOW, DEFAULT_NEGATORS, Hit, KeywordMatcher
from .units import check_unit, iter_unit_frames, load_default_codebook

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..coding.layers import WriteResult
    from ..project import Project

#: Longest evidence text kept on one coding.
MAX_EVIDENCE = 500


class RuleCoder:
    """Suggests codes wherever a code's keyword patterns match.

    Parameters
    ----------
    codebook : Codebook, optional
        Whose keywords to use; the bundled ``cfir2`` + ``cfir_outcomes`` + ``mio`` by default.
    negation_window : int
        Tokens before a hit searched for a negator; 0 keeps negated mentions.
    negators : iterable of str
        Words that negate a following hit.
    codes : sequence of str, optional
        Only these codes.
    """

    def __init__(self, codebook: Any = None, *, negation_window: int = DEFAULT_NEGATION_WINDOW,
                 negators: Iterable[str] = DEFAULT_NEGATORS, codes: Sequence[str] | None = None) -> None:
        self.codebook = codebook if codebook is not None else load_default_codebook()
        self.matcher = KeywordMatcher(self.codebook, negation_window=negation_window, negators=negators,
                                      codes=codes)

    @property
    def codes(self) -> list[str]:
        """Codes that have keyword patterns."""
        return self.matcher.codes

    def tag(self, texts: Iterable[str], *, split_sentences: bool = True) -> Iterable[list[Hit]]:
        """Hits for each text, streamed (see :meth:`KeywordMatcher.pipe`)."""
        return self.matcher.pipe(texts, split_sentences=split_sentences)

    def code(self, project: "Project", unit: str = "sentence", coder: str = "rules", *,
             skip_interviewer: bool = True, transcript_ids: Sequence[str] | None = None) -> list[Coding]:
        """Codings of origin ``rules`` for every unit where a keyword matched.

        Parameters
        ----------
        project : Project
        unit : {"sentence", "paragraph", "turn"}
            The unit that receives the code. Matching always runs on stored sentences; a
            paragraph or turn gets every code found in one of its sentences.
        coder : str
            The layer name for the codings.
        skip_interviewer : bool
            Leave interviewer turns uncoded (default).
        transcript_ids : sequence of str, optional
            Only these transcripts.

        Returns
        -------
        list of Coding
            One per (unit, code), ordered by transcript and position, with ``evidence`` naming
            the matched words and ``unit`` set.
        """
        check_unit(unit)
        codings: list[Coding] = []
        for sentences in iter_unit_frames(project, "sentence", transcript_ids_=transcript_ids,
                                          skip_interviewer=skip_interviewer):
            hits = list(self.matcher.pipe(sentences["text"].tolist(), split_sentences=False))
            codings.extend(self._to_codings(project, sentences, hits, unit, coder, skip_interviewer))
        return codings

    def _to_codings(self, project: "Project", sentences: "pd.DataFrame", hits: list[list[Hit]], unit: str,
                    coder: str, skip_interviewer: bool) -> list[Coding]:
        tid = sentences["transcript_id"].iat[0]
        # unit key of each sentence -> span of that unit
        if unit == "sentence":
            keys = sentences["n"].tolist()
            spans = dict(zip(keys, zip(sentences["start"].tolist(), sentences["end"].tolist())))
        else:
            from .units import unit_frame

            units = unit_frame(project, unit, transcript_id=tid, skip_interviewer=skip_interviewer)
            spans = dict(zip(units["n"].tolist(), zip(units["start"].tolist(), units["end"].tolist())))
            if unit == "turn":
                keys = sentences["turn_n"].tolist()
            else:
                paragraph_of = _paragraph_of(project, tid)
                keys = [paragraph_of.get(n) for n in sentences["n"].tolist()]
        evidence: dict[tuple[Any, str], dict[str, None]] = {}
        for key, sentence_hits in zip(keys, hits):
            if key not in spans:
                continue  # e.g. a sentence outside any turn when coding turns
            for hit in sentence_hits:
                evidence.setdefault((key, hit.code), {})[f'"{hit.text}" [{hit.pattern}]'] = None
        out = []
        for (key, code), found in evidence.items():
            start, end = spans[key]
            text = "; ".join(found)
            if len(text) > MAX_EVIDENCE:
                text = text[: MAX_EVIDENCE - 3] + "..."
            out.append(Coding(tid, int(start), int(end), code, coder, "rules", evidence=text, unit=unit))
        out.sort(key=lambda c: (c.start, c.end, c.code))
        return out


def _paragraph_of(project: "Project", transcript_id: str) -> dict[int, int]:
    """Sentence number -> paragraph number in one transcript."""
    rows = project.store.connection.execute(
        "SELECT n, paragraph_n FROM segments WHERE transcript_id = ? AND kind = 'sentence'", (transcript_id,))
    return {n: p for n, p in rows if p is not None}


@dataclass
class RulesResult:
    """What :func:`apply_rules` did."""

    coder: str
    unit: str
    inserted: int
    removed: int
    per_code: dict[str, int] = field(default_factory=dict)
    codes_with_keywords: int = 0

    def frame(self, codebook: Any = None) -> "pd.DataFrame":
        """Codings per code as a DataFrame (code, name, codings)."""
        import pandas as pd

        rows = []
        for code, n in sorted(self.per_code.items(), key=lambda kv: (-kv[1], kv[0])):
            name = codebook.codes[code].name if codebook is not None and code in codebook.codes else ""
            rows.append((code, name, n))
        return pd.DataFrame(rows, columns=["code", "name", "codings"])


def apply_rules(project: "Project", codebook: Any = None, *, unit: str = "sentence", coder: str = "rules",
                skip_interviewer: bool = True, negation_window: int = DEFAULT_NEGATION_WINDOW) -> RulesResult:
    """Run the rule coder over every transcript and write its layer, replacing the layer's
    previous ``rules`` codings.

    Written through :func:`mio_qual.coding.layers.write_codings` with origin ``rules``, in one
    transaction, recorded in the audit trail.

    Returns
    -------
    RulesResult
    """
    from ..coding.layers import write_codings

    rule_coder = RuleCoder(codebook, negation_window=negation_window)
    codings = rule_coder.code(project, unit=unit, coder=coder, skip_interviewer=skip_interviewer)
    result: WriteResult = write_codings(project, codings, coder=coder, origin="rules",
                                        codebook=rule_coder.codebook, replace="layer",
                                        action=f"autocode rules ({unit})")
    per_code: dict[str, int] = {}
    for c in codings:
        per_code[c.code] = per_code.get(c.code, 0) + 1
    return RulesResult(coder, unit, result.inserted, result.removed, per_code, len(rule_coder.codes))


__all__ = ["RuleCoder", "RulesResult", "apply_rules"]

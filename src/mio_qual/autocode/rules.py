"""Rule-based coding: the codebook's keyword patterns, applied to sentences, paragraphs or turns.

:class:`RuleCoder` matches the keyword patterns of every code (see
:mod:`mio_qual.autocode.patterns` for how, and for the negation and exclusion filters) on each
stored sentence of staff speech, and turns the hits into codings of origin ``rules`` on the
chosen unit: the unit's span gets the code, and the coding's ``evidence`` lists the matched
words with the pattern that matched them (``"recorded sessions" [record* session*]``).
Sentences are matched one at a time as the readers stored them, so a negation or exclusion
never reaches across a sentence boundary.

>>> project.autocode_rules(unit="turn").inserted  # doctest: +SKIP
412
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..coding.model import Coding
from ..errors import InputError
from .patterns import DEFAULT_NEGATION_WINDOW, DEFAULT_NEGATORS, Hit, KeywordMatcher
from .units import check_unit, load_default_codebook, unit_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

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

    def code(self, sentences: "pd.DataFrame", texts: Mapping[str, str], unit: str = "sentence",
             coder: str = "rules", *, units: "pd.DataFrame | None" = None, skip_interviewer: bool = True,
             transcript_ids: Sequence[str] | None = None) -> list[Coding]:
        """Codings of origin ``rules`` for every unit where a keyword matched.

        Parameters
        ----------
        sentences : pandas.DataFrame
            The stored sentences (as :meth:`Project.segments` returns them, text not needed):
            transcript_id, segment_id, n, turn_n, paragraph_n, start, end, is_interviewer.
        texts : mapping of str to str
            Each transcript's text, by id.
        unit : {"sentence", "paragraph", "turn"}
            The unit that receives the code. Matching always runs on stored sentences; a
            paragraph or turn gets every code found in one of its sentences.
        coder : str
            The layer name for the codings.
        units : pandas.DataFrame, optional
            For ``unit`` paragraph or turn: the stored segments of that kind.
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
        if unit != "sentence" and units is None:
            raise InputError(f"coding {unit}s needs the stored {unit}s", hint="pass units=")
        keep = set(transcript_ids) if transcript_ids is not None else set(sentences["transcript_id"])
        by_transcript = dict(tuple(units.groupby("transcript_id", sort=False))) if units is not None else {}
        codings: list[Coding] = []
        for tid, stored in sentences.groupby("transcript_id", sort=True):
            if tid not in keep:
                continue
            frame = unit_frame(stored, texts, "sentence", skip_interviewer=skip_interviewer)
            if not len(frame):
                continue
            hits = list(self.matcher.pipe(frame["text"].tolist(), split_sentences=False))
            spans = None
            if unit != "sentence":
                spans = unit_frame(by_transcript.get(tid, units.iloc[:0]), texts, unit,  # type: ignore[union-attr]
                                   skip_interviewer=skip_interviewer)
            codings.extend(self._to_codings(frame, stored, spans, hits, unit, coder))
        return codings

    @staticmethod
    def _to_codings(sentences: "pd.DataFrame", stored: "pd.DataFrame", units: "pd.DataFrame | None",
                    hits: list[list[Hit]], unit: str, coder: str) -> list[Coding]:
        tid = sentences["transcript_id"].iat[0]
        # unit key of each sentence -> span of that unit
        if unit == "sentence" or units is None:
            keys = sentences["n"].tolist()
            spans = dict(zip(keys, zip(sentences["start"].tolist(), sentences["end"].tolist())))
        else:
            spans = dict(zip(units["n"].tolist(), zip(units["start"].tolist(), units["end"].tolist())))
            if unit == "turn":
                keys = sentences["turn_n"].tolist()
            else:
                paragraph_of = {n: p for n, p in zip(stored["n"].tolist(), stored["paragraph_n"].tolist())
                                if p is not None and p == p}
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


@dataclass
class RulesResult:
    """What writing the rule coder's layer did (:meth:`Project.autocode_rules`)."""

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


def rules_result(codings: Sequence[Coding], rule_coder: RuleCoder, *, coder: str, unit: str, inserted: int,
                 removed: int) -> RulesResult:
    """What writing the rule coder's ``codings`` did, counted per code."""
    per_code: dict[str, int] = {}
    for c in codings:
        per_code[c.code] = per_code.get(c.code, 0) + 1
    return RulesResult(coder, unit, inserted, removed, per_code, len(rule_coder.codes))


__all__ = ["RuleCoder", "RulesResult", "rules_result", "MAX_EVIDENCE"]

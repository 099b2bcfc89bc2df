"""The spaCy pipeline mio-qual uses everywhere: no model download, ever.

``spacy.blank("en")`` with a rule-based sentencizer and the lookup lemmatizer whose tables
come from the ``spacy-lookups-data`` package (DESIGN.md, decision 8). A trained pipeline may
be named explicitly by a user who has one installed; it is never required.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language


@lru_cache(maxsize=4)
def get_nlp(lemmatize: bool = True, model: str | None = None) -> "Language":
    """Return the shared spaCy pipeline (built once per process).

    Parameters
    ----------
    lemmatize : bool
        Add the lookup lemmatizer (needed by rule-based coding, not by segmentation).
    model : str, optional
        Name of an installed trained spaCy pipeline to use instead of the blank one.

    Returns
    -------
    spacy.language.Language
    """
    import spacy

    if model:
        nlp = spacy.load(model)
        if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    if lemmatize:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    nlp.max_length = 50_000_000
    return nlp

"""The study report's themes in the analysts' words, its limitations, and its appendices."""

from __future__ import annotations

import docx
import pandas as pd

from mio_qual.reports.documents import themes_report
from mio_qual.reports.study import limitations

from helpers.reports import document_text, make_study


def test_themes_quote_the_analysts_words_redacted(tmp_path) -> None:
    project = make_study(tmp_path / "study")
    inputs = project._report_inputs((), themes=project._themes_data(None), constructs=project.constructs())
    inputs.themes.ratings = pd.DataFrame({
        "case_id": ["northside", "downtown"], "construct": ["IS.J2", "IS.J2"], "rating": ["+2", "-1"],
        "rationale": ["A room with a door that Renata set up.", "No private room; sessions interrupted."],
        "quote": ["Our room has a door and a rug.", None], "rater": ["consensus", "consensus"]})
    inputs.themes.memos = pd.DataFrame({"transcript_id": ["T01"], "code": ["IS.J2"], "memo": ["(+) room protected"],
                                        "clinic": ["northside"]})
    result = themes_report(inputs, tmp_path / "themes.docx", max_quotes=2, charts=False)
    paragraphs = [p.text for p in docx.Document(str(result.path)).paragraphs]
    text = "\n".join(paragraphs)
    # the raters' rationale per clinic, in the codebook's clinic order, with the rating; names redacted
    assert "Northside (+2). A room with a door that [name] set up." in paragraphs
    assert "Downtown (-1). No private room; sessions interrupted." in paragraphs
    assert "Coders' memos. \u201c(+) room protected\u201d (northside)." in paragraphs
    # the pinned quote comes first among the quotes, attributed to the raters' choice
    assert text.index("Our room has a door and a rug.") < text.index("Northside, quote chosen by the raters")
    assert "Renata" not in document_text(result.path)
    project.close()


def test_limitations_come_from_the_project(tmp_path) -> None:
    project = make_study(tmp_path / "study")
    inputs = project._report_inputs((), constructs=project.constructs())
    data = project.agreement_data()
    sentences = limitations(inputs, data, [])
    assert sentences[0].startswith("The study has two clinics: comparisons across clinics")
    assert any("No construct ratings were recorded" in s for s in sentences)
    assert sentences[-1].startswith("Names are replaced using the speaker roster")
    assert not any("Automatic suggestions" in s for s in sentences)
    one = limitations(inputs, "Inter-rater agreement needs two coders.", [])
    assert "Coding reliability could not be assessed: inter-rater agreement needs two coders." in one
    project.close()

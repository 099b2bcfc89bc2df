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


def test_reconciliation_notes_are_not_quoted_as_coders_memos(tmp_path) -> None:
    """New-user walk: themes listed "Coders' memos: 'reconciled: keep A (D0003)'" (a sheet's note, not a memo)."""
    project = make_study(tmp_path / "study")
    inputs = project._report_inputs((), themes=project._themes_data(None), constructs=project.constructs())
    inputs.themes.memos = pd.DataFrame({
        "transcript_id": ["T01", "T01", "T02", "T02", "T01"], "code": ["IS.J2", "IS.J2", "IS.J2", "IS.J2", "MIO.BILL"],
        "memo": ["(+) room protected", "reconciled: keep A (D0003)", "reconciled: code: IS.J2 (D0018)",
                 "reconciled: keep B (D0003)", "reconciled: both (D0005)"],
        "clinic": ["northside", "northside", "downtown", "northside", "northside"]})
    result = themes_report(inputs, tmp_path / "themes.docx", max_quotes=2, charts=False)
    paragraphs = [p.text for p in docx.Document(str(result.path)).paragraphs]
    assert "Coders' memos. \u201c(+) room protected\u201d (northside)." in paragraphs
    assert not any("reconciled:" in p for p in paragraphs)
    # said once, after the section's opening (it was repeated under every construct), per construct
    said = [k for k, p in enumerate(paragraphs) if p.startswith("Decided in reconciliation.")]
    assert len(said) == 1 and paragraphs[said[0] - 1].startswith("Themes are read from the")
    assert paragraphs[said[0]] == (
        "Decided in reconciliation. Some codings in this section come from the team's decisions on the coders'"
        " disagreements rather than from both coders: OS.F Financing, row D0005 (northside); IS.J2 Space, rows D0003"
        " (northside) and D0018 (downtown); MIO.BILL Billing and reimbursement for MIO, row D0005 (northside) of the"
        " reconciliation sheet.")  # MIO.BILL refines OS.F: its decided coding shows in both
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
    # one coder and automatic suggestions: no agreement appendices, so the evaluation is Appendix A
    from mio_qual.reports.study import appendix_letters

    letters = appendix_letters(["codebook", "autocode"])
    assert letters == {"autocode": "A", "codebook": "B"}
    assert any("(Appendix A); no finding rests on them" in s for s in limitations(inputs, "none", ["rules"], letters))
    project.close()


def test_intervals_that_say_nothing_are_not_printed() -> None:
    from mio_qual.reports.documents import _interval_text, interval_meaningful

    base = {"level": "code", "cohen_kappa": 0.5, "cohen_kappa_ci_low": 0.2, "cohen_kappa_ci_high": 0.8,
            "prevalence": 0.01, "n_units": 1000}
    assert interval_meaningful(base, "cohen_kappa") is True  # ten coded units
    assert _interval_text(base, "cohen_kappa") == "\u00a0(0.20,\u00a00.80)"
    rare = {**base, "prevalence": 0.004}  # four coded units
    assert interval_meaningful(rare, "cohen_kappa") is False
    assert _interval_text(rare, "cohen_kappa") == "\u00a0(no\u00a0interval*)"
    point = {**base, "cohen_kappa": -0.0012, "cohen_kappa_ci_low": -0.0022, "cohen_kappa_ci_high": -0.0003}
    assert interval_meaningful(point, "cohen_kappa") is False  # prints as (0.00, 0.00)
    assert interval_meaningful({**base, "cohen_kappa_ci_low": float("nan")}, "cohen_kappa") is None
    pooled = {**base, "level": "pooled", "prevalence": 0.001}
    assert interval_meaningful(pooled, "cohen_kappa") is True


def test_a_study_report_builds_each_input_once(tmp_path, monkeypatch) -> None:
    """The bundled codebooks are parsed at most once per report (constructs and coder's manual share them),
    agreement's reliability data is built once for the table and the disagreements, and the implementation outcomes
    once for Aim 2's table, the RE-AIM table and the predictor matrix."""
    from mio_qual.agreement import project_api
    from mio_qual.codebook import loader, yaml_io
    from mio_qual.implementation import outcomes
    from mio_qual.mixed import constructs

    parsed: list[str] = []
    built: list[str] = []
    computed: list[float] = []
    compute = outcomes.implementation_outcomes
    monkeypatch.setattr(outcomes, "implementation_outcomes",
                        lambda quant, benchmark=4.0, **kw: computed.append(benchmark) or compute(quant, benchmark, **kw))
    read_yaml, build = yaml_io.read_yaml, project_api._build_reliability
    monkeypatch.setattr(yaml_io, "read_yaml",
                        lambda path, *a, **k: parsed.append(str(path)) or read_yaml(path, *a, **k))
    monkeypatch.setattr(project_api, "_build_reliability",
                        lambda inputs, unit, *a, **k: built.append(unit) or build(inputs, unit, *a, **k))
    project = make_study(tmp_path / "study")
    reach = tmp_path / "reach.csv"  # an outcome dataset: without Aim 2 data the report computes no outcomes at all
    reach.write_text("clinic,agency,eligible,enrolled\nnorthside,riverbend,30,12\n", encoding="utf-8")
    project.import_quant(reach)
    constructs._parsed_bundle.cache_clear()
    monkeypatch.setattr(loader, "_BUILT", {})  # bundled codebooks built by an earlier test of this process
    parsed.clear()
    result = project.report_study(tmp_path / "out" / "study.docx", charts=False)
    assert any(p.name.endswith("appendix-b-disagreements.docx") for p in result.files)  # both were written
    assert parsed and sorted(set(parsed)) == sorted(parsed)  # read, and no codebook file parsed twice
    assert built == ["sentence"]
    assert computed == [4.0]
    project.close()


def test_a_study_report_reads_the_codings_once(tmp_path) -> None:
    """Agreement and the themes share one read of the layers' codings and one of their memos; the layers' facts
    (methods, coder's manual, which layers the themes quote) come from one grouping of their sources and one of each
    layer's codes, however many sections ask."""
    project = make_study(tmp_path / "study")
    seen: list[str] = []
    project.store.connection.set_trace_callback(seen.append)
    try:
        project.report_study(tmp_path / "out" / "study.docx", charts=False)
    finally:
        project.store.connection.set_trace_callback(None)
    on_codings = [" ".join(s.split()) for s in seen if " FROM codings" in s]
    rows = [s for s in on_codings if "COUNT(" not in s]  # statements reading codings one row each
    assert len(rows) == 2 and sum(" memo IS NOT NULL" in s for s in rows) == 1  # the codings, the memos
    layers = project.store.connection.execute("SELECT COUNT(*) FROM (SELECT DISTINCT coder, origin FROM codings)"
                                              " AS layers").fetchone()[0]
    # the layers' facts (their sources, then each layer's codes), the codings' runs
    assert layers >= 2 and sum(" GROUP BY " in s for s in on_codings) == 1 + layers + 1
    assert len(set(on_codings)) == len(on_codings)  # no statement on the codings run twice
    project.close()


def test_running_text_follows_one_number_style(tmp_path) -> None:
    """APA style (reports/methods.py): counts below 10 in words, 10 and above in numerals, never a numeral opening a
    sentence. New-user walk: "Five transcripts of 6 were coded by at least two coders"."""
    import re

    from mio_qual.coding import Coding

    project = make_study(tmp_path / "study")
    third = tmp_path / "T03.txt"
    third.write_text("INTERVIEWER: And billing?\nPARTICIPANT: Billing is hard. We cannot bill the hour.\n",
                     encoding="utf-8")
    project.import_transcripts([third])
    text = project.text("T03")
    start = text.index("Billing is hard.")
    project.write_codings([Coding("T03", start, start + 16, "MIO.BILL", "jordan")], coder="jordan",
                          source_file="jordan-T03.xlsx")
    result = project.report_study(tmp_path / "study.docx", charts=False)
    body = [p.text for p in docx.Document(str(result.path)).paragraphs
            if p.style.name in ("Normal", "List Bullet") and p.text.strip()]
    prose = "\n".join(body)
    assert "Two of the three transcripts were coded by at least two coders." in prose
    assert "; by role: " in prose and not re.search(r"; by role: [a-z ]+ \d", prose)  # "two counselors", not "counselor 2"
    counted = r"(?:transcript|coder|code|unit|clinic|rating|cell|coding|participant|excerpt|place|disagreement)s?"
    # "1 transcript(s)", "5 ratings" (a setting such as "fewer than 5 units coded" is a numeral by the rule)
    assert re.findall(rf"(?<![\w.\-+=(/])(?<!than )[1-9] {counted}\b", prose) == []
    assert re.findall(r"\b(?:ten|eleven|twelve) " + counted, prose, flags=re.I) == []
    assert [s for s in re.findall(r"(?:^|[.!?] )(\d[^.]{0,30})", prose, flags=re.M) if not s.startswith("241)")] == []
    project.close()


def test_a_code_too_rare_to_assess_is_not_counted_reliable(tmp_path) -> None:
    """New-user walk: a code coded in two sentences (alpha 1) was "reliable" in the Reliability paragraph while
    the Limitations called it too rare for an interval."""
    from mio_qual.agreement.report import agreement_table
    from mio_qual.agreement.units import reliability_data
    from mio_qual.reports.documents import AgreementData, agreement_results

    rows = []
    for coder in ("A", "B"):
        rows += [("T1", 10 * i, 10 * i + 5, "R", coder) for i in (3, 40)]          # 2 units, alpha 1
        rows += [("T1", 10 * i, 10 * i + 5, "C", coder) for i in range(10, 16)]    # 6 units, alpha 1
    codings = pd.DataFrame(rows, columns=["transcript_id", "start", "end", "code", "coder"])
    segments = pd.DataFrame([("T1", f"s{i}", 10 * i, 10 * i + 10) for i in range(60)],
                            columns=["transcript_id", "segment_id", "start", "end"])
    table = agreement_table(reliability_data(codings, "sentence", segments=segments))
    data = AgreementData(coders=["A", "B"], unit="sentence", table=table, disagreements=pd.DataFrame())
    text = agreement_results(data)
    assert ("Of two codes, one reached the reliable level, none the tentative level and none fell below it;"
            " one was too rare to assess (fewer than 5 units coded).") in text
    project = make_study(tmp_path / "study")
    inputs = project._report_inputs((), constructs=project.constructs())
    sentences = limitations(inputs, data, [])
    assert any(s.startswith("Too rare in the coded units for an interval of agreement") and ": one code," in s
               for s in sentences)
    assert not any(s.startswith("Agreement fell below the tentative level") for s in sentences)
    project.close()


def test_speakers_without_a_role_are_counted_in_the_plural(tmp_path) -> None:
    """New-user walk: "by role: two role not recordeds"."""
    from mio_qual.coding import Coding

    project = make_study(tmp_path / "study")
    third = tmp_path / "T03.txt"
    third.write_text("Our room is far too small. The room is shared with billing.\n", encoding="utf-8")  # no turns
    project.import_transcripts([third])
    text = project.text("T03")
    rows = [Coding("T03", text.index(s), text.index(s) + len(s), "IS.J2", coder)
            for s in ("Our room is far too small.", "The room is shared with billing.") for coder in ("jordan", "casey")]
    for coder in ("jordan", "casey"):
        project.write_codings([r for r in rows if r.coder == coder], coder=coder, source_file=f"{coder}-T03.xlsx")
    result = themes_report(project._report_inputs((), themes=project._themes_data(None),
                                                  constructs=project.constructs()),
                           tmp_path / "themes.docx", max_quotes=2, charts=False)
    prose = "\n".join(p.text for p in docx.Document(str(result.path)).paragraphs)
    assert "role not recordeds" not in prose and "roles not recorded" not in prose
    # by role counts participants, once each, as the sentence's "of N participants" does (audit, session 8: the
    # demo read "of 20 participants ...; by role: 21 counselors, nine clinic directors", which counted excerpts)
    assert "of three participants in three transcripts, two clinics; by role: one counselor, one supervisor, one " \
           "participant whose role was not recorded." in prose
    project.close()


def test_a_coder_sharing_no_transcript_is_named_not_hidden_in_a_coefficient(tmp_path) -> None:
    """Newuser4 (session 8): a third layer on other transcripts made Appendix A print Fleiss' kappa -121.50 beside
    95.7% agreement. The layer is left out of every coefficient and the report says so, by name."""
    from mio_qual.coding import Coding

    project = make_study(tmp_path / "study")
    third = tmp_path / "T03.txt"
    third.write_text("PARTICIPANT: Our room is far too small. The room is shared with billing.\n", encoding="utf-8")
    project.import_transcripts([third])
    text = project.text("T03")
    start = text.index("Our room")
    project.write_codings([Coding("T03", start, start + 26, "IS.J2", "blake")], coder="blake",
                          source_file="blake.docx")
    result = project.report("study", out=tmp_path / "study.docx", charts=False)
    prose = "\n".join(p.text for p in docx.Document(str(result.path)).paragraphs)
    project.close()
    assert ("Not compared: blake shares no transcript with the other coders compared (jordan, casey), so no unit"
            " has a second rating beside blake's") in prose
    assert "Agreement between jordan and casey was measured" in prose
    assert "one transcript only blake saw (T03): blake shares no transcript" in prose      # the methods' set-aside
    appendix = docx.Document(str(tmp_path / "study-appendix-a-agreement.docx"))
    headers = {cell.text for table in appendix.tables for cell in table.rows[0].cells}
    assert "Cohen's \u03ba" in headers and "Fleiss' \u03ba" not in headers    # two coders compared: their coefficients


def test_coders_in_groups_sharing_no_transcript_are_said_to_be(tmp_path) -> None:
    """Two pairs of coders on different transcripts: pooled (Fleiss 1971 lets the coders differ by unit), and said."""
    from mio_qual.coding import Coding

    project = make_study(tmp_path / "study")
    third = tmp_path / "T03.txt"
    third.write_text("PARTICIPANT: Our room is far too small. The room is shared with billing.\n", encoding="utf-8")
    project.import_transcripts([third])
    text = project.text("T03")
    start = text.index("Our room")
    for coder in ("blake", "dee"):
        project.write_codings([Coding("T03", start, start + 26, "IS.J2", coder)], coder=coder,
                              source_file=f"{coder}.docx")
    result = project.report("study", out=tmp_path / "study.docx", charts=False)
    prose = "\n".join(p.text for p in docx.Document(str(result.path)).paragraphs)
    project.close()
    assert "The coders form 2 groups that share no transcript (jordan and casey; blake and dee)" in prose
    assert "Not compared" not in prose and "Agreement between jordan, casey, blake and dee" in prose

"""Every report on a tiny study whose numbers can be worked out by hand.

Two interviews (16 sentences), two coders, three codes. For each code the 2 x 2 table of the
coders' sentence decisions is known, so the per-code agreement cells can be checked against
Cohen's kappa computed here from the counts: kappa = (p_o - p_e) / (1 - p_e) (Cohen, 1960).
"""

from __future__ import annotations

import re

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from helpers.reports import CODING, document_text, find_table, headings, leaked, make_study, row_of
from mio_qual import Project

EXTRA = ["Gwen"]  # a name that is not in the roster, given as a --redact list
N_SENTENCES = 16
N_PARTICIPANT_SENTENCES = 13  # agreement units: interviewer sentences are left out by default


def kappa(both: int, first_only: int, second_only: int, neither: int) -> float:
    n = both + first_only + second_only + neither
    p_o = (both + neither) / n
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    p_e = p1 * p2 + (1 - p1) * (1 - p2)
    return (p_o - p_e) / (1 - p_e)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    project = make_study(folder)
    out = folder / "reports"
    results = {
        "codebook": project.report_codebook(out / "codebook.docx", redact=EXTRA),
        "agreement": project.report_agreement(out / "agreement.docx", redact=EXTRA),
        "themes": project.report_themes(out / "themes.docx", redact=EXTRA),
        "joint": project.report_joint(out / "joint.docx", redact=EXTRA),
        "study": project.report_study(out / "study.docx", redact=EXTRA),
    }
    yield project, results
    project.close()


def test_no_roster_name_or_listed_name_reaches_any_report(study):
    project, results = study
    names = sorted(project.private_names()) + EXTRA
    assert {"Renata", "Morgan", "Lionel Ashby"} <= set(names)
    for kind, result in results.items():
        text = document_text(result.path)
        assert leaked(text, names) == [], kind
        for companion in result.files[1:]:
            if companion.suffix == ".csv":
                assert leaked(companion.read_text(encoding="utf-8"), names) == [], companion
    # the names were there to be redacted: quotes and disagreements show the placeholder
    assert "[name]" in document_text(results["agreement"].path)
    assert "[name]" in document_text(results["themes"].path)


def test_agreement_report_cells_match_hand_computed_kappa(study):
    _, results = study
    result = results["agreement"]
    document = docx.Document(str(result.path))
    assert [h for h in headings(document)] == [(1, "Inter-rater agreement"), (2, "Method"), (2, "Results"),
                                               (2, "Disagreements")]
    table = find_table(document, "Code")
    header = [c.text for c in table.rows[0].cells]
    assert header[:5] == ["Code", "Name", "Prevalence", "% agreement", "Cohen's \u03ba (95% CI)"]
    space = row_of(table, "IS.J2")
    assert space["Name"] == "Space"
    assert space["% agreement"] == f"{11 / 13:.1%}"  # 3 both, 1 + 1 one coder only, 8 neither
    assert space["Cohen's \u03ba (95% CI)"].startswith(f"{kappa(3, 1, 1, 8):.2f}\u00a0(")
    assert row_of(table, "MIO.BILL")["Cohen's \u03ba (95% CI)"].startswith(f"{kappa(1, 1, 0, 11):.2f}")
    assert row_of(table, "MIO.SUPV")["% agreement"] == "100.0%"
    # both coders coded the same 3 sentences (alpha 1): fewer than 5 coded units, so too rare to call reliable
    assert row_of(table, "MIO.SUPV")["Flag"] == "too rare"
    # the method paragraph says what was done
    method = next(p.text for p in document.paragraphs if p.text.startswith("Inter-rater agreement."))
    assert "jordan and casey" in method and f"each of the {N_PARTICIPANT_SENTENCES} sentences of participants' speech" in method
    assert "Interviewer and facilitator speech was left out" in method
    assert "three codes" in method and "Cohen's \u03ba (Cohen, 1960)" in method
    assert "Intervals (95%, analytic)" in method and "resamples" not in method
    # disagreement appendix: T02:s3, T01:s9, T01:s11
    appendix = find_table(document, "Unit")
    assert sorted(r.cells[0].text for r in appendix.rows[1:]) == ["T01:s11", "T01:s9", "T02:s3"]
    assert row_of(appendix, "T01:s11")["Text"] == "[name] helps with billing."
    assert row_of(appendix, "T01:s11")["Speaker"] == "S01, counselor"
    # chart embedded and saved beside the document
    assert result.n_figures == 1 and len(document.inline_shapes) == 1
    assert [p.name for p in result.figures] == ["agreement-agreement.png"]
    assert result.figures[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    csv = result.path.with_name("agreement-disagreements.csv")
    assert csv in result.files and csv.read_text(encoding="utf-8").count("\n") == 4


def test_themes_report_counts_and_quotes(study):
    _, results = study
    document = docx.Document(str(results["themes"].path))
    titles = [t for _, t in headings(document)]
    assert titles[0] == "Constructs by clinic"
    assert "IS.J2 Space" in titles and "Inner Setting" in titles and "Study codes (MIO)" in titles
    overview = find_table(document, "Construct")
    header = [c.text for c in overview.rows[0].cells]
    assert header == ["Construct", "Downtown", "Northside", "Total", "Participants", "Transcripts"]
    # IS.J2 excerpts: T01 s3, s8 (both coders, counted once), s9 (casey); T02 s2 (both), s3 (jordan)
    assert row_of(overview, "IS.J2 Space") == {"Construct": "IS.J2 Space", "Downtown": "2", "Northside": "3",
                                               "Total": "5", "Participants": "2", "Transcripts": "2"}
    # IS.K collects MIO.SUPV's excerpts (MIO.SUPV refines IS.K)
    assert row_of(overview, "IS.K Access to Knowledge & Information")["Total"] == "3"
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    sources = [p.text for p in document.paragraphs if p.style.name == "Quote Source"]
    assert "\u201c[name] and I share the room.\u201d" in quotes
    assert all(re.fullmatch(r"\u2014 S0[12], (counselor|supervisor), (Northside|Downtown) \(T0[12]\)", s)
               for s in sources)
    assert results["themes"].n_figures == 1


def test_codebook_report(study):
    project, results = study
    from mio_qual.codebook import load_codebooks

    document = docx.Document(str(results["codebook"].path))
    assert len(document.tables) == 1
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Codebook", "Title", "Version", "Codes", "Applied"]
    cfir = load_codebooks(["cfir2"])
    assert row_of(table, "cfir2")["Codes"] == str(len(cfir))
    assert row_of(table, "cfir2")["Applied"] == "1"  # IS.J2
    assert row_of(table, "mio")["Applied"] == "2"  # MIO.SUPV, MIO.BILL
    titles = [t for _, t in headings(document)]
    assert titles[:2] == ["About this manual", "INN Innovation"]
    assert "IS.J2 Space" in titles
    definition = next(p.text for p in document.paragraphs if p.text.startswith("Definition.") and
                      "room" in p.text.lower())
    assert definition


def test_joint_report_without_ratings_says_so(study):
    _, results = study
    result = results["joint"]
    assert result.tables == 0 and result.absent
    document = docx.Document(str(result.path))
    assert any(p.text == result.absent[0] for p in document.paragraphs)
    assert "ratings" in result.absent[0]


def test_study_report_sections_and_generated_methods(study):
    _, results = study
    result = results["study"]
    document = docx.Document(str(result.path))
    top = [t for level, t in headings(document) if level == 1]
    assert top == ["About this report", "Methods", "Aim 2: implementation processes by clinic and agency",
                   "Aim 3: determinants of implementation", "Reliability of the coding", "Limitations", "Appendices"]
    # the appendices are separate documents, named in the report
    # no automatic suggestions, no appendix for them: the others are lettered A, B, C without a gap (new-user walk
    # found A, B, D), in their file names, their titles and the report's list
    assert [a.path.name for a in result.appendices] == ["study-appendix-a-agreement.docx",
                                                       "study-appendix-b-disagreements.docx",
                                                       "study-appendix-c-codebook.docx"]
    assert [next(p.text for p in docx.Document(str(a.path)).paragraphs if p.text) for a in result.appendices] == [
        "Appendix A. Inter-rater agreement", "Appendix B. Disagreements between coders", "Appendix C. Coder's manual"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Appendix C. Coder's manual (study-appendix-c-codebook.docx)" in text and "Appendix D" not in text
    assert "evaluation of automatic suggestions" not in text  # the opening paragraph lists only what was written
    assert all(a.path.name in text and a.path in result.files for a in result.appendices)
    assert "Limitations" in top and "two clinics: comparisons across clinics" in text
    methods = []
    collecting = False
    for p in document.paragraphs:
        if p.style.name == "Heading 1":
            collecting = p.text == "Methods"
            continue
        if collecting and p.text:
            methods.append(p.text)
    text = " ".join(methods)
    assert "two individual interviews" in text and "two clinics of two agencies" in text
    assert "Two coders coded the transcripts" in text
    assert "jordan applied nine codings with three codes to two transcripts from a coding spreadsheet" in text
    # nothing claimed that was not done
    assert "Reconciliation" not in text and "consensus" not in text
    assert "Construct ratings" not in text and "Quantitative data" not in text
    assert "Automatic suggestions" not in text
    assert document.sections[0].different_first_page_header_footer  # title page
    assert result.n_figures == 2 and len(document.inline_shapes) == 2
    assert {p.name for p in result.figures} == {"study-agreement.png", "study-code-frequency.png"}


def test_a_report_result_shows_in_one_short_line_and_keeps_its_content(study):
    _, results = study
    result = results["study"]
    shown = repr(result)
    assert len(shown) < 300 and "\n" not in shown, shown  # a notebook showed every heading (8 KB)
    assert shown == (f"ReportResult(study {str(result.path)!r}: 7 files written, 1 table, 2 figures, 18 headings, "
                     "3 appendices, 2 sections absent (.absent))")
    # the content stays in the attributes
    assert len(result.files) == 7 and result.tables == 1 and result.n_figures == 2 and len(result.headings) == 18
    assert len(result.appendices) == 3 and len(result.appendices[2].headings) > 100
    assert result.absent[0] == "The project holds no implementation outcome, activity or log data for Aim 2 yet."
    assert repr(results["codebook"]).endswith("no section absent)")


def test_one_coder_and_empty_projects_still_give_every_report(tmp_path):
    one = make_study(tmp_path / "one", {"jordan": CODING["jordan"]})
    result = one.report_agreement(tmp_path / "one.docx")
    assert result.tables == 0 and "two coders" in result.absent[0]
    study = one.report_study(tmp_path / "one-study.docx")
    assert any("one human coding layer" in s for s in study.absent)
    one.close()
    empty = Project.create(tmp_path / "empty")
    for function in (empty.report_codebook, empty.report_agreement, empty.report_themes, empty.report_joint,
                     empty.report_study):
        result = function(tmp_path / f"empty-{function.__name__}.docx")
        assert result.path.is_file()
        docx.Document(str(result.path))
    empty.close()


def test_not_a_docx_is_refused(study, tmp_path):
    from mio_qual.errors import InputError

    project, _ = study
    with pytest.raises(InputError, match="Word file"):
        project.report_themes(tmp_path / "themes.pdf")


def test_study_report_evaluates_rule_suggestions(tmp_path):
    project = make_study(tmp_path / "rules")
    project.autocode_rules()
    result = project.report_study(tmp_path / "study.docx")
    document = docx.Document(str(result.path))
    # the evaluation is Appendix C, a document of its own; the report names it in its appendix list
    appendix = next(a for a in result.appendices if a.kind == "appendix-c-autocode")
    assert appendix.path.name in " ".join(p.text for p in document.paragraphs)
    # no code of the tiny study reaches the default five units: said in one sentence
    assert any("could be scored" in s for s in result.absent)
    text = " ".join(p.text for p in document.paragraphs)
    assert "Automatic suggestions (rules)." in text and "keyword patterns" in text
    # an evaluation passed in (scoring codes with two or more units) is shown as it is
    evaluation = project.autocode_evaluate("rules", min_examples=2)
    shown = project.report_study(tmp_path / "study2.docx", autocode=[evaluation])
    shown_c = next(a for a in shown.appendices if a.kind == "appendix-c-autocode")
    summary = find_table(docx.Document(str(shown_c.path)), "Suggestions")
    assert [c.text for c in summary.rows[0].cells][:3] == ["Suggestions", "Pooling", "Codes scored"]
    assert [r.cells[1].text for r in summary.rows[1:]] == ["micro", "macro"]
    micro = evaluation.table.set_index("code").loc["micro"]
    assert row_of(summary, "rules")["F1"] == (f"{micro['f1']:.2f}" if micro["f1"] == micro["f1"] else "\u2013")
    project.close()


def test_prevalence_and_the_rare_code_rule_say_what_is_computed() -> None:
    """Audit (session 7): the per-code table's note defined prevalence as the share of units *either* coder coded,
    but the agreement table computes the coders' mean share (tests/agreement/test_report.py: A codes 2 of 4 units,
    B 3 of 4 -> 5/8, where 'either' would be 3/4); the rare-code rule read that mean as a count 'by either coder'
    and rounded half to even. The demo's INN.H (coded 3 and 6 times, 6 units by either) showed no interval."""
    from mio_qual.reports.documents import INTERVAL_NOTE, interval_meaningful

    base = {"level": "code", "cohen_kappa": 0.67, "cohen_kappa_ci_low": 0.31, "cohen_kappa_ci_high": 1.0,
            "n_units": 2794}
    assert interval_meaningful({**base, "prevalence": 4.5 / 2794}, "cohen_kappa") is False  # (3 + 6) / 2 coded
    assert interval_meaningful({**base, "prevalence": 5 / 2794}, "cohen_kappa") is True     # (4 + 6) / 2
    assert interval_meaningful({**base, "prevalence": 4.6 / 2794}, "cohen_kappa") is False  # was rounded up to 5
    assert "(on average over the coders)" in INTERVAL_NOTE


def test_codebook_titles_are_not_lost_for_the_process_after_one_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # the titles of the stored codebooks were cached as {} after any exception, for every later report of the
    # process; now an InputError (a codebook not bundled) gives {} for this call only, and a bug surfaces
    import mio_qual.codebook as codebook
    from mio_qual.errors import InputError
    from mio_qual.reports import documents

    real = codebook.load_codebooks
    calls: list[str] = []

    def flaky(names):  # type: ignore[no-untyped-def]
        calls.append("call")
        if len(calls) == 1:
            raise InputError("cannot read the codebook for now")
        return real(names)

    documents._codebook_infos_cached.cache_clear()
    monkeypatch.setattr(codebook, "load_codebooks", flaky)
    assert documents._codebook_infos(("mio",)) == {}
    infos = documents._codebook_infos(("mio",))
    assert "mio" in infos and infos["mio"].title == real(["mio"]).infos["mio"].title
    documents._codebook_infos_cached.cache_clear()
    monkeypatch.setattr(codebook, "load_codebooks", lambda names: {}.missing)
    with pytest.raises(AttributeError):
        documents._codebook_infos(("mio",))
    documents._codebook_infos_cached.cache_clear()


_ROLES = st.sampled_from(["counselor", "clinic_director", "clinic director", "supervisor", "", None])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["IS.J1", "IS.J2", "OS.D"]),
                          st.sampled_from(["IS.J1", "MIO.A", "MIO.B", "MIO.A;MIO.B"]), st.booleans(),
                          st.sampled_from(["S1", "S2", "S3", None]), st.sampled_from(["T1", "T2"]), _ROLES),
                min_size=1, max_size=40))
def test_construct_facts_equal_counting_each_constructs_rows(rows):
    # the themes' per-construct sentence (codes, each linked code once, participants by role each once with
    # most_common's tie order) counted over the whole frame equals counting each construct's rows with pandas
    from collections import Counter

    import pandas as pd

    from mio_qual.reports import methods as m
    from mio_qual.reports.documents import _ConstructFacts

    excerpts = pd.DataFrame(rows, columns=["construct", "code", "via", "speaker_id", "transcript_id", "speaker_role"])
    facts = _ConstructFacts(excerpts)
    for construct, group in excerpts.groupby("construct", sort=False):
        assert facts.codes[construct] == set(group["code"].tolist())
        assert facts.via.get(construct, set()) == {c for v in group.loc[group["via"].astype(bool), "code"]
                                                   for c in str(v).split(";")}
        labels = group["speaker_role"].map({r: m.role_label(r) for r in group["speaker_role"].unique().tolist()})
        people = group["speaker_id"].where(group["speaker_id"].notna(), group["transcript_id"] + ":?")
        once = group.assign(person=people, role_label=labels).drop_duplicates("person")
        assert facts.roles[construct].most_common() == Counter(once["role_label"].tolist()).most_common()

"""The Aim 3 section on the bundled sample: its methods text against the project's state, every part built."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from helpers import SAMPLE

MEASURES = SAMPLE / "measures"


@pytest.fixture(scope="module")
def aim3(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from mio_qual import Project

    folder = tmp_path_factory.mktemp("aim3")
    project = Project.create(folder / "project")
    project.import_transcripts([SAMPLE])
    project.import_codings(sorted((SAMPLE / "coding" / "jordan").glob("*.docx")), coder="jordan")
    project.import_codings([SAMPLE / "coding" / "casey.xlsx"], coder="casey")
    project.reconcile(["jordan", "casey"], into="consensus")
    for path in sorted((SAMPLE / "quant").glob("*.csv")):
        project.import_quant(path)
    for rater in ("lee", "kim"):
        project.import_ratings(SAMPLE / "ratings" / f"{rater}.xlsx")
    project.build_consensus(decisions=SAMPLE / "ratings" / "reconciliation.csv")
    for rater in ("lee", "kim"):  # the agency as the inner setting
        project.import_ratings(SAMPLE / "ratings" / "agency" / f"{rater}.xlsx")
    project.build_consensus(by="agency", decisions=SAMPLE / "ratings" / "agency" / "reconciliation.csv")
    project.import_counselor_links(MEASURES / "counselor_links.csv")
    for name in ("ics", "ils", "ebpas"):
        project.import_measure(MEASURES / f"{name}.csv", name)
    yield project, folder
    project.close()


def test_methods_text_tells_what_the_project_holds(aim3) -> None:  # type: ignore[no-untyped-def]
    from mio_qual.mixed.joint import DistinguishRule
    from mio_qual.reports.aim3 import aim3_methods

    project, _ = aim3
    # an independent count of what the text must report: the disagreements listed today, the consensus codings
    listed = len(project.reconcile(["jordan", "casey"], into="consensus", write=False).rows)
    consensus = len(project.codings(coder="consensus"))
    text = "\n".join(aim3_methods(project.aim3_data("fidelity", fit=SAMPLE / "ratings" / "fit.csv")))
    assert listed > 0 and f"still differ in {listed:,} places; these were not decided" in text
    assert f"it holds {consensus:,} codings" in text
    assert "reconciled into a consensus layer" not in text
    assert "Whether the raters knew the clinics' outcomes was not recorded." in text
    # the rater disagreements counted from the raters' own ratings
    own = project.ratings(raters=["lee", "kim"], by="clinic").pivot_table(index=["case_id", "construct"], columns="rater",
                                                            values="rating", aggfunc="first", dropna=False)
    differ = int((own["lee"].fillna("missing") != own["kim"].fillna("missing")).sum())
    assert f"The raters differed on {differ} clinic cells; each was decided in reconciliation." in text
    assert "excerpts of study codes linked to a construct were not used (links are opt-in)" in text
    project.set_raters_knew_outcomes(False)
    data = project.aim3_data("fidelity", rule=DistinguishRule(min_rated=3))
    text = "\n".join(aim3_methods(data))
    assert "The raters did not know the clinics' outcomes when they rated." in text
    high, low = data.case_ordered.data["high"], data.case_ordered.data["low"]
    assert f"at least 3 rated clinic(s) in each group (high: {', '.join(high)} (n = {len(high)}); low: " in text
    # one rule under every clinic display
    for display in (data.case_ordered, data.side_by_side):
        assert any("at least 3 rated case(s) in each group" in note for note in display.notes)


def test_agency_level_ratings_and_their_honest_display(aim3) -> None:  # type: ignore[no-untyped-def]
    project, _ = aim3
    # agency/lee.xlsx has the clinic sheet's file name: importing it replaced none of lee's 120 clinic ratings
    assert len(project.ratings(raters="lee", by="clinic")) == 120 and len(project.ratings(raters="lee", by="agency")) == 10
    matrix = project.construct_matrix(by="agency")
    assert list(matrix.columns) == ["harbor", "riverbend"] and len(matrix) == 5
    assert matrix.loc["IS.H"].tolist() == ["-2", "+1"]
    display = project.aim3_data("fidelity").agency
    # two agencies: one case per group, fewer than the rule's two, so nothing is flagged (and the notes say why)
    assert set(display.data["flags"]["distinguishing"]) == {"insufficient data"}
    assert "(n = 1)" in display.notes[1] and "at least 2 rated case(s)" in display.notes[1]


def test_counselor_level_and_measures(aim3) -> None:  # type: ignore[no-untyped-def]
    project, _ = aim3
    links = project.counselor_links()
    assert len(links) == 21 and links["study_id"].is_unique
    table = project.counselor_display()
    assert len(table) == 21
    ranked = table["fidelity"].dropna().tolist()
    assert ranked == sorted(ranked, reverse=True)
    s05 = table.set_index("study_ids").loc["S05"]
    sessions = project.quant(measure="fidelity", clinic="downtown")
    mine = sessions[sessions["counselor_id"] == "DT-C2"]["value"]
    assert s05["fidelity"] == pytest.approx(mine.mean()) and s05["fidelity_n"] == len(mine)
    assert s05["n_excerpts"] > 0 and "ebpas total" in table.columns
    summary, warnings = project.measure_summary("ics")
    total = summary[summary["scale"] == "total"].set_index("clinic")
    assert list(total["mean"].sort_values(ascending=False).index) == ["northside", "westfield", "eastgate", "downtown"]
    # Eastgate's staff are split (the sample's story): some subscales do not support a clinic mean
    assert any("eastgate" in w and "rwg(j)" in w for w in warnings)
    matrix = project.case_matrix("fidelity", ["ics:total", "IS.J2"])
    assert list(matrix.columns) == ["northside", "westfield", "eastgate", "downtown"]
    assert list(matrix.index) == ["fidelity", "ics:total", "IS.J2"]
    by_counselor = project.case_matrix("fidelity", ["ebpas:total", "IND.H.K"], by="counselor")
    assert by_counselor.shape[1] == 20  # DT-C6 has no rated session yet
    # a coded theme as a row: distinct consensus excerpts coded with the code in each clinic, counted from the codings
    themes = project.case_matrix("fidelity", ["n:IS.J2", "n:MIO.SUPV"])
    codings = project.codings(coder="consensus").drop_duplicates(["transcript_id", "start", "end", "code"])
    for code in ("IS.J2", "MIO.SUPV"):
        counted = codings[codings["code"] == code].groupby("clinic").size()
        assert {c: int(v) for c, v in themes.loc[f"n:{code}"].items()} == {c: int(counted.get(c, 0))
                                                                             for c in themes.columns}
    assert themes.loc["n:IS.J2", "eastgate"] > themes.loc["n:IS.J2", "northside"]  # Eastgate's room complaints
    with pytest.raises(Exception, match="no excerpt is coded with 'XX.NOPE'"):
        project.case_matrix("fidelity", ["n:XX.NOPE"])


def test_aim3_section_is_written(aim3, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mio_qual.reports.aim3 import write_aim3
    from mio_qual.reports.builder import ReportBuilder

    project, _ = aim3
    b = ReportBuilder("Aim 3")
    written = write_aim3(b, project.aim3_data("fidelity", fit=SAMPLE / "ratings" / "fit.csv"),
                         lambda name: tmp_path / f"{name}.png")
    path = b.save(tmp_path / "aim3.docx")
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Aim 3: contextual determinants of fidelity and feasibility", "Methods"]
    assert {"Counselors", "Climate measures and their aggregation check",
            "Case-ordered predictor x outcome matrix"} <= set(headings)
    assert written and written[0].is_file()
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No agency display" not in text
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    # the counselor display as printed: 21 rows, fidelity and FIM as mean with n, no stray outcome columns
    counselors = tables["counselor"]
    header = [c.text for c in counselors.rows[0].cells]
    assert header == ["counselor", "clinic", "interviews", "coded excerpts", "most coded", "EBPAS total", "fidelity",
                      "FIM"]
    assert len(counselors.rows) == 22
    display = project.counselor_display().set_index("counselor_id")
    first = [c.text for c in counselors.rows[1].cells]
    n = int(display.at[first[0], "fidelity_n"])
    assert first[6] == f"{display.at[first[0], 'fidelity']:.2f} (n = {n})"
    # the ICS table: one row per scale, each clinic's mean with its rwg(j), the clinic's n in the header
    summary, _ = project.measure_summary("ics")
    ics = next(t for t in document.tables if t.rows[0].cells[0].text == "scale"
               and any("northside (n = " in c.text for c in t.rows[0].cells))
    header = [c.text for c in ics.rows[0].cells]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in ics.rows[1:]}
    assert len(rows) == 7
    # clinics in the displays' order (by fidelity, highest first), not alphabetical
    assert [h.split(" (n = ")[0] for h in header[1:5]] == ["northside", "westfield", "eastgate", "downtown"]
    east = summary[(summary["scale"] == "recognition") & (summary["clinic"] == "eastgate")].iloc[0]
    column = next(i for i, h in enumerate(header) if h.startswith("eastgate (n = "))
    assert header[column] == f"eastgate (n = {int(east['n'])})"
    assert rows["recognition"][column] == f"{east['mean']:.2f} ({east['rwg_j']:.2f})"
    assert rows["recognition"][-1] == "rwg(j) < 0.70: eastgate"
    # the total's own rwg(j) (.89 at eastgate over 18 items) passes, its subscales' do not: flagged (audit, s8)
    assert rows["total"][-1] == "subscales' rwg(j) < 0.70: eastgate"
    assert ("so a total is taken to fail where one of its subscales fails the rwg(j) check: two of the eight clinic "
            "totals fail so (eastgate)") in text
    assert "Lindell, Brandt & Whitney, 1999" in text
    # the methods say which means fail the check, and that the ICS/ILS numbering is assumed
    failing = int(((summary["scale"] != "total") & (summary["rwg_j"] < 0.70)).sum())
    ils, _ = project.measure_summary("ils")
    failing += int(((ils["scale"] != "total") & (ils["rwg_j"] < 0.70)).sum())
    subscale_means = int((summary["scale"] != "total").sum() + (ils["scale"] != "total").sum())
    words = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]  # APA: words below 10
    failing_text = words[failing] if failing < 10 else str(failing)
    assert f"Of the {subscale_means} clinic subscale means, {failing_text} fail{'s' if failing == 1 else ''} the rwg(j)" \
           " check (eastgate); none of the 12 scales fails the ICC(1) check (totals included)" in text
    # the ICCs rest on the four clinics' means: said, with the degrees of freedom (audit, session 7)
    assert "ICC(1) and ICC(2) rest on four clinics (3 degrees of freedom between clinics) and are given without an " \
           "interval: from so few clinics they are imprecise." in text
    assert "numbering of the ICS is assumed" in text
    assert "The same raters rated five constructs per agency" in text
    assert "21 counselors are joined to their interviews" in text


def test_measure_table_names_clinics_without_agreement_and_orders_them() -> None:
    import pandas as pd

    from mio_qual.mixed.measures import INSTRUMENTS, aggregate
    from mio_qual.reports.aim3 import measure_table

    # north: two staff who agree; east: one respondent (no rwg(j)); west: two who do not agree
    answers = {"n1": [3] * 12, "n2": [3] * 12, "e1": [2] * 12, "w1": [0] * 12, "w2": [4] * 12}
    clinic = {"n1": "north", "n2": "north", "e1": "east", "w1": "west", "w2": "west"}
    items = pd.DataFrame([(r, None, clinic[r], None, i + 1, float(v)) for r, values in answers.items()
                          for i, v in enumerate(values)],
                         columns=["respondent_id", "agency", "clinic", "counselor_id", "item", "value"])
    table, _ = aggregate(items, INSTRUMENTS["ils"])
    printed = measure_table(table, order=["west", "north"]).set_index("scale")
    assert list(printed.columns[:3]) == ["west (n = 2)", "north (n = 2)", "east (n = 1)"]
    assert printed.at["total", "north (n = 2)"] == "3.00 (1.00)" and printed.at["total", "east (n = 1)"] == "2.00 (\u2013)"
    assert printed.at["total", "aggregation"].startswith("rwg(j) < 0.70: west; no rwg(j) (fewer than two scored "
                                                         "respondents): east")


def test_undecided_rating_disagreements_are_counted_in_words(aim3) -> None:  # type: ignore[no-untyped-def]
    # a study with one cell left undecided read "The raters differed on four cells; 1 were not decided"
    from dataclasses import replace

    from mio_qual.reports.aim3 import aim3_methods

    project, _ = aim3
    data = project.aim3_data("fidelity")
    for n, words in ((1, "one was not decided and is missing"), (2, "two were not decided and are missing"),
                     (12, "12 were not decided and are missing")):
        text = "\n".join(aim3_methods(replace(data, facts=replace(data.facts, n_rating_unresolved=n))))
        assert f"; {words} in the consensus ratings." in text


def test_a_key_file_instrument_is_named_a_broken_bundled_one_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    # the measures paragraph names a key-file instrument by its name (instrument() refuses it: InputError); any
    # other failure of a bundled instrument (here a citation key missing from mio_qual.citations) must surface,
    # not turn the bundled scale into a bare name as `except Exception` did
    from dataclasses import replace
    from types import SimpleNamespace

    import pandas as pd

    from mio_qual.mixed import measures
    from mio_qual.reports.aim3 import _measures_methods

    answers = {"n1": [3] * 12, "n2": [3] * 12, "e1": [2] * 12, "e2": [1] * 12}
    items = pd.DataFrame([(r, None, r[0], None, i + 1, float(v)) for r, values in answers.items()
                          for i, v in enumerate(values)],
                         columns=["respondent_id", "agency", "clinic", "counselor_id", "item", "value"])
    ils, _ = measures.aggregate(items, measures.INSTRUMENTS["ils"])
    own = ils.assign(instrument="site_climate")
    data = SimpleNamespace(counselors=None, measures=[ils, own], min_rwg=0.70, min_icc1=0.05, measure_warnings=[])
    text = " ".join(_measures_methods(data))
    assert "Staff answered the Implementation Leadership Scale (Aarons" in text and "and site_climate;" in text
    monkeypatch.setitem(measures.INSTRUMENTS, "ils", replace(measures.INSTRUMENTS["ils"], citation="nosuch2099"))
    with pytest.raises(KeyError, match="nosuch2099"):
        _measures_methods(data)


def test_matrix_note_names_a_clinic_without_climate_answers(aim3) -> None:  # type: ignore[no-untyped-def]
    # a clinic with no ICS answers printed "aggregation supported at all 3 clinics" under a four-clinic matrix
    from dataclasses import replace

    from mio_qual.reports.aim3 import _matrix_aggregation

    project, _ = aim3
    data = project.aim3_data("fidelity")
    assert "ics:total" in data.matrix.index and "downtown" in data.matrix.columns
    assert "ics:total: aggregation not supported at eastgate" in _matrix_aggregation(data)
    kept = [table[(table["clinic"] != "downtown") & (table["clinic"] != "eastgate")] for table in data.measures]
    note = _matrix_aggregation(replace(data, measures=kept))
    assert ("ics:total: aggregation supported at the 2 clinics with scored answers; no scored answers from "
            "eastgate, downtown") in note


def test_displays_name_their_constructs_coded_below_the_tentative_level(aim3) -> None:  # type: ignore[no-untyped-def]
    # the reliability section listed IS.A3, IND.H.M and IP.F2 as unreliable codes while the Aim 3 displays judged
    # them (side by side) or flagged them (IP.F2 weakly distinguishing) without a word (audit, session 8)
    from mio_qual.reports.aim3 import reliability_caveat, unreliable_codes

    project, _ = aim3
    data = project.aim3_data("fidelity", fit=SAMPLE / "ratings" / "fit.csv")
    flags = data.case_ordered.data["flags"]["distinguishing"]
    assert flags["IP.F2"] == "weakly distinguishing" and "IS.A3" in set(data.side_by_side.frame["construct"])
    text = reliability_caveat(data, ["IS.A3", "IP.F2", "INN.C", "MIO.RF"])  # INN.C, MIO.RF: in no display's rows
    assert text.startswith("Coding reliability: IS.A3 and IP.F2 rest on codes whose inter-rater agreement fell "
                           "below the tentative level") or text.startswith("Coding reliability: IP.F2 and IS.A3 rest")
    assert "INN.C" not in text and "MIO.RF" not in text
    assert reliability_caveat(data, ["INN.C"]) == "" and unreliable_codes("no agreement: one coder") == []

    class Agreement:  # the study report's AgreementData, as far as unreliable_codes reads it
        def codes(self):  # type: ignore[no-untyped-def]
            import pandas as pd

            return pd.DataFrame({"code": ["IS.A3", "OS.D", "IP.F2"], "flag": ["unreliable", "reliable", "unreliable"]})

    assert unreliable_codes(Agreement()) == ["IS.A3", "IP.F2"]


def test_aim3_limitations_come_from_the_project(aim3) -> None:  # type: ignore[no-untyped-def]
    # the methods said these things; the Limitations list (where a reviewer looks) did not (audit, session 8)
    from dataclasses import replace

    from mio_qual.reports.aim3 import aim3_limitations

    project, _ = aim3
    data = project.aim3_data("fidelity")
    said = aim3_limitations(replace(data, facts=replace(data.facts, raters_knew_outcomes=None)))
    assert any(s.startswith(f"The coders' layers differ in {data.facts.n_disagreements} places never decided")
               for s in said)
    assert any(s.startswith("Whether the raters knew the clinics' outcomes when they rated was not recorded")
               for s in said)
    assert any(s.startswith("Staff of eastgate did not agree on") for s in said)
    assert any("key of the ICS is partly assumed" in s for s in said)
    blind = aim3_limitations(replace(data, facts=replace(data.facts, raters_knew_outcomes=False)))
    assert not any("knew the clinics' outcomes" in s for s in blind)
    knew = aim3_limitations(replace(data, facts=replace(data.facts, raters_knew_outcomes=True)))
    assert any(s.startswith("The raters knew the clinics' outcomes") for s in knew)
    assert not any(s.startswith("Staff of") for s in aim3_limitations(replace(data, measures=[])))


def test_methods_say_whether_feasibility_orders_the_clinics_alike(aim3) -> None:  # type: ignore[no-untyped-def]
    # Aim 3 asks about fidelity and feasibility; the displays order by fidelity only (audit, session 8)
    from dataclasses import replace

    from mio_qual.reports.aim3 import _other_outcome_sentence, aim3_methods

    project, _ = aim3
    data = project.aim3_data("fidelity")
    fim = project.outcomes(by="clinic")
    fim = fim[fim["measure"] == "fim"].set_index("clinic")["mean"].sort_values(ascending=False)
    assert list(data.other.data["outcomes"].index) == list(fim.index)  # the sample: FIM orders them as fidelity does
    text = aim3_methods(data)[-1]
    assert text.endswith("Ordered by feasibility (FIM) instead (northside, westfield, eastgate, downtown), the clinics "
                         "fall into the same high and low groups, so every flag is the same.")
    flags = data.other.data["flags"].copy()
    flags.loc["OS.D", "distinguishing"] = "not distinguishing"
    moved = replace(data.other, data={**data.other.data, "flags": flags, "high": ["northside", "eastgate"],
                                      "low": ["westfield", "downtown"]})
    said = _other_outcome_sentence(replace(data, other=moved))
    assert "the high and low groups differ and one flag changes: OS.D (distinguishing -> not distinguishing)" in said
    assert "mio-qual joint --outcome fim --display case-ordered" in said
    assert _other_outcome_sentence(replace(data, other=None)) == ""


def test_methods_say_what_the_raters_worksheets_showed(aim3) -> None:  # type: ignore[no-untyped-def]
    # "Construct ratings rest on the consensus coding layer" was assumed, not recorded; and the paragraph after it
    # described the displays' linked evidence, which the raters' worksheets did not show (audit, session 8)
    from dataclasses import replace

    import openpyxl

    from mio_qual.reports.aim3 import aim3_methods

    project, _ = aim3
    data = project.aim3_data("fidelity")
    about = dict(openpyxl.load_workbook(SAMPLE / "ratings" / "kim.xlsx")["about"].iter_rows(values_only=True))
    assert about["evidence"] == "consensus layer consensus" and "not used" in about["links"]
    assert data.facts.rating_evidence["kim"][0] == {"evidence": about["evidence"], "links": about["links"]}
    text = "\n".join(aim3_methods(data))
    assert "Construct ratings rest on the consensus coding layer" in text
    assert ("Their worksheets showed the excerpts of the consensus layer consensus, without excerpts of linked "
            "study codes (as the worksheets' about sheets record).") in text
    unknown = "\n".join(aim3_methods(replace(data, facts=replace(data.facts, rating_evidence={}))))
    assert "Construct ratings rest on" not in unknown and "The displays quote the consensus coding layer" in unknown
    assert "Which coding layer the worksheets of kim and lee showed is not recorded" in unknown

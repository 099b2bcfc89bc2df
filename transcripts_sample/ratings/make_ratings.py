"""Write the sample's filled rating worksheets (two raters), reconciliation and fit files.

Run from anywhere: ``python transcripts_sample/ratings/make_ratings.py``. It builds a scratch
project the way ``mio-qual demo`` does (transcripts; jordan's Word comments and casey's coding
sheet; their consensus layer), writes the rating worksheet over the constructs that consensus
layer codes (evidence: each construct's own coding; study-code links are not followed, so a
cell with no excerpt coded with its construct is left missing), and fills it in twice from the
judgements below:

* ``lee.xlsx`` and ``kim.xlsx``: the two raters' worksheets (the evidence columns are the real
  worksheet's; the rating and rationale columns are filled);
* ``reconciliation.csv``: the value the raters agreed for each cell they rated differently
  (the sheet ``mio-qual ratings disagreements --out`` writes, filled in after the meeting);
* ``agency/lee.xlsx``, ``agency/kim.xlsx`` and ``agency/reconciliation.csv``: the same for five
  constructs rated per agency, where the agency is the inner setting;
* ``fit.csv``: the analyst's fit judgements for the constructs the side-by-side display shows
  (fit is the analyst's interpretation; rows without one stay empty).

Everything is invented. The judgements follow the clinic profiles in ``../README.md`` and the
coded excerpts; the raters disagree where the evidence is thin or points both ways, which is
where real raters disagree. The scale is Damschroder & Lowery's (2013): balanced positive and
negative influence is 0 (no X), and +2/-2 need explicit, concrete evidence from several
participants.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent
RATERS = ("lee", "kim")
N, W, E, D = "northside", "westfield", "eastgate", "downtown"

# (construct, clinic, lee, kim, agreed value if they differ, lee's rationale, kim's rationale or None = same)
JUDGEMENTS: list[tuple[str, str, str, str, str | None, str, str | None]] = [
    ("INN.B", N, "+1", "+1", None, "Director cites the trial findings as what let her defend shifting time to MIO.",
     None),
    ("INN.B", W, "+1", "+2", "+1", "Counselor and director both know the trials with mothers in treatment.",
     "Two people, including the director, chose MIO because of its trials: strong."),
    ("INN.B", E, "", "", None, "No excerpts.", None),
    ("INN.B", D, "", "", None, "No excerpts.", None),
    ("INN.C", N, "+1", "+1", None, "MIO brings the child into the room; one counselor.", None),
    ("INN.C", W, "+1", "+1", None,
     "Clear contrast with the parenting classes they used to refer to; mostly the director's view.",
     None),
    ("INN.C", E, "+1", "+1", None, "A mother felt asked rather than judged for the first time.", None),
    ("INN.C", D, "", "", None, "No excerpts.", None),
    ("INN.D", N, "+1", "+1", None, "Sessions stretched for a flooded mother without losing the model.", None),
    ("INN.D", W, "+1", "+1", None, "Consultant approved their changes and wanted to share them.", None),
    ("INN.D", E, "+2", "+2", None, "Video sessions and 45-minute sessions approved by the consultant and tracked.",
     None),
    ("INN.D", D, "", "", None,
     "No excerpts coded with the construct (study-code links are not evidence by default). The crisis-session changes"
     " are coded IP.I and rated there.",
     None),
    ("INN.F", N, "0", "-1", "0", "Heavy theory at first, but consultation made it click.",
     "Counselors doubted they could do it with mothers fresh from detox."),
    ("INN.F", W, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("INN.F", E, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("INN.F", D, "-1", "-1", None, "One counselor: under pressure the parts that make it MIO are the ones cut.",
     None),
    ("INN.H", N, "0", "0", None, "Only the consultant costs extra; cost neither helps nor hinders.", None),
    ("INN.H", W, "-1", "-1", None, "About two unbilled hours a week per counselor with four MIO mothers.", None),
    ("INN.H", E, "", "", None, "No excerpts.", None),
    ("INN.H", D, "", "", None, "No excerpts; the billing problem is rated under OS.F and IS.J1.", None),
    ("OS.D", N, "+1", "+1", None, "Caseworkers mostly supportive; caseworker turnover means re-explaining MIO.",
     None),
    ("OS.D", W, "+2", "+2", None,
     "Monthly meeting with the county; 19 of 31 referrals from caseworkers; shared form.",
     None),
    ("OS.D", E, "-1", "0", "-1", "No liaison; contact with caseworkers is counselor by counselor.",
     "Informal contact, neither help nor hindrance."),
    ("OS.D", D, "-2", "-2", None, "Caseworkers do not know MIO and schedule visits over sessions.", None),
    ("OS.E", N, "+1", "+1", None, "Clear data procedures (encrypted recorders) settled with the research team.",
     None),
    ("OS.E", W, "", "", None,
     "No excerpts coded with the construct (study-code links are not evidence by default). The case-plan remark was "
     "coded MIO.CW only.",
     None),
    ("OS.E", E, "-1", "-1", None, "State IOP hour rules crowd MIO out of the week.", None),
    ("OS.E", D, "-2", "-1", "-1", "Three months to approve consent language, so no recording; subpoena worries.",
     "One participant (the supervisor): weak."),
    ("OS.F", N, "+1", "0", "+1", "The grant covers supervision hours, the consultant and bus tokens.",
     "Grant money helps now, but everything rests on it."),
    ("OS.F", W, "0", "-1", "0", "Grant ends September 30, but the county may contract for MIO: the two balance (0).",
     "Funding ends in months; the county contract is only informal."),
    ("OS.F", E, "", "", None, "Too little to rate.", None),
    ("OS.F", D, "-2", "-2", None, "Billing rejects MIO notes as parenting education; no billing path.", None),
    ("IS.A1", N, "+1", "+1", None, "Storage room converted, sound machine outside the door.", None),
    ("IS.A1", W, "", "", None, "No excerpts.", None),
    ("IS.A1", E, "", "", None, "No excerpts.", None),
    ("IS.A1", D, "", "", None, "No excerpts.", None),
    ("IS.A3", N, "+1", "+2", "+1", "Two blocked, protected supervision hours a week; one participant.",
     "Explicit and concrete: the hours are blocked and protected."),
    ("IS.A3", W, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IS.A3", E, "-1", "-1", None,
     "Supervision every other week; IOP clashes; caseloads rose after the July departure.",
     None),
    ("IS.A3", D, "-1", "-2", "-1", "Nobody to cover her group so she could go; one participant.",
     "No cover for groups means no supervision."),
    ("IS.B", N, "+1", "+1", None, "Listening to each other's tapes built trust; the director's account only.", None),
    ("IS.B", W, "", "", None, "No excerpts.", None),
    ("IS.B", E, "", "", None, "No excerpts.", None),
    ("IS.B", D, "", "", None, "No excerpts.", None),
    ("IS.C", N, "", "", None, "No excerpts.", None),
    ("IS.C", W, "", "", None, "No excerpts.", None),
    ("IS.C", E, "", "", None, "No excerpts.", None),
    ("IS.C", D, "-2", "-1", "-2",
     "Make-up training unscheduled, compliance answers take weeks, fidelity summaries not passed on.",
     "Communication gaps, from several staff but mostly about single events."),
    ("IS.D2", N, "+1", "+1", None, "Privacy for the mother is the reason for the room.", None),
    ("IS.D2", W, "", "", None, "No excerpts.", None),
    ("IS.D2", E, "-1", "0", "-1", "Turnover means another person who left her.", "One remark; description only."),
    ("IS.D2", D, "", "", None, "No excerpts.", None),
    ("IS.F", N, "+1", "+1", None, "A structured way to do what the clinic already says it does; one participant.",
     None),
    ("IS.F", W, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IS.F", E, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IS.F", D, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IS.G", N, "+1", "+1", None,
     "Director let productivity dip on purpose, with the agency's backing; her account only.",
     None),
    ("IS.G", W, "", "", None, "No excerpts.", None),
    ("IS.G", E, "0", "-1", "-1",
     "Licensing review and a new scheduling system compete with MIO, yet staff still ask for a room: balanced (0).",
     "Other projects come first when rooms are given out."),
    ("IS.G", D, "-2", "-2", None, "Supervision is the first thing dropped when a group needs cover.", None),
    ("IS.H", N, "+1", "+1", None, "Productivity dip accepted for MIO.", None),
    ("IS.H", W, "0", "0", None, "A productivity credit is being asked for, not yet given.", None),
    ("IS.H", E, "", "", None, "No excerpts.", None),
    ("IS.H", D, "-2", "-2", None, "Target raised mid-year to 28 billable hours; unbillable means optional.", None),
    ("IS.I", N, "+1", "+1", None, "MIO fits the family-focused mission; one participant.", None),
    ("IS.I", W, "+1", "+1", None, "MIO gave the clinic a clinical tool for its family slogan.", None),
    ("IS.I", E, "", "", None, "No excerpts.", None),
    ("IS.I", D, "", "", None, "No excerpts.", None),
    ("IS.J1", N, "+1", "0", "+1", "Startup money and donations; the grant pays supervision and the consultant.",
     "Grant helps now; the agency budget is flat after it: balanced (0)."),
    ("IS.J1", W, "-1", "-1", None, "Half the sessions are covered only by the grant, which ends in September.", None),
    ("IS.J1", E, "-1", "-1", None, "A private room would cost $18,000 nobody has.", None),
    ("IS.J1", D, "-2", "-2", None,
     "Grant pays training and raters, not the counselor's hour; nothing in next year's budget.",
     None),
    ("IS.J2", N, "+2", "+2", None, "A converted private family room with a door that locks; mothers like it.", None),
    ("IS.J2", W, "+1", "+1", None, "Small offices, but the doors close and it is quiet enough.", None),
    ("IS.J2", E, "-2", "-2", None, "Sessions in Group Room B, interrupted in most sessions; tapes full of noise.",
     None),
    ("IS.J2", D, "-1", "-2", "-1", "Shared offices booked by the hour; children not allowed in offices.",
     "No room for MIO at all; request for the storage room unanswered."),
    ("IS.K", N, "", "", None,
     "No excerpts coded with the construct (study-code links are not evidence by default). Consultation talk was "
     "coded MIO.SUPV.",
     None),
    ("IS.K", W, "0", "0", None, "A monthly call with the developers, but nine days to get an answer: balanced (0).",
     None),
    ("IS.K", E, "", "", None,
     "No excerpts coded with the construct (study-code links are not evidence by default). Consultation talk was "
     "coded MIO.SUPV.",
     None),
    ("IS.K", D, "-1", "-2", "-1", "One counselor: nobody listens to her tapes.",
     "Nobody to listen to tapes: the knowledge MIO needs does not reach counselors."),
    ("IND.A", N, "+1", "+1", None, "Agency leader chose Northside; supportive though the budget is flat.", None),
    ("IND.A", W, "0", "0", None, "Counselors hear nothing from Harbor's leaders: distant rather than hindering.",
     None),
    ("IND.A", E, "+1", "+1", None, "Agency paid for training and coverage; a leader visited Group Room B.", None),
    ("IND.A", D, "-1", "-2", "-1", "Leaders say MIO matters but put nothing behind it; one participant.",
     "Priority stated, targets raised anyway."),
    ("IND.B", N, "+2", "+1", "+1", "Director covered a group herself and sat through the training.",
     "The director's account of herself only: weak."),
    ("IND.B", W, "+2", "+1", "+1", "Director is all in: all-staff talks, went to the county meeting.",
     "One counselor's account: weak."),
    ("IND.B", E, "+1", "+2", "+2", "Supervisor protects the hour and asked facilities twice.",
     "Director and supervisor both protect MIO and come to consultation."),
    ("IND.B", D, "-1", "-1", None, "MIO lead overloaded; director never protected the supervision hour.", None),
    ("IND.H.K", N, "+1", "0", "+1",
     "Listening back to her tapes showed a counselor how much she talked: tape review builds skill; one participant.",
     "One excerpt about an early difficulty; no clear influence (0)."),
    ("IND.H.K", W, "", "", None,
     "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IND.H.K", E, "0", "0", None,
     "One counselor understood the model after training, the new one is unsure: balanced (0).",
     None),
    ("IND.H.K", D, "-1", "-2", "-2", "New counselor has only the online modules.",
     "Counselors do not know whether they are doing the model."),
    ("IND.H.M", N, "", "", None, "No direct excerpts.", None),
    ("IND.H.M", W, "+2", "+2", None, "Five counselors volunteered at once; some pushed to apply.", None),
    ("IND.H.M", E, "+2", "+2", None, "The most meaningful part of the job; counselors bring hard sessions.", None),
    ("IND.H.M", D, "0", "-1", "-1", "Believes in MIO but is tired and drowning: balanced (0).",
     "Exhaustion wins in practice."),
    ("IND.I.J", N, "+1", "+1", None, "Two thirds of MIO mothers have open child-welfare cases.", None),
    ("IND.I.J", W, "+2", "+2", None, "Mothers' children are what takes them out of treatment; clear need.", None),
    ("IND.I.J", E, "+1", "+1", None, "Mothers value being asked about their children; transport barriers.", None),
    ("IND.I.J", D, "0", "+1", "+1",
     "Great need, yet shelters, transport and childcare keep mothers away: balanced (0).",
     "Need is high and staff say these mothers need MIO."),
    ("IP.D", N, "+2", "+2", None, "Room, block and supervision planned before the first mother enrolled.", None),
    ("IP.D", W, "0", "+1", "0", "Two-month gap between training and first cases for consent review.",
     "The county form and referral route were planned."),
    ("IP.D", E, "-1", "-1", None, "Implementation left to each clinic to figure out.", None),
    ("IP.D", D, "-1", "-1", None, "Plans exist only as wishes (protected hours, billing).", None),
    ("IP.F1", N, "+1", "+1", None, "Director invited the women's team to train.", None),
    ("IP.F1", W, "", "", None, "No excerpts.", None),
    ("IP.F1", E, "+2", "+2", None, "Supervisor pitched it and asked for volunteers, which she says mattered.", None),
    ("IP.F1", D, "0", "0", None, "Supervisor asked who was interested; nothing more.", None),
    ("IP.F2", N, "+1", "+1", None, "Mothers like the room and the sessions.", None),
    ("IP.F2", W, "+1", "0", "+1", "Caseworker referrals bring mothers in.",
     "Referral by the caseworker raises the question whether mothers really choose: balanced (0)."),
    ("IP.F2", E, "0", "+1", "0", "Mothers feel heard, but some fear the recordings (immigration): balanced (0).",
     "Mothers respond well."),
    ("IP.F2", D, "-1", "-1", None, "Mothers whose counselor left transferred or dropped out.", None),
    ("IP.H1", N, "+2", "+2", None, "Fidelity feedback used; competence scores rose.", None),
    ("IP.H1", W, "+1", "+1", None, "Outcome numbers taken to the county meetings.", None),
    ("IP.H1", E, "+1", "+1", None, "Shortened sessions tracked against adherence.", None),
    ("IP.H1", D, "-2", "-1", "-2", "Fidelity summaries not passed on; eleven mothers in total.",
     "Some monitoring exists, little is done with it."),
    ("IP.I", N, "+1", "+1", None, "Low-literacy adaptation; treatment plans tie parenting to relapse prevention.",
     None),
    ("IP.I", W, "", "", None, "No excerpts coded with the construct (study-code links are not evidence by default).",
     None),
    ("IP.I", E, "+2", "+1", "+2", "Signs, shorter sessions, recorder placement, translated handouts.",
     "Adapting a lot, partly to cope with the room."),
    ("IP.I", D, "-1", "0", "-1", "MIO squeezed into the last half hour of crisis sessions.",
     "Some adaptation, some drift: balanced (0)."),
]

# The agency as the inner setting: five constructs rated per agency (Riverbend: Northside and Eastgate; Harbor:
# Downtown and Westfield), written to agency/ (kept apart from the clinic worksheets the demo imports).
AGENCY_CONSTRUCTS = ["IND.A", "IS.G", "IS.H", "IS.I", "IS.J1"]
R, H = "riverbend", "harbor"
AGENCY_JUDGEMENTS: list[tuple[str, str, str, str, str | None, str, str | None]] = [
    ("IND.A", R, "+1", "+1", None, "Leaders picked Northside, paid for training and coverage; budget flat.", None),
    ("IND.A", H, "-2", "-1", "-2", "The agency leader says MIO matters but has moved no money and no rule.",
     "Stated priority without action; one leader's own account."),
    ("IS.G", R, "+1", "+1", None, "MIO kept its hour and its productivity dip was backed, though rooms go elsewhere.",
     None),
    ("IS.G", H, "-2", "-2", None, "Covering groups comes before protecting supervision, from several staff.", None),
    ("IS.H", R, "+1", "+1", None, "Training days were not counted against productivity.", None),
    ("IS.H", H, "-2", "-2", None, "Billable-hour targets, raised mid-year, make unbillable MIO work optional.", None),
    ("IS.I", R, "+2", "+1", "+1", "MIO gives the mission's 'and families' something to do; leader and counselor.",
     "Fits the mission better than the workflow."),
    ("IS.I", H, "+1", "+1", None, "A clinical tool for the family slogan; one supervisor.", None),
    ("IS.J1", R, "0", "0", None, "Grant and startup money now, a flat budget after: balanced (0).", None),
    ("IS.J1", H, "-2", "-2", None, "The grant pays no counselor hour and ends in September; nothing budgeted.", None),
]

# Quotes the raters pinned for a few cells (the worksheet's 'quote' column; lee pins them, kim leaves the column
# empty), so that the side-by-side display quotes the analyst's choice there and an automatic one elsewhere.
PINS: dict[tuple[str, str], str] = {
    ("IS.J2", N): "One of my moms said it was the first room in the building that didn't feel like a clinic.",
    ("IS.J2", E): "And the door opens and somebody from the front desk comes in for intake packets. And she just "
                  "stops. Like a shutter comes down.",
    ("OS.D", W): "There\u2019s a monthly meeting with the county child-welfare office",
    ("IND.H.K", D): "I don't know if I'm doing the model or if I'm just doing regular counseling with some MIO "
                    "questions thrown in.",
}

FIT = [
    ("OS.D", "expansion", "The county partnership goes with Westfield's fidelity, but it explains its reach (31 of 36 "
                          "eligible enrolled) more than its fidelity: the qualitative strand adds what the scores miss."),
    ("IS.A3", "confirmation", "Protected, blocked supervision hours at Northside; supervision squeezed at Eastgate and "
                              "no cover at Downtown. Westfield has no rating, so the display calls it insufficient data."),
    ("IS.J1", "confirmation", "Northside's grant and startup money pay for supervision; Downtown's grant pays no "
                              "counselor hour, and fidelity is lowest there."),
    ("IS.J2", "confirmation", "A private room goes with higher fidelity; Eastgate's interrupted group-room sessions "
                              "score lower in adherence."),
    ("IND.H.M", "discordance", "Motivation is high at Eastgate and Westfield, yet their fidelity is moderate: "
                               "motivation alone does not carry fidelity (Northside has no rating)."),
    ("IP.D", "confirmation", "Room, block and supervision were planned at Northside before the first mother; Eastgate "
                             "and Downtown left it to each counselor."),
    ("IP.F2", "expansion", "Engagement rises with fidelity, and the Westfield rationale adds a question the scores "
                           "cannot answer: do mothers referred by their caseworker choose MIO?"),
    ("IP.H1", "confirmation", "Fidelity feedback was used at Northside; Downtown's fidelity summaries never reached "
                              "the counselors."),
]


def build_project(folder: Path):  # type: ignore[no-untyped-def]
    """A scratch project with the sample's transcripts, both coders and their consensus layer."""
    from mio_qual import Project

    project = Project.create(folder / "project")
    project.import_transcripts([SAMPLE])
    project.import_codings(sorted((SAMPLE / "coding" / "jordan").glob("*.docx")), coder="jordan")
    project.import_codings([SAMPLE / "coding" / "casey.xlsx"], coder="casey")
    project.reconcile(["jordan", "casey"], into="consensus", out=folder / "reconciliation")
    return project


def fill(path: Path, rater: str, judgements: list[tuple[str, str, str, str, str | None, str, str | None]]) -> None:
    """Fill a written worksheet with one rater's judgements."""
    from openpyxl import load_workbook

    index = {(c, k): (lee, kim, r_lee, r_kim) for c, k, lee, kim, _, r_lee, r_kim in judgements}
    book = load_workbook(path)
    sheet = book["ratings"]
    header = [c.value for c in sheet[1]]
    seen = set()
    for row in sheet.iter_rows(min_row=2):
        key = (row[header.index("construct")].value, row[header.index("case_id")].value)
        if key not in index:
            raise SystemExit(f"no judgement for {key}; add it to JUDGEMENTS")
        seen.add(key)
        lee, kim, r_lee, r_kim = index[key]
        value, why = (lee, r_lee) if rater == "lee" else (kim, r_kim or r_lee)
        row[header.index("rating")].value = value or None
        row[header.index("rationale")].value = why
        if rater == "lee":
            row[header.index("quote")].value = PINS.get(key)
    missing = set(index) - seen
    if missing:
        raise SystemExit(f"judgements for rows the worksheet does not have: {sorted(missing)}")
    book.save(path)


def main() -> None:
    assert set(PINS) <= {(c, k) for c, k, *_ in JUDGEMENTS}, "a pinned quote for a cell without a judgement"
    from mio_qual.reports.worksheet import write_worksheet

    with tempfile.TemporaryDirectory() as scratch:
        project = build_project(Path(scratch))
        try:
            sheet = project.rating_worksheet("clinic")  # evidence: each construct's own coding (no links)
            agency = project.rating_worksheet("agency", constructs=AGENCY_CONSTRUCTS)
            (HERE / "agency").mkdir(exist_ok=True)
            for rater in RATERS:
                for content, target, judgements in ((sheet, HERE / f"{rater}.xlsx", JUDGEMENTS),
                                                    (agency, HERE / "agency" / f"{rater}.xlsx", AGENCY_JUDGEMENTS)):
                    written = write_worksheet(content, Path(scratch) / content.by, rater, docx=False)[0]
                    shutil.copyfile(written, target)
                    fill(target, rater, judgements)
                    print(target)
        finally:
            project.close()
    for kind, target, judgements in (("clinic", HERE / "reconciliation.csv", JUDGEMENTS),
                                     ("agency", HERE / "agency" / "reconciliation.csv", AGENCY_JUDGEMENTS)):
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["case_kind", "case_id", "construct", "lee", "kim", "rating", "rationale"])
            for construct, case, lee, kim, agreed, r_lee, r_kim in judgements:
                if lee != kim:
                    if agreed is None:
                        raise SystemExit(f"{construct} {case}: the raters differ and no agreed value is given")
                    why = r_lee if agreed == lee else (r_kim or r_lee)
                    writer.writerow([kind, case, construct, lee, kim, agreed,
                                     f"Agreed at the reconciliation meeting: {why}"])
        print(target)
    with open(HERE / "fit.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["construct", "fit", "note"])
        writer.writerows(FIT)
    print(HERE / "fit.csv")


if __name__ == "__main__":
    main()

"""Write the sample's filled rapid-analysis templates (synthetic; run from the repository root).

Two summarizers, kai and remy, each summarised INT01 (Northside counselor) and INT06 (Downtown
supervisor) with the bundled CFIR staff-interview template; the team then wrote a consensus
summary of each. The summaries differ the way two trained summarizers' do: remy leaves out
the outer setting in INT01 and cites fewer quotes; kai marks a domain 'n/a' that remy
summarised. Quotes are segment ids or words copied from the transcripts.

    python transcripts_sample/rapid/make_rapid.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from docx import Document

from mio_qual import Project

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent

#: summarizer -> transcript -> domain -> (summary, quotes, one per line)
SUMMARIES: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "kai": {
        "INT01": {
            "MIO": ("Sees MIO as the missing piece: it brings the child into sessions that used to stay on "
                    "triggers and relapse. Has changed how she talks with fathers in group too.", "t4\nt42"),
            "DEMANDS": ("Training was heavy on theory; role plays and case consultation made it usable. Paper "
                        "prompts dropped for clients with low literacy.", "t8"),
            "OUTSIDE": ("Child welfare involvement is near universal: some caseworkers count MIO toward the case "
                        "plan, but clients fear disclosure and visits collide with sessions. Grant pays bus tokens.",
                        "t32\nthe grant pays for bus tokens"),
            "CLINIC": ("Family-centred culture predates MIO (parenting group, family nights); director protects "
                       "MIO time openly. Stable team, nobody has left.", "t10\nt38"),
            "FIT": ("Strong fit with 'we treat the family'. Only tension: MIO's slow outcomes versus the state's "
                    "metrics (drug screens, retention).", "MIO is slow"),
            "RESOURCES": ("Protected two-hour weekly supervision, a private family room with a door, fixed "
                          "Tuesday/Thursday MIO block, manageable caseload (9 MIO of 26).", "t16\nt22\nt6"),
            "PEOPLE": ("Counselor volunteered eagerly; director (clinic leader) shields supervision and approves "
                       "overtime; consultant joins supervision by video.", "t2\nt24"),
            "PROCESS": ("Recording explained with a shared script practised in supervision; adaptations (photo "
                        "prompt, conversation instead of worksheets) checked with the consultant.", "t26\nt36"),
            "OUTCOMES": ("Nine MIO clients; attendance better than regular sessions; one client declined "
                         "recording. Sustainment depends on keeping supervision after the grant.", "t28\nt34\nt40"),
            "OTHER": ("Recommends protecting supervision time above all.", ""),
        },
        "INT06": {
            "MIO": ("Believes the model fits the clinic's mothers; the problem is not MIO.", "It's not the model that's the problem"),
            "DEMANDS": ("In-person training takes three days off the floor; online version lacks practice.", "t16"),
            "OUTSIDE": ("No relationship with the county child welfare office; visits and court dates override "
                        "sessions. No billing code: notes rejected for medical necessity.", "t30\nt32"),
            "CLINIC": ("Volume clinic run on productivity targets; new record system and a state audit at the same "
                       "time. Decision to adopt made above the clinic without asking about capacity.", "t6\nt8"),
            "FIT": ("Fits the mission statement but not how the clinic operates: MIO moves none of the monthly "
                    "numbers.", "t22"),
            "RESOURCES": ("Consultation met five or six times since October; no time protected from productivity.",
                          "t10"),
            "PEOPLE": ("Supervisor is lead but overloaded; clinic director sympathetic yet did not get an "
                       "exemption. Three of five trained counselors left.", "t12\nt14"),
            "PROCESS": ("Drift rather than planned adaptation: short MIO segments, skipped recordings.", "t36"),
            "OUTCOMES": ("Eleven recorded sessions in total; some low adherence; sustainment doubtful.", "t26\nt40"),
            "OTHER": ("n/a", ""),
        },
    },
    "remy": {
        "INT01": {
            "MIO": ("Counselor values MIO because it makes the children part of treatment; it has spread into her "
                    "work with other clients.", "t4"),
            "DEMANDS": ("Three-day training felt like a lot of theory at first.", ""),
            "OUTSIDE": ("", ""),
            "CLINIC": ("Clinic already saw itself as treating the family; MIO gave that a structure.", "t38"),
            "FIT": ("Good fit; possible tension with state outcome measures.", ""),
            "RESOURCES": ("Weekly protected supervision, a family room, a fixed MIO block in the schedule.",
                          "t10\nIt has a door that closes"),
            "PEOPLE": ("Director protects MIO time and covers groups herself.", "t10"),
            "PROCESS": ("A script for explaining recording, practised together; small adaptations for literacy.",
                        "t26"),
            "OUTCOMES": ("Attendance good; worried supervision would not survive the grant.", "t40"),
            "OTHER": ("Team retention is unusual for the field.", "t14"),
        },
        "INT06": {
            "MIO": ("Model suits the population; frustration is with the clinic's capacity, not MIO.", "t28"),
            "DEMANDS": ("Training time is hard to free; notes must be rewritten for billing.", "t16"),
            "OUTSIDE": ("Child welfare schedules override sessions; no billing code for parenting work; a state "
                        "family treatment rate is only talk.", "t30\nt34"),
            "CLINIC": ("Productivity-first culture; leadership message drowns out MIO.", "t8\nt38"),
            "FIT": ("Mission alignment on paper only.", "t22"),
            "RESOURCES": ("Consultation mostly cancelled; counselors carry 45 clients.", "t10"),
            "PEOPLE": ("Lead supervisor feels she let counselors down; turnover took three of five.", "t14\nt42"),
            "PROCESS": ("No protected plan; what happens is drift.", "t36"),
            "OUTCOMES": ("Eleven recordings; low adherence flagged; sustainment unlikely.", "t26"),
            "OTHER": ("Recommends protected consultation hours, lower caseloads and leadership talking to child "
                      "welfare.", "t38"),
        },
    },
}

#: The consensus summaries the team wrote after comparing kai and remy.
CONSENSUS: dict[str, dict[str, tuple[str, str]]] = {"INT01": {
    "MIO": ("MIO brings the child into treatment; the counselor now uses its stance with other clients too.", "t4\nt42"),
    "DEMANDS": ("Theory-heavy three-day training made usable by role plays and case consultation.", "t8"),
    "OUTSIDE": ("Child welfare is involved with most clients: supportive caseworkers, fear of disclosure, visits "
                "that collide with sessions. Bus tokens from the grant.", "t32"),
    "CLINIC": ("Family-centred culture before MIO; director openly protects MIO time; stable team.", "t10\nt38"),
    "FIT": ("Strong fit; MIO's slow outcomes sit uneasily with the state's metrics.", "MIO is slow"),
    "RESOURCES": ("Protected weekly supervision, private family room, fixed MIO block, manageable caseload.",
                  "t16\nt22"),
    "PEOPLE": ("Eager counselor; director shields supervision and approves overtime.", "t2\nt24"),
    "PROCESS": ("Shared script for recording consent; adaptations checked with the consultant.", "t26\nt36"),
    "OUTCOMES": ("Nine MIO clients, good attendance, one declined recording; sustainment hinges on supervision.",
                 "t28\nt34\nt40"),
    "OTHER": ("Low turnover stands out for the field.", "t14"),
}, "INT06": {
    "MIO": ("The model suits Downtown's mothers; the obstacles are the clinic's capacity, not MIO.", "t28"),
    "DEMANDS": ("Three days of training off the floor are hard to free; the online course lacks practice.", "t16"),
    "OUTSIDE": ("Child welfare schedules override sessions and there is no working relationship with the county "
                "office; no billing code, so notes are rewritten for medical necessity.", "t30\nt32"),
    "CLINIC": ("Productivity-first volume clinic with competing demands (record system, audit); adoption decided "
               "above the clinic.", "t6\nt8"),
    "FIT": ("Fits the mission statement, not the clinic's operating metrics.", "t22"),
    "RESOURCES": ("Consultation held five or six times since October; no protected time.", "t10"),
    "PEOPLE": ("Overloaded lead supervisor; director sympathetic but no exemption; three of five trained "
               "counselors left.", "t12\nt14"),
    "PROCESS": ("Drift rather than planned adaptation.", "t36"),
    "OUTCOMES": ("Eleven recorded sessions, low adherence in some; sustainment doubtful.", "t26\nt40"),
    "OTHER": ("Recommends protected consultation, lower caseloads and leadership outreach to child welfare.", "t38"),
}}


def fill(path: Path, cells: dict[str, tuple[str, str]]) -> None:
    """Type the summaries and quotes into a template's summary table, as a summarizer would in Word."""
    document = Document(str(path))
    for table in document.tables:
        header = [c.text.strip() for c in table.rows[0].cells]
        if "Domain id" not in header:
            continue
        summary_at, quotes_at = header.index("Summary"), header.index("Quotes")
        for row in table.rows[1:]:
            domain = row.cells[0].text.strip()
            summary, quotes = cells[domain]
            row.cells[summary_at].text = summary
            row.cells[quotes_at].text = quotes
    document.save(str(path))


def main() -> None:
    """Build a throwaway project from the sample, write templates, fill and keep them here."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "study")
        project.import_transcripts([SAMPLE], manifest=SAMPLE / "manifest.csv", roster=SAMPLE / "roster.csv")
        for who, transcripts in SUMMARIES.items():
            for path in project.write_rapid_templates(Path(tmp) / who, list(transcripts), summarizer=who):
                fill(path, transcripts[path.name.split("_")[0]])
                shutil.copyfile(path, HERE / path.name)
        project.import_rapid(sorted(HERE.glob("*_rapid_kai.docx")) + sorted(HERE.glob("*_rapid_remy.docx")))
        for path in project.write_rapid_templates(Path(tmp) / "consensus", list(CONSENSUS), consensus_of=["kai", "remy"]):
            fill(path, CONSENSUS[path.name.split("_")[0]])
            shutil.copyfile(path, HERE / path.name)


if __name__ == "__main__":
    main()

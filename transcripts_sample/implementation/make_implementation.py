"""Write the sample's synthetic Aim 2 logs (seeded, so the output never changes).

Run from anywhere: ``python transcripts_sample/implementation/make_implementation.py``. It writes,
beside itself:

* ``activities.csv``: the study's one activity list (Stages of Implementation Completion:
  activity, stage 1-8, phase, level agency or clinic);
* ``activity_dates.csv``: the date each clinic (or agency, for agency activities) completed each
  activity; an empty date means not completed by the end of February 2026;
* ``strategies.csv``: the implementation strategies each clinic and agency used, named by ERIC
  and specified with Proctor's seven elements (some left empty, as real logs leave them);
* ``adaptations.csv``: adaptations of MIO (FRAME) and of strategies (FRAME-IS);
* ``facilitation.csv``: the study facilitator's contacts with each clinic and agency;
* ``events.csv``: turnover, hires and other events the clinics had to absorb.

Everything is invented, and follows what the transcripts say. The first counselor cohort of
all four clinics trained together for three days in October 2024 (FG01 "the October before
last", FG03 "two Octobers ago"; the Westfield director's "we trained in the spring" is the one
account that disagrees); Northside's first mother started in January 2025, Westfield's about two
months after the training; Eastgate's counselor left in July 2025 and her replacement, hired in
October, trained online in March 2026; Downtown lost three of its five trained counselors and
has no billing path; Westfield enrolled 31 mothers (FG04, INT08) through its county referral
agreement. Pre-implementation activities were completed most fully at Northside and Westfield
and least at Downtown, which is the ordering the Aim 2 hypothesis expects of the outcomes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20260302
AGENCY = {"northside": "riverbend", "eastgate": "riverbend", "downtown": "harbor", "westfield": "harbor"}
TRAINING = "2024-10-23"  # last day of the first cohort's three-day training (21-23 October 2024)

# activity id, stage, level, activity
ACTIVITIES = [
    ("E1", 1, "agency", "Agency agrees to host MIO and applies for the implementation grant"),
    ("E2", 1, "clinic", "Clinic director agrees to be a MIO site"),
    ("F1", 2, "agency", "Readiness assessment with the agency's clinic directors"),
    ("F2", 2, "clinic", "Feasibility meeting of the clinic team with the MIO developers"),
    ("R1", 3, "clinic", "MIO sessions scheduled around intensive outpatient groups"),
    ("R2", 3, "clinic", "Private room for MIO sessions secured"),
    ("R3", 3, "clinic", "Weekly MIO supervision time protected in writing"),
    ("R4", 3, "clinic", "Referral agreement with county child-welfare caseworkers"),
    ("R5", 3, "agency", "Billing route for MIO sessions agreed"),
    ("T1", 4, "clinic", "First counselor cohort completes the three-day MIO training"),
    ("T2", 4, "clinic", "Clinical supervisor trained to lead MIO consultation"),
    ("M1", 5, "clinic", "Session recording and consent procedure in place"),
    ("M2", 5, "clinic", "Fidelity raters receive the first session recordings"),
    ("S1", 6, "clinic", "First mother enrolled in MIO"),
    ("S2", 6, "clinic", "First case consultation with the MIO consultant"),
    ("O1", 7, "clinic", "Monthly fidelity feedback to counselors running"),
    ("O2", 7, "clinic", "Ten mothers have completed all twelve sessions"),
    ("C1", 8, "clinic", "Counselors certified in MIO"),
    ("C2", 8, "clinic", "An in-house MIO trainer certified"),
]
AGENCY_DATES = {
    "riverbend": {"E1": "2024-03-15", "F1": "2024-05-20", "R5": "2024-09-10"},
    "harbor": {"E1": "2024-03-15", "F1": "2024-06-10", "R5": ""},  # no billing path yet (INT10, INT12)
}
CLINIC_DATES = {
    "northside": {"E2": "2024-04-02", "F2": "2024-06-18", "R1": "2024-09-12", "R2": "2024-11-29", "R3": "2024-09-05",
                  "R4": "", "T1": TRAINING, "T2": TRAINING, "M1": "2024-12-13", "M2": "2025-04-14",
                  "S1": "2025-01-07", "S2": "2024-11-06", "O1": "2025-05-06", "O2": "2025-07-15", "C1": "2026-02-10",
                  "C2": ""},
    "eastgate": {"E2": "2024-04-10", "F2": "2024-06-25", "R1": "2025-02-20", "R2": "", "R3": "2024-10-01",
                 "R4": "", "T1": TRAINING, "T2": TRAINING, "M1": "2025-02-03", "M2": "2025-04-22",
                 "S1": "2025-01-27", "S2": "2024-11-13", "O1": "2025-06-04", "O2": "2025-10-10", "C1": "", "C2": ""},
    "downtown": {"E2": "2024-04-18", "F2": "2024-07-09", "R1": "", "R2": "", "R3": "", "R4": "", "T1": TRAINING,
                 "T2": TRAINING, "M1": "2025-03-24", "M2": "2025-04-08", "S1": "2025-02-17", "S2": "2024-12-04",
                 "O1": "", "O2": "", "C1": "", "C2": ""},
    "westfield": {"E2": "2024-04-08", "F2": "2024-06-20", "R1": "2024-09-25", "R2": "2024-10-15", "R3": "2024-09-30",
                  "R4": "2024-09-18", "T1": TRAINING, "T2": TRAINING, "M1": "2024-12-10", "M2": "2025-05-09",
                  "S1": "2024-12-16", "S2": "2024-11-20", "O1": "2025-05-20", "O2": "2025-08-29", "C1": "", "C2": ""},
}

PROCTOR = ("actor", "action", "target", "temporality", "dose", "outcome", "justification")
# id, agency, clinic ('' = agency-wide), start, end, ERIC name, local name, phase, then Proctor's seven elements
STRATEGIES = [
    ("ST01", "riverbend", "", "2024-03-15", "2024-05-01", "Access new funding", "implementation grant",
     "pre-implementation", "agency leader", "applies for a two-year grant", "state funder", "before the sites start",
     "one application", "feasibility", "MIO time is not billable as such"),
    ("ST02", "harbor", "", "2024-03-15", "2024-05-01", "Access new funding", "implementation grant",
     "pre-implementation", "agency leader", "applies for a two-year grant", "state funder", "before the sites start",
     "one application", "feasibility", "MIO time is not billable as such"),
    ("ST03", "riverbend", "", "2024-10-21", "2024-10-23", "Conduct educational meetings", "three-day MIO training",
     "implementation", "MIO trainers", "train the first cohort in person", "counselors and supervisors",
     "before the first mother", "three days", "fidelity", "the model's skills are new to the counselors"),
    ("ST04", "harbor", "", "2024-10-21", "2024-10-23", "Conduct educational meetings", "three-day MIO training",
     "implementation", "MIO trainers", "train the first cohort in person", "counselors and supervisors",
     "before the first mother", "three days", "fidelity", "the model's skills are new to the counselors"),
    ("ST05", "riverbend", "northside", "2024-09-05", "", "Provide clinical supervision", "two-hour MIO supervision",
     "implementation", "clinic director", "protects two hours a week of group supervision", "counselors",
     "weekly from the first session", "120 minutes a week", "fidelity", "recordings reviewed with the rating dimensions"),
    ("ST06", "riverbend", "northside", "2024-09-12", "", "Change service sites", "Tuesday/Thursday MIO block",
     "pre-implementation", "clinic director", "books MIO sessions into a fixed block", "mothers and counselors",
     "from the first mother", "two afternoons a week", "reach", "IOP groups fill the mornings"),
    ("ST07", "riverbend", "northside", "2024-11-01", "2024-11-29", "Change physical structure and equipment",
     "family room", "pre-implementation", "clinic director", "converts a storage room into a family room", "clinic",
     "before the first mother", "one room", "feasibility", "sessions need privacy and space for children"),
    ("ST08", "riverbend", "eastgate", "2024-10-01", "", "Provide clinical supervision", "weekly consultation hour",
     "implementation", "clinical supervisor", "leads a weekly consultation on recordings", "counselors",
     "weekly", "60 minutes a week", "fidelity", ""),
    ("ST09", "riverbend", "eastgate", "2025-02-20", "", "Tailor strategies", "IOP-aware scheduling",
     "implementation", "clinical supervisor", "fits sessions between IOP tracks", "counselors",
     "from February 2025", "", "reach", "most MIO mothers are in IOP"),
    ("ST10", "riverbend", "eastgate", "2025-11-01", "2026-03-15", "Shadow other experts", "sitting in on consultation",
     "implementation", "new counselor", "listens to recorded sessions and consultation", "new counselor",
     "while waiting for training", "weekly", "adoption", "the next in-person cohort was months away"),
    ("ST11", "harbor", "downtown", "2024-12-04", "", "Provide ongoing consultation", "monthly MIO consultation",
     "implementation", "MIO consultant", "holds a case consultation", "counselors", "monthly when not cancelled",
     "90 minutes a month", "fidelity", ""),
    ("ST12", "harbor", "downtown", "2025-03-01", "", "Alter incentive/allowance structures",
     "productivity relief request", "implementation", "clinic director", "asks for lower billable-hour targets",
     "agency finance", "", "", "feasibility", "counselors cannot meet targets and deliver MIO"),
    ("ST13", "harbor", "westfield", "2024-09-18", "", "Develop resource sharing agreements", "county referral agreement",
     "pre-implementation", "clinic director", "agrees referrals and attendance support with the county",
     "child-welfare caseworkers", "from before the first mother", "monthly county meeting", "reach",
     "caseworkers see the mothers MIO is for"),
    ("ST14", "harbor", "westfield", "2024-09-30", "", "Provide clinical supervision", "MIO supervision hour",
     "implementation", "clinical supervisor", "holds an MIO supervision hour", "counselors", "weekly, often squeezed",
     "60 minutes a week", "fidelity", ""),
    ("ST15", "harbor", "westfield", "2025-06-02", "2025-06-20", "Conduct ongoing training", "June cohort",
     "implementation", "MIO trainers", "train a newly hired counselor", "new counselor", "after a hire",
     "half online", "adoption", "a new counselor joined in spring"),
]
# id, agency, clinic, date, phase, applies_to, strategy_id, what, nature, who, planned, fidelity, reason, description
ADAPTATIONS = [
    ("AD01", "riverbend", "northside", "2025-03-18", "implementation", "intervention", "", "content", "repeating",
     "counselor", "unplanned/reactive", "consistent", "a mother was too distressed to finish the session",
     "one session finished the following week"),
    ("AD02", "riverbend", "eastgate", "2025-03-05", "implementation", "intervention", "", "content", "shortening",
     "clinical supervisor", "planned/reactive", "consistent", "IOP groups leave too little time",
     "sessions shortened to 45 minutes keeping the core pieces"),
    ("AD03", "riverbend", "eastgate", "2025-04-10", "implementation", "intervention", "", "content", "tailoring",
     "counselor", "unplanned/reactive", "consistent", "two mothers were Spanish-dominant",
     "sessions delivered in Spanish"),
    ("AD04", "riverbend", "eastgate", "2025-10-20", "implementation", "intervention", "", "context", "substituting",
     "clinical supervisor", "unplanned/reactive", "unknown", "sessions in the shared group room were interrupted",
     "white-noise machine outside the door; break room on Fridays"),
    ("AD05", "riverbend", "eastgate", "2026-02-05", "implementation", "strategy", "ST10", "training", "substituting",
     "clinical supervisor", "unplanned/reactive", "consistent", "the next in-person cohort was in May",
     "replacement counselor trained in the virtual course"),
    ("AD06", "harbor", "downtown", "2025-05-20", "implementation", "intervention", "", "content", "departing",
     "counselor", "unplanned/reactive", "inconsistent", "caseloads left no time for full sessions",
     "MIO questions used in regular sessions with mothers not enrolled"),
    ("AD07", "harbor", "downtown", "2025-07-01", "implementation", "strategy", "ST11", "implementation activities",
     "shortening", "clinic director", "unplanned/reactive", "unknown", "productivity targets",
     "consultation cancelled in most months"),
    ("AD08", "harbor", "westfield", "2025-02-03", "implementation", "intervention", "", "context", "tailoring",
     "counselor", "planned/proactive", "consistent", "rural mothers cannot reach the clinic",
     "sessions on the county satellite days"),
    ("AD09", "harbor", "westfield", "2025-06-02", "implementation", "strategy", "ST15", "training", "substituting",
     "MIO trainers", "planned/proactive", "consistent", "one new counselor and two from other sites",
     "June cohort half online"),
]
EVENTS = [
    ("EV01", "riverbend", "eastgate", "2025-07-15", "turnover", "an MIO counselor left for a hospital job"),
    ("EV02", "riverbend", "eastgate", "2025-10-06", "hire", "replacement counselor joined and sat in on consultation"),
    ("EV03", "harbor", "downtown", "2025-06-30", "turnover", "a trained counselor left"),
    ("EV04", "harbor", "downtown", "2025-08-15", "turnover", "a trained counselor moved out of state"),
    ("EV05", "harbor", "downtown", "2025-09-30", "turnover", "a trained counselor resigned"),
    ("EV06", "harbor", "westfield", "2025-05-05", "hire", "a counselor joined from a hospital setting"),
    ("EV07", "riverbend", "northside", "2025-10-01", "other", "the agency added a step-down program; MIO time kept"),
    ("EV08", "harbor", "", "2025-10-15", "funding", "the billing request went to the agency's finance office"),
]
# clinic -> (pre-implementation contacts, implementation contacts, mean minutes)
FACILITATION = {"northside": (6, 10, 60), "eastgate": (5, 9, 55), "downtown": (2, 5, 40), "westfield": (6, 10, 60)}
MODES = ("in person", "video", "phone")


def activities() -> list[dict[str, object]]:
    phase = {1: "pre-implementation", 2: "pre-implementation", 3: "pre-implementation", 8: "sustainability"}
    return [{"activity_id": a, "activity": name, "stage": stage, "phase": phase.get(stage, "implementation"),
             "level": level} for a, stage, level, name in ACTIVITIES]


def activity_dates() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for agency, dates in AGENCY_DATES.items():
        rows += [{"activity_id": a, "agency": agency, "clinic": "", "date_completed": d} for a, d in dates.items()]
    for clinic, dates in CLINIC_DATES.items():
        rows += [{"activity_id": a, "agency": AGENCY[clinic], "clinic": clinic, "date_completed": d}
                 for a, d in dates.items()]
    return rows


def strategies() -> list[dict[str, object]]:
    keys = ("strategy_id", "agency", "clinic", "date", "end_date", "eric", "local_name", "phase", *PROCTOR)
    return [dict(zip(keys, row)) for row in STRATEGIES]


def adaptations() -> list[dict[str, object]]:
    keys = ("adaptation_id", "agency", "clinic", "date", "phase", "applies_to", "strategy_id", "what", "nature", "who",
            "planned", "fidelity", "reason", "description")
    return [dict(zip(keys, row)) for row in ADAPTATIONS]


def events() -> list[dict[str, object]]:
    keys = ("event_id", "agency", "clinic", "date", "kind", "description")
    return [dict(zip(keys, row)) for row in EVENTS]


def _days(start: str, end: str, n: int, rng: np.random.Generator) -> list[dt.date]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    span = (last - first).days
    days = sorted({first + dt.timedelta(days=int(d)) for d in rng.integers(0, span + 1, size=n * 3)})
    days = [d for d in days if d.weekday() < 5]
    picked = sorted(rng.choice(len(days), size=n, replace=False))
    return [days[i] for i in picked]


def facilitation(rng: np.random.Generator) -> list[dict[str, object]]:
    rows = []
    for clinic, (pre, during, minutes) in FACILITATION.items():
        start_services = CLINIC_DATES[clinic]["S1"]
        for phase, (start, end), n in (("pre-implementation", ("2024-04-15", start_services), pre),
                                       ("implementation", (start_services, "2026-02-27"), during)):
            for day in _days(start, end, n, rng):
                rows.append({"agency": AGENCY[clinic], "clinic": clinic, "date": day.isoformat(), "phase": phase,
                             "minutes": int(np.clip(rng.normal(minutes, 15) // 5 * 5, 15, 120)),
                             "mode": MODES[int(rng.integers(len(MODES)))], "facilitator": "study facilitator"})
    for agency in ("riverbend", "harbor"):
        for day in ("2024-05-20", "2025-06-16"):
            rows.append({"agency": agency, "clinic": "", "date": day, "phase": "pre-implementation"
                         if day < "2025" else "implementation", "minutes": 90, "mode": "in person",
                         "facilitator": "study facilitator"})
    rows.sort(key=lambda r: (str(r["date"]), str(r["clinic"])))
    return [{"contact_id": f"FC{i:03d}", **row} for i, row in enumerate(rows, start=1)]


def _write(name: str, rows: list[dict[str, object]]) -> Path:
    path = HERE / name
    pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def main() -> None:
    rng = np.random.default_rng(SEED)
    for name, rows in (("activities.csv", activities()), ("activity_dates.csv", activity_dates()),
                       ("strategies.csv", strategies()), ("adaptations.csv", adaptations()),
                       ("facilitation.csv", facilitation(rng)), ("events.csv", events())):
        print(_write(name, rows))


if __name__ == "__main__":
    main()

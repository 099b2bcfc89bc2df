"""Write the sample's synthetic quantitative files (seeded, so the output never changes).

Run from anywhere: ``python transcripts_sample/quant/make_quant.py``. It writes, beside itself:

* ``fidelity_sessions.csv``: one row per MIO session (adherence and competence, 1-5, as a
  fidelity rater would score a session recording);
* ``fim_aim_iam.csv``: one row per staff member, the 12 FIM/AIM/IAM items (1-5);
* ``reach_adoption.csv``: one row per clinic: eligible and enrolled mothers, trained and
  delivering counselors;
* ``implementation_activities.csv``: the older Aim 2 activity log (planned and completed dates per
  clinic, read as quantitative data); the study's one activity list for the Stages of
  Implementation Completion, and the strategy, adaptation, facilitation and event logs, are in
  ``../implementation/`` (``make_implementation.py``). Both put the first cohort's training on
  21-23 October 2024, the date the interviews agree on.

Everything is invented. The clinics differ the way the transcripts say they do: Northside
(protected supervision, a private family room, a fixed MIO block, no turnover) scores highest;
Westfield (motivated counselors, a county child-welfare partnership that drives referrals,
squeezed supervision) is next, with the highest reach; Eastgate (good leadership but a shared,
interrupted group room, clashes with IOP, one counselor gone in July) is moderate, with lower
adherence in Group Room B than in the Friday break room; Downtown (productivity targets, supervision cancelled most months,
three of five trained counselors gone, no billing path) is lowest, and its leavers' sessions
stop in mid-2025. One Downtown respondent skipped a FIM item, so that scale is not scored for
them (the item count check).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20260301

AGENCY = {"northside": "riverbend", "eastgate": "riverbend", "downtown": "harbor", "westfield": "harbor"}

# counselor id -> (clinic, adherence mean, competence mean, last session date or None, room)
COUNSELORS = {
    "NS-C1": ("northside", 4.6, 4.4, None, "family room"),
    "NS-C2": ("northside", 4.5, 4.3, None, "family room"),
    "NS-C3": ("northside", 4.4, 4.2, None, "family room"),
    "NS-C4": ("northside", 4.5, 4.1, None, "family room"),
    "NS-C5": ("northside", 4.2, 4.0, None, "family room"),
    "NS-C6": ("northside", 4.1, 3.9, None, "family room"),
    "EG-C1": ("eastgate", 3.8, 3.6, None, "Group Room B"),
    "EG-C2": ("eastgate", 3.7, 3.5, None, "Group Room B"),
    "EG-C3": ("eastgate", 3.7, 3.5, None, "Group Room B"),
    "EG-C4": ("eastgate", 3.6, 3.4, None, "Group Room B"),
    "EG-C5": ("eastgate", 3.7, 3.4, None, "Group Room B"),
    "EG-C6": ("eastgate", 3.5, 3.3, dt.date(2025, 7, 15), "Group Room B"),
    "DT-C1": ("downtown", 3.0, 2.7, None, "shared office"),
    "DT-C2": ("downtown", 2.8, 2.6, None, "shared office"),
    "DT-C3": ("downtown", 2.6, 2.4, dt.date(2025, 6, 30), "shared office"),
    "DT-C4": ("downtown", 2.5, 2.3, dt.date(2025, 8, 15), "shared office"),
    "DT-C5": ("downtown", 2.4, 2.2, dt.date(2025, 9, 30), "shared office"),
    "WF-C1": ("westfield", 4.2, 3.8, None, "family room"),
    "WF-C2": ("westfield", 4.0, 3.7, None, "family room"),
    "WF-C3": ("westfield", 3.9, 3.6, None, "counselor office"),
    "WF-C4": ("westfield", 3.8, 3.5, None, "family room"),
    "WF-C5": ("westfield", 3.7, 3.4, None, "counselor office"),
}
SESSIONS = {"northside": 36, "eastgate": 28, "downtown": 16, "westfield": 30}
START, END = dt.date(2025, 4, 7), dt.date(2026, 2, 27)
# Eastgate's sessions are in Group Room B (interrupted, noisy tapes) except on Friday afternoons,
# when a couple of counselors use the empty break room, which locks.
ROOM_PENALTY = {"Group Room B": -0.5}
FRIDAY_ROOM = {"eastgate": "break room (locked, Fridays)"}


def _rating(rng: np.random.Generator, mean: float, sd: float = 0.55) -> int:
    return int(np.clip(np.rint(rng.normal(mean, sd)), 1, 5))


def fidelity(rng: np.random.Generator) -> list[dict[str, object]]:
    rows = []
    for clinic, n in SESSIONS.items():
        staff = [c for c, v in COUNSELORS.items() if v[0] == clinic]
        prefix = staff[0][:2]
        mothers: dict[str, int] = {}
        drawn = []
        while len(drawn) < n:
            counselor = staff[int(rng.integers(len(staff)))]
            _, adherence, competence, last, room = COUNSELORS[counselor]
            end = min(END, last) if last else END
            day = START + dt.timedelta(days=int(rng.integers((end - START).days + 1)))
            while day.weekday() > 4:  # weekdays only, each equally likely
                day = START + dt.timedelta(days=int(rng.integers((end - START).days + 1)))
            drawn.append((day, counselor))
        drawn.sort()
        for i, (day, counselor) in enumerate(drawn, start=1):
            _, adherence, competence, _, room = COUNSELORS[counselor]
            mother = f"M-{prefix}{int(rng.integers(1, 9)):02d}-{counselor[-1]}"
            mothers[mother] = mothers.get(mother, 0) + 1
            if clinic in FRIDAY_ROOM and day.weekday() == 4:
                room = FRIDAY_ROOM[clinic]
            penalty = ROOM_PENALTY.get(room, 0.0)
            rows.append({
                "session_id": f"{prefix}-S{i:02d}", "counselor_id": counselor, "mother_id": mother,
                "clinic": clinic, "agency": AGENCY[clinic], "date": day.isoformat(),
                "session_number": min(mothers[mother], 12), "room": room,
                "adherence": _rating(rng, adherence + penalty), "competence": _rating(rng, competence + penalty),
            })
    return rows


# respondent -> (clinic, role, FIM mean, AIM mean, IAM mean)
RESPONDENTS = {
    "NS-C1": ("northside", "counselor", 4.6, 4.7, 4.8), "NS-C2": ("northside", "counselor", 4.5, 4.6, 4.7),
    "NS-C3": ("northside", "counselor", 4.4, 4.6, 4.6), "NS-C4": ("northside", "counselor", 4.5, 4.5, 4.7),
    "NS-C5": ("northside", "counselor", 4.3, 4.5, 4.5), "NS-C6": ("northside", "counselor", 4.2, 4.4, 4.6),
    "NS-SUP": ("northside", "supervisor", 4.6, 4.8, 4.8),
    "EG-C1": ("eastgate", "counselor", 3.3, 4.5, 4.2), "EG-C2": ("eastgate", "counselor", 3.1, 4.4, 4.1),
    "EG-C3": ("eastgate", "counselor", 3.4, 4.3, 4.2), "EG-C4": ("eastgate", "counselor", 3.0, 4.2, 4.0),
    "EG-C5": ("eastgate", "counselor", 3.2, 4.4, 4.1), "EG-SUP": ("eastgate", "supervisor", 3.5, 4.6, 4.3),
    "DT-C1": ("downtown", "counselor", 2.3, 3.8, 3.9), "DT-C2": ("downtown", "counselor", 2.1, 3.6, 3.8),
    "DT-C6": ("downtown", "counselor", 2.4, 3.5, 3.7), "DT-SUP": ("downtown", "supervisor", 2.2, 3.9, 4.0),
    "WF-C1": ("westfield", "counselor", 3.9, 4.6, 4.6), "WF-C2": ("westfield", "counselor", 3.8, 4.5, 4.5),
    "WF-C3": ("westfield", "counselor", 3.7, 4.4, 4.5), "WF-C4": ("westfield", "counselor", 4.0, 4.5, 4.4),
    "WF-C5": ("westfield", "counselor", 3.6, 4.3, 4.4), "WF-SUP": ("westfield", "supervisor", 3.4, 4.5, 4.5),
}
SKIPPED_ITEM = ("DT-C6", "fim_3")


def fim_aim_iam(rng: np.random.Generator) -> list[dict[str, object]]:
    rows = []
    for respondent, (clinic, role, fim, aim, iam) in RESPONDENTS.items():
        row: dict[str, object] = {"counselor_id": respondent, "clinic": clinic, "agency": AGENCY[clinic], "role": role}
        for scale, mean in (("fim", fim), ("aim", aim), ("iam", iam)):
            for item in range(1, 5):
                row[f"{scale}_{item}"] = _rating(rng, mean, 0.5)
        if respondent == SKIPPED_ITEM[0]:
            row[SKIPPED_ITEM[1]] = ""
        rows.append(row)
    return rows


REACH = [
    # clinic, eligible, enrolled, trained, delivering, eligible counselors (trained or not)
    ("northside", 33, 26, 6, 6, 7),  # one counselor of the team never trained
    ("eastgate", 32, 20, 6, 5, 8),  # the replacement hired in October trains after the period; one never trained
    ("downtown", 40, 13, 5, 2, 7),  # three of five trained left; two newer counselors not yet trained
    ("westfield", 36, 31, 5, 5, 6),  # 31 enrolled, as FG04 and INT08 say; one counselor never trained
]


def reach_adoption() -> list[dict[str, object]]:
    return [{"clinic": c, "agency": AGENCY[c], "period": "2025-04-01 to 2026-02-28", "eligible": e, "enrolled": n,
             "trained": t, "delivering": d, "eligible_counselors": k} for c, e, n, t, d, k in REACH]


# agency, clinic ('' = agency-wide), phase, activity, planned, completed ('' = not yet), tailored
ACTIVITIES = [
    ("riverbend", "", "Exploration", "Apply for the MIO implementation grant", "2024-03-15", "2024-03-15", "no"),
    ("riverbend", "", "Exploration", "Agency readiness assessment with clinic directors", "2024-05-15", "2024-05-20", "no"),
    ("harbor", "", "Exploration", "Apply for the MIO implementation grant", "2024-03-15", "2024-03-15", "no"),
    ("harbor", "", "Exploration", "Agency readiness assessment with clinic directors", "2024-05-15", "2024-06-10", "no"),
    ("harbor", "", "Preparation", "Review MIO billing with the state Medicaid office", "2024-10-01", "", "no"),
    ("riverbend", "northside", "Preparation", "Train counselors (3-day MIO training)", "2024-10-21", "2024-10-23", "no"),
    ("riverbend", "northside", "Preparation", "Convert a storage room into a private family room", "2025-03-01", "2025-03-14", "yes"),
    ("riverbend", "northside", "Preparation", "Block two hours a week for MIO supervision", "2025-03-01", "2025-03-03", "yes"),
    ("riverbend", "northside", "Preparation", "Reserve a Tuesday/Thursday MIO scheduling block", "2025-03-15", "2025-03-20", "yes"),
    ("riverbend", "northside", "Implementation", "Set up session recording and consent", "2025-04-01", "2025-04-10", "no"),
    ("riverbend", "northside", "Implementation", "Monthly fidelity review of recordings", "2025-05-01", "2025-05-06", "no"),
    ("riverbend", "northside", "Sustainment", "Train the next counselor cohort", "2026-01-15", "", "no"),
    ("riverbend", "northside", "Sustainment", "Put MIO supervision time in the clinic budget", "2026-01-31", "2026-02-05", "yes"),
    ("riverbend", "eastgate", "Preparation", "Train counselors (3-day MIO training)", "2024-10-21", "2024-10-23", "no"),
    ("riverbend", "eastgate", "Preparation", "Find a private room for MIO sessions", "2025-03-01", "", "no"),
    ("riverbend", "eastgate", "Preparation", "Schedule MIO supervision every other week", "2025-03-01", "2025-03-28", "yes"),
    ("riverbend", "eastgate", "Preparation", "Fit MIO sessions around the IOP tracks", "2025-03-15", "2025-05-02", "yes"),
    ("riverbend", "eastgate", "Implementation", "Set up session recording and consent", "2025-04-01", "2025-05-19", "no"),
    ("riverbend", "eastgate", "Implementation", "Train a replacement counselor after the July departure", "2025-10-01", "", "no"),
    ("riverbend", "eastgate", "Sustainment", "Plan MIO after the grant", "2026-01-31", "", "no"),
    ("harbor", "downtown", "Preparation", "Train counselors (3-day MIO training)", "2024-10-21", "2024-10-23", "no"),
    ("harbor", "downtown", "Preparation", "Schedule monthly MIO consultation", "2025-03-01", "2025-05-15", "no"),
    ("harbor", "downtown", "Preparation", "Reduce productivity targets for MIO counselors", "2025-03-01", "", "no"),
    ("harbor", "downtown", "Implementation", "Set up session recording and consent", "2025-04-01", "2025-07-08", "no"),
    ("harbor", "downtown", "Implementation", "Agree visit times with child-welfare caseworkers", "2025-05-01", "", "no"),
    ("harbor", "downtown", "Implementation", "Train replacement counselors", "2025-09-01", "", "no"),
    ("harbor", "downtown", "Sustainment", "Find a billing path for MIO sessions", "2026-01-31", "", "no"),
    ("harbor", "westfield", "Preparation", "Train counselors (3-day MIO training)", "2024-10-21", "2024-10-23", "no"),
    ("harbor", "westfield", "Preparation", "Referral agreement with the county child-welfare office", "2025-03-01", "2025-03-25", "yes"),
    ("harbor", "westfield", "Preparation", "Shared referral form with county caseworkers", "2025-03-15", "2025-04-04", "yes"),
    ("harbor", "westfield", "Implementation", "Set up session recording and consent", "2025-04-01", "2025-05-26", "no"),
    ("harbor", "westfield", "Implementation", "Weekly MIO supervision hour", "2025-04-01", "2025-04-07", "no"),
    ("harbor", "westfield", "Implementation", "Train a second-cohort counselor", "2025-06-01", "2025-06-20", "yes"),
    ("harbor", "westfield", "Sustainment", "Apply for county funding after the grant", "2026-01-15", "", "yes"),
]


def activities() -> list[dict[str, object]]:
    return [{"activity_id": f"A{i:02d}", "agency": a, "clinic": c, "phase": p, "activity": name, "date_planned": planned,
             "date_completed": done, "tailored": tailored}
            for i, (a, c, p, name, planned, done, tailored) in enumerate(ACTIVITIES, start=1)]


def _write(name: str, rows: list[dict[str, object]]) -> Path:
    path = HERE / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def main() -> None:
    rng = np.random.default_rng(SEED)
    for name, rows in (("fidelity_sessions.csv", fidelity(rng)), ("fim_aim_iam.csv", fim_aim_iam(rng)),
                       ("reach_adoption.csv", reach_adoption()), ("implementation_activities.csv", activities())):
        print(_write(name, rows))


if __name__ == "__main__":
    main()

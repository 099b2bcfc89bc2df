"""Write the sample's climate and counselor measures and the counselor link table (seeded, invented).

Run from anywhere: ``python transcripts_sample/measures/make_measures.py``. Items are numbers
only (no item wording): ``ics1`` ... ``ics18`` (Implementation Climate Scale), ``ils1`` ...
``ils12`` (Implementation Leadership Scale), both 0-4 and answered by every clinic's staff
(counselors, supervisor, director); ``ebpas1`` ... ``ebpas15`` (EBPAS, 0-4) answered by the
counselors. The clinic profiles of ``../README.md`` set the levels: Northside's climate and
leadership are the strongest, Downtown's the weakest; Eastgate's staff disagree about its
climate (one counselor left mid-year, the room dispute), which the aggregation check should
catch. ``counselor_links.csv`` links each interviewed or focus-group counselor's study id
(``../roster.csv``) to the counselor id of the fidelity and FIM files.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20251204

# clinic -> (agency, counselor ids, other staff ids)
STAFF = {
    "northside": ("riverbend", [f"NS-C{i}" for i in range(1, 7)], ["NS-SUP", "NS-DIR"]),
    "eastgate": ("riverbend", [f"EG-C{i}" for i in range(1, 7)], ["EG-SUP", "EG-DIR"]),
    "downtown": ("harbor", ["DT-C1", "DT-C2", "DT-C4", "DT-C6"], ["DT-SUP", "DT-DIR"]),
    "westfield": ("harbor", [f"WF-C{i}" for i in range(1, 6)], ["WF-SUP", "WF-DIR"]),
}
# clinic -> (ICS level, ILS level, spread between people): Eastgate's staff are split
CLIMATE = {"northside": (3.1, 3.3, 0.3), "westfield": (2.6, 2.9, 0.35), "eastgate": (2.2, 2.6, 1.3),
           "downtown": (1.1, 1.2, 0.35)}
# clinic -> EBPAS openness/appeal level (divergence runs the other way)
ATTITUDE = {"northside": 3.2, "westfield": 3.4, "eastgate": 3.1, "downtown": 2.4}
EBPAS_DIVERGENCE = (3, 5, 6, 7)

LINKS = [  # study id (roster) -> counselor id (fidelity, FIM)
    ("S01", "NS-C1", "northside"), ("S13", "NS-C2", "northside"), ("S14", "NS-C3", "northside"),
    ("S15", "NS-C4", "northside"), ("S16", "NS-C5", "northside"), ("S17", "NS-C6", "northside"),
    ("S03", "EG-C1", "eastgate"), ("S18", "EG-C2", "eastgate"), ("S19", "EG-C3", "eastgate"),
    ("S20", "EG-C4", "eastgate"), ("S21", "EG-C5", "eastgate"), ("S11", "EG-C6", "eastgate"),
    ("S22", "DT-C1", "downtown"), ("S05", "DT-C2", "downtown"), ("S23", "DT-C4", "downtown"),
    ("S24", "DT-C6", "downtown"),
    ("S07", "WF-C1", "westfield"), ("S27", "WF-C2", "westfield"), ("S28", "WF-C3", "westfield"),
    ("S29", "WF-C4", "westfield"), ("S30", "WF-C5", "westfield"),
]


def _items(rng: np.random.Generator, level: float, person: float, n: int) -> list[int]:
    return [int(v) for v in np.clip(np.rint(level + person + rng.normal(0, 0.45, n)), 0, 4)]


def climate(rng: np.random.Generator, which: int, n_items: int) -> list[dict[str, object]]:
    rows = []
    for clinic, (agency, counselors, others) in STAFF.items():
        level, spread = CLIMATE[clinic][which], CLIMATE[clinic][2]
        for person in [*counselors, *others]:
            offset = rng.normal(0, spread)
            rows.append({"respondent_id": person, "clinic": clinic, "agency": agency,
                         **{f"{'ics' if which == 0 else 'ils'}{i + 1}": v
                            for i, v in enumerate(_items(rng, level, offset, n_items))}})
    return rows


def ebpas(rng: np.random.Generator) -> list[dict[str, object]]:
    rows = []
    for clinic, (agency, counselors, _) in STAFF.items():
        for person in counselors:
            values = _items(rng, ATTITUDE[clinic], rng.normal(0, 0.3), 15)
            for item in EBPAS_DIVERGENCE:  # divergence is answered the other way round
                values[item - 1] = 4 - values[item - 1]
            rows.append({"respondent_id": person, "counselor_id": person, "clinic": clinic, "agency": agency,
                         **{f"ebpas{i + 1}": v for i, v in enumerate(values)}})
    return rows


def _write(name: str, rows: list[dict[str, object]]) -> None:
    with open(HERE / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(HERE / name)


def main() -> None:
    rng = np.random.default_rng(SEED)
    _write("ics.csv", climate(rng, 0, 18))
    _write("ils.csv", climate(rng, 1, 12))
    _write("ebpas.csv", ebpas(rng))
    _write("counselor_links.csv", [{"study_id": s, "counselor_id": c, "clinic": k} for s, c, k in LINKS])


if __name__ == "__main__":
    main()

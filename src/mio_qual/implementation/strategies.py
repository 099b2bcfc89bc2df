"""Implementation strategies: a dated log per clinic, named by ERIC and specified per Proctor et al.

Each strategy is named by the Expert Recommendations for Implementing Change compilation
(ERIC; Powell et al. 2015): :data:`ERIC` holds its 73 strategy names, which are facts and are
used as they are (no descriptions are reproduced; ``local_name`` holds the study's own words).
Each strategy is then specified with the seven elements Proctor, Powell & McMillen (2013)
recommend reporting: the **actor** (who enacts it), the **action**, the **target** of the
action, its **temporality** (when, in which phase), its **dose** (how often, how long), the
implementation **outcome** it is meant to affect, and its **justification** (why this strategy
here). A log may leave elements empty; :func:`strategy_table` names, per strategy, the elements
left unspecified, so an incomplete specification is visible rather than hidden.

References
----------
Powell, B. J., Waltz, T. J., Chinman, M. J., et al. (2015). A refined compilation of
implementation strategies: results from the Expert Recommendations for Implementing Change
(ERIC) project. *Implementation Science*, 10, 21.

Proctor, E. K., Powell, B. J., & McMillen, J. C. (2013). Implementation strategies:
recommendations for specifying and reporting. *Implementation Science*, 8, 139.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .logs import Column, log_table, read_log
from .sic import PHASE_ALIASES, PHASES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The 73 ERIC strategy names (Powell et al. 2015, alphabetical).
ERIC: tuple[str, ...] = (
    "Access new funding",
    "Alter incentive/allowance structures",
    "Alter patient/consumer fees",
    "Assess for readiness and identify barriers and facilitators",
    "Audit and provide feedback",
    "Build a coalition",
    "Capture and share local knowledge",
    "Centralize technical assistance",
    "Change accreditation or membership requirements",
    "Change liability laws",
    "Change physical structure and equipment",
    "Change record systems",
    "Change service sites",
    "Conduct cyclical small tests of change",
    "Conduct educational meetings",
    "Conduct educational outreach visits",
    "Conduct local consensus discussions",
    "Conduct local needs assessment",
    "Conduct ongoing training",
    "Create a learning collaborative",
    "Create new clinical teams",
    "Create or change credentialing and/or licensure standards",
    "Develop a formal implementation blueprint",
    "Develop academic partnerships",
    "Develop an implementation glossary",
    "Develop and implement tools for quality monitoring",
    "Develop and organize quality monitoring systems",
    "Develop disincentives",
    "Develop educational materials",
    "Develop resource sharing agreements",
    "Distribute educational materials",
    "Facilitate relay of clinical data to providers",
    "Facilitation",
    "Fund and contract for the clinical innovation",
    "Identify and prepare champions",
    "Identify early adopters",
    "Increase demand",
    "Inform local opinion leaders",
    "Intervene with patients/consumers to enhance uptake and adherence",
    "Involve executive boards",
    "Involve patients/consumers and family members",
    "Make billing easier",
    "Make training dynamic",
    "Mandate change",
    "Model and simulate change",
    "Obtain and use patients/consumers and family feedback",
    "Obtain formal commitments",
    "Organize clinician implementation team meetings",
    "Place innovation on fee for service lists/formularies",
    "Prepare patients/consumers to be active participants",
    "Promote adaptability",
    "Promote network weaving",
    "Provide clinical supervision",
    "Provide local technical assistance",
    "Provide ongoing consultation",
    "Purposely reexamine the implementation",
    "Recruit, designate, and train for leadership",
    "Remind clinicians",
    "Revise professional roles",
    "Shadow other experts",
    "Stage implementation scale up",
    "Start a dissemination organization",
    "Tailor strategies",
    "Use advisory boards and workgroups",
    "Use an implementation advisor",
    "Use capitated payments",
    "Use data experts",
    "Use data warehousing techniques",
    "Use mass media",
    "Use other payment schemes",
    "Use train-the-trainer strategies",
    "Visit other sites",
    "Work with educational institutions",
)
#: The specification elements of Proctor, Powell & McMillen (2013), in their order.
PROCTOR = ("actor", "action", "target", "temporality", "dose", "outcome", "justification")

STRATEGY_COLUMNS = (
    Column("strategy_id", "text", required=True),
    Column("agency", "text"),
    Column("clinic", "text"),
    Column("date", "date", required=True),
    Column("end_date", "date"),
    Column("eric", "choice", required=True, choices=ERIC),
    Column("local_name", "text"),
    Column("phase", "choice", choices=PHASES, aliases=PHASE_ALIASES),
    *(Column(name, "text") for name in PROCTOR),
)


def read_strategies(path: str | Path, *, sheet: str | None = None, clinics: Sequence[str] = (),
                    agencies: Sequence[str] = (), agency_of: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Read and check a strategy log.

    Columns: ``strategy_id``, ``agency``, ``clinic`` (empty for an agency-wide strategy),
    ``date`` (started), optionally ``end_date``, ``eric`` (an ERIC strategy name, matched without
    regard to case), ``local_name``, ``phase`` (pre-implementation, implementation,
    sustainability) and the seven Proctor elements (:data:`PROCTOR`).

    Raises
    ------
    InputError
        Every bad cell: a name that is not an ERIC strategy (with the closest name), a bad
        date, an end before the start, an id used twice, an unknown clinic or agency.
    """
    def check(record: dict[str, Any], problem: Any) -> None:
        if record.get("end_date") and record["end_date"] < record["date"]:
            problem("end_date", f"ends ({record['end_date']}) before it starts ({record['date']})")

    return read_log(path, "strategy log", STRATEGY_COLUMNS, sheet=sheet, clinics=clinics, agencies=agencies,
                    agency_of=agency_of, check=check, unique="strategy_id").records


def strategy_table(log: "pd.DataFrame") -> "pd.DataFrame":
    """The strategy log with the Proctor elements each strategy leaves unspecified.

    Returns
    -------
    pandas.DataFrame
        strategy_id, agency, clinic, date, end_date, phase, eric, local_name, the seven
        :data:`PROCTOR` elements, unspecified (the empty elements, comma-separated).
    """
    columns = ["strategy_id", "agency", "clinic", "date", "end_date", "phase", "eric", "local_name", *PROCTOR]
    frame = log_table(log, columns, ["date", "strategy_id"])
    frame["unspecified"] = [", ".join(e for e in PROCTOR if not isinstance(row[e], str) or not row[e].strip())
                            for row in frame.to_dict("records")]
    return frame


__all__ = ["ERIC", "PROCTOR", "read_strategies", "strategy_table"]

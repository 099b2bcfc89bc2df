"""Adaptations: changes to MIO (FRAME) and to implementation strategies (FRAME-IS), per clinic.

One log holds both. A row with ``applies_to = intervention`` documents a modification of MIO
itself, with the elements of the Framework for Reporting Adaptations and Modifications-Expanded
(FRAME; Wiltsey Stirman, Baumann & Miller 2019); a row with ``applies_to = strategy`` documents a
modification of an implementation strategy (FRAME-IS; Miller et al. 2021) and names the
strategy it changes (``strategy_id``, which must be in the strategy log). The elements:

* **what** was modified: content, context, training, evaluation, or implementation activities;
* **nature** of the change (FRAME's content types: tailoring, adding, removing, shortening,
  lengthening, substituting, reordering, integrating, repeating, loosening structure,
  departing, drift);
* **who** decided (free text: a role, never a name);
* **when**: the date, and the phase (pre-implementation, implementation, sustainability);
* **planned**: planned/proactive, planned/reactive or unplanned/reactive;
* **fidelity**: whether the change keeps MIO's core elements (consistent, inconsistent, unknown);
* **reason** (free text), and optionally the **goal** and the **level** of delivery changed.

References
----------
Wiltsey Stirman, S., Baumann, A. A., & Miller, C. J. (2019). The FRAME: an expanded framework
for reporting adaptations and modifications to evidence-based interventions. *Implementation
Science*, 14, 58.

Miller, C. J., Barnett, M. L., Baumann, A. A., Gutner, C. A., & Wiltsey-Stirman, S. (2021). The
FRAME-IS: a framework for documenting modifications to implementation strategies in healthcare.
*Implementation Science*, 16, 36.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .logs import Column, log_table, read_log
from .sic import PHASE_ALIASES, PHASES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

APPLIES_TO = ("intervention", "strategy")
WHAT = ("content", "context", "training", "evaluation", "implementation activities")
NATURE = ("tailoring", "adding", "removing", "shortening", "lengthening", "substituting", "reordering",
          "integrating", "repeating", "loosening structure", "departing", "drift")
PLANNED = ("planned/proactive", "planned/reactive", "unplanned/reactive")
FIDELITY = ("consistent", "inconsistent", "unknown")

ADAPTATION_COLUMNS = (
    Column("adaptation_id", "text", required=True),
    Column("agency", "text"),
    Column("clinic", "text"),
    Column("date", "date", required=True),
    Column("phase", "choice", choices=PHASES, aliases=PHASE_ALIASES),
    Column("applies_to", "choice", required=True, choices=APPLIES_TO, aliases={"mio": "intervention"}),
    Column("strategy_id", "text"),
    Column("what", "choice", required=True, choices=WHAT, aliases={"contextual": "context"}),
    Column("nature", "choice", choices=NATURE),
    Column("who", "text", required=True),
    Column("planned", "choice", required=True, choices=PLANNED,
           aliases={"proactive": "planned/proactive", "reactive": "unplanned/reactive"}),
    Column("fidelity", "choice", required=True, choices=FIDELITY,
           aliases={"fidelity-consistent": "consistent", "fidelity-inconsistent": "inconsistent"}),
    Column("reason", "text", required=True),
    Column("goal", "text"),
    Column("level", "text"),
    Column("description", "text"),
)


def read_adaptations(path: str | Path, *, sheet: str | None = None, clinics: Sequence[str] = (),
                     agencies: Sequence[str] = (), agency_of: Mapping[str, str] | None = None,
                     strategies: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Read and check an adaptation log (see the module docstring for its columns).

    Parameters
    ----------
    strategies : sequence of str
        The strategy ids of the project's strategy log: a strategy adaptation must name one.

    Raises
    ------
    InputError
        Every bad cell: a value outside FRAME's categories, a strategy adaptation without a
        known strategy, an intervention adaptation naming one, an id used twice.
    """
    known = set(strategies)

    def check(record: dict[str, Any], problem: Any) -> None:
        strategy = record.get("strategy_id")
        if record["applies_to"] == "strategy":
            if not strategy:
                problem("strategy_id", "a strategy adaptation (FRAME-IS) names the strategy it changes")
            elif strategy not in known:
                problem("strategy_id", f"{strategy!r} is not in the project's strategy log"
                        + ("" if known else " (import the strategy log first)"))
        elif strategy:
            problem("strategy_id", "an intervention adaptation (FRAME) names no strategy; use applies_to = strategy")

    return read_log(path, "adaptation log", ADAPTATION_COLUMNS, sheet=sheet, clinics=clinics, agencies=agencies,
                    agency_of=agency_of, check=check, unique="adaptation_id").records


def adaptation_table(log: "pd.DataFrame") -> "pd.DataFrame":
    """The adaptation log in FRAME's order, sorted by date."""
    return log_table(log, [c.name for c in ADAPTATION_COLUMNS], ["date", "adaptation_id"])


__all__ = ["APPLIES_TO", "WHAT", "NATURE", "PLANNED", "FIDELITY", "read_adaptations", "adaptation_table"]

"""RE-AIM table and predictor matrix on hand-made inputs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mio_qual.implementation.reaim import predictor_matrix, reaim_table


def test_predictor_matrix_by_hand() -> None:
    # ranks of the predictor 4 3 2 1, of adoption 1 2 3 4: rho -1, no concordant pair of the six
    cases = pd.DataFrame({"pre_implementation_proportion": [0.9, 0.7, 0.5, 0.3], "adoption": [0.1, 0.2, 0.3, 0.4],
                          "facilitation_minutes": [100, 100, 50, 10], "reach": [0.5, 0.4, 0.3, 0.2]})
    matrix = predictor_matrix(cases).set_index(["predictor", "outcome"])
    row = matrix.loc[("pre-implementation completion (SIC proportion)", "adoption")]
    assert (row["spearman_rho"], row["concordant_pairs"], row["discordant_pairs"]) == (-1.0, 0, 6)
    # a tie in the predictor: the tied pair is neither concordant nor discordant; rho is Pearson's r of
    # the mid-ranks (3.5, 3.5, 2, 1) and (4, 3, 2, 1): 4.5 / sqrt(4.5 * 5) = sqrt(0.9) = 3 / sqrt(10)
    row = matrix.loc[("facilitation dose, all phases (minutes)", "reach")]
    assert (row["concordant_pairs"], row["discordant_pairs"], row["pairs"]) == (5, 0, 6)
    assert row["spearman_rho"] == pytest.approx(3 / math.sqrt(10))
    assert "descriptive" in row["reading"]


def test_reaim_names_what_the_data_cannot_fill() -> None:
    table = reaim_table({"north": "river"}).set_index("indicator")
    assert table.at["mothers enrolled / eligible", "note"] == "no data in the project"
    assert table.at["effect on mothers", "dimension"] == "Effectiveness"
    assert math.isnan(table.at["effect on mothers", "value"])
    strategies = pd.DataFrame({"agency": ["river", "river", "lake"], "clinic": [None, "north", None],
                               "eric": ["Facilitation"] * 3})
    table = reaim_table({"north": "river"}, strategies=strategies).set_index("indicator")
    assert table.at["strategies logged", "value"] == 2.0  # the clinic's and its agency's, not the other agency's


def test_adaptations_of_unknown_fidelity_are_not_counted_as_inconsistent() -> None:
    """eastgate's four adaptations: three consistent, one of unknown fidelity. The share was 3 / 4 = 0.75, reading as
    one adaptation against fidelity; it is 3 / 3 of those judged, and the unknown one is counted apart."""
    adaptations = pd.DataFrame({"agency": "river", "clinic": ["east"] * 4 + ["north"],
                                "fidelity": ["consistent", "consistent", "unknown", "consistent", "unknown"]})
    table = reaim_table({"east": "river", "north": "river"}, adaptations=adaptations).set_index(["clinic", "indicator"])
    east = table.loc[("east", "adaptations consistent with fidelity")]
    assert (east["value"], east["n"], east["base"]) == (1.0, 3, "adaptations whose fidelity was judged")
    assert east["note"] == "1 of 4 adaptations with fidelity unknown, not counted"
    assert (table.at[("east", "adaptations with fidelity unknown"), "value"],
            table.at[("east", "adaptations with fidelity unknown"), "n"]) == (1.0, 4)
    north = table.loc[("north", "adaptations consistent with fidelity")]
    assert math.isnan(north["value"]) and north["note"] == "not computable: the fidelity of its one adaptation is unknown"

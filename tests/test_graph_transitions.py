"""Transitions: rivals who became allies and allies who became rivals, with both claims."""

from __future__ import annotations

from alliancemap.graph.transitions import ALLIES_TO_RIVALS, transitions
from graphkit import claim, view


def test_competition_then_partnership_is_found_with_both_dates():
    claims = [
        claim("Rival", "Other", "competition", "2019-03", evidence="Rival competes with Other."),
        claim("Other", "Rival", "partnership", "2021-06-01", evidence="Other and Rival team up."),
        claim("Rival", "Other", "competition", "2022"),
    ]
    found = transitions(view(claims, keep_ended=True))
    assert len(found) == 1
    t = found[0]
    assert (t.a, t.b) == ("Other", "Rival")
    assert (t.before.type, t.before.date) == ("competition", "2019-03")
    assert (t.after.type, t.after.date) == ("partnership", "2021-06-01")
    assert t.before.evidence == "Rival competes with Other."
    assert t.after.evidence == "Other and Rival team up."
    assert t.gap_days == 823
    assert (t.n_before, t.n_after, t.first_before) == (2, 1, "2019-03")
    reverse = transitions(view(claims, keep_ended=True), kind=ALLIES_TO_RIVALS)
    assert [(r.before.date, r.after.date) for r in reverse] == [("2021-06-01", "2022")]


def test_same_period_is_not_a_transition():
    """ "2023" is not before "2023-06": no order can be told, so no turn is claimed."""
    claims = [claim("A", "B", "litigation", "2023"), claim("A", "B", "partnership", "2023-06")]
    assert transitions(view(claims)) == []


def test_settled_lawsuit_needs_keep_ended_and_undated_claims_use_publication():
    claims = [
        claim("Plaintiff", "Defendant", "litigation", "2017-02", ended=True, end_date="2018-02"),
        claim("Plaintiff", "Defendant", "partnership", None, published="2023"),
    ]
    assert transitions(view(claims)) == []  # the settled suit is gone from today's map
    found = transitions(view(claims, keep_ended=True))
    assert [(t.before.date, t.after.date) for t in found] == [("2017-02", "2023")]


def test_most_confident_evidence_is_cited_and_ranked_first():
    claims = [
        claim("A", "B", "competition", "2015", confidence=0.5),
        claim("A", "B", "competition", "2016", confidence=0.9),
        claim("A", "B", "partnership", "2018", confidence=0.9),
        claim("C", "D", "competition", "2015", confidence=0.6),
        claim("C", "D", "partnership", "2016", confidence=0.6),
    ]
    found = transitions(view(claims))
    assert [(t.a, t.b) for t in found] == [("A", "B"), ("C", "D")]
    assert found[0].before.date == "2016" and found[0].first_before == "2015"

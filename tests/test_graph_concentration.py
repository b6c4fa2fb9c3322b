"""Concentration: HHI, CR4 and top-5 reach on shares known by hand."""

from __future__ import annotations

import pytest

from alliancemap.graph.concentration import concentration, cr, hhi, measure, trend
from graphkit import claim, ties, view


def test_hhi_and_cr_of_known_shares():
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)
    assert hhi([50, 30, 20]) == pytest.approx(0.38)  # normalised first
    assert hhi([1] * 4) == pytest.approx(0.25)
    assert hhi([]) == 0.0
    assert cr([0.4, 0.3, 0.1, 0.1, 0.1], 4) == pytest.approx(0.9)
    assert cr([0.4, 0.3, 0.1, 0.1, 0.1], 1) == pytest.approx(0.4)


def test_tie_shares_by_hand():
    """A star of 3 ties around Hub plus one tie X-Y: 8 party slots, Hub holds 3."""
    v = view(ties([("Hub", "A"), ("Hub", "B"), ("Hub", "C"), ("X", "Y")]))
    c = measure(v.edges)
    assert c.n_ties == 4 and c.n_organizations == 6
    assert c.leaders[0] == ("Hub", pytest.approx(3 / 8))
    assert c.hhi == pytest.approx((3 / 8) ** 2 + 5 * (1 / 8) ** 2)
    assert c.cr4 == pytest.approx(6 / 8)
    assert c.top5_reach == 1.0  # every tie touches one of the five most tied
    assert c.equivalent_n == pytest.approx(1 / c.hhi)


def test_deal_values_credited_to_both_parties():
    claims = [
        claim("Big", "Small", "acquisition", value_usd=3e9),
        claim("Big", "Tiny", "acquisition", value_usd=1e9),
        claim("P", "Q", "partnership"),
    ]
    c = measure(view(claims).edges)
    assert c.n_valued == 2 and c.value_usd == pytest.approx(4e9)
    assert dict(c.value_leaders)["Big"] == pytest.approx(0.5)
    assert c.value_hhi == pytest.approx(0.5**2 + 0.375**2 + 0.125**2)


def test_per_year_new_and_stock_and_per_type():
    claims = [
        claim("A", "B", "partnership", "2019"),
        claim("A", "C", "investment", "2019-06"),
        claim("D", "E", "partnership", "2020"),
        claim("A", "B", "partnership", "2020"),  # a 2019 tie confirmed again: not new in 2020
        claim("A", "F", "competition", "2020"),  # adversarial: not an alliance
    ]
    v = view(claims)
    new = {r.period: r for r in concentration(v, by="year")}
    assert (new["2019"].n_ties, new["2020"].n_ties) == (2, 1)
    assert new["2019"].leaders[0] == ("A", pytest.approx(0.5))
    stock = {r.period: r for r in concentration(v, by="year", basis="stock")}
    assert (stock["2019"].n_ties, stock["2020"].n_ties) == (2, 3)
    by_type = {r.scope: r for r in concentration(v, by="type")}
    assert by_type["cooperative"].n_ties == 3
    assert by_type["partnership"].n_ties == 2 and by_type["investment"].n_ties == 1
    assert "membership" not in by_type  # no ties of that type: no row
    with pytest.raises(ValueError, match="unknown grouping"):
        concentration(v, by="month")


def test_trend_direction_and_extremes():
    claims = [claim("Hub", f"P{i}", "partnership", "2018") for i in range(4)]  # all Hub
    claims += [claim(f"A{i}", f"B{i}", "partnership", "2019") for i in range(4)]  # spread
    claims += [claim(f"C{i}", f"D{i}", "partnership", "2020") for i in range(8)]
    rows = concentration(view(claims), by="year")
    t = trend(rows, "hhi", name="HHI")
    assert t.direction == "falling" and (t.first_year, t.last_year) == (2018, 2020)
    assert t.high_year == 2018 and t.low_year == 2020
    assert "HHI falling" in t.describe(10000, 0)
    assert trend(rows[:1]) is None

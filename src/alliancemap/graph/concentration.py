"""Concentration: how much of the alliance-making a few organizations hold.

An organization's share of cooperative ties is the number of ties it is a party to over
twice the number of ties (every tie has two parties, so the shares sum to one). A tie is
one edge of the view: one (organization, organization, relation type). The same is done
with disclosed deal values, each deal's value credited to both parties. From the shares:

- HHI, the Herfindahl-Hirschman index, sum of squared shares (0..1; antitrust writes it
  times 10,000), and its equivalent number of equal organizations, 1 / HHI;
- CR4, the four largest shares summed;
- top-5 reach, the share of ties with at least one party among the five most tied.

Per year, `basis="new"` counts the ties formed that year (by their first dated claim);
`basis="stock"` counts every tie standing at the end of the year (the view re-cut as of it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from alliancemap.graph.table import COOPERATIVE_CODES, TYPES, edge_table, keys_at
from alliancemap.graph.view import GraphView, ViewEdge, active_years
from alliancemap.model import Polarity

TOP_REACH = 5


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman index of shares (normalised to sum to one first); 0 for none."""
    values = [float(s) for s in shares if s > 0]
    total = sum(values)
    return sum((v / total) ** 2 for v in values) if total else 0.0


def cr(shares: Iterable[float], k: int = 4) -> float:
    """Concentration ratio: the `k` largest shares (normalised) summed."""
    values = sorted((float(s) for s in shares if s > 0), reverse=True)
    total = sum(values)
    return sum(values[:k]) / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Concentration:
    """Concentration of one group of ties (a period and a scope)."""

    period: str  # "all" or a year
    scope: str  # "cooperative" or a relation type
    n_ties: int
    n_organizations: int
    hhi: float
    equivalent_n: float
    cr4: float
    top5_reach: float
    leaders: list[tuple[str, float]]  # the five largest shares
    n_valued: int  # ties with a disclosed deal value
    value_usd: float
    value_hhi: float | None
    value_cr4: float | None
    value_leaders: list[tuple[str, float]]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["leaders"] = [{"organization": n, "share": s} for n, s in self.leaders]
        data["value_leaders"] = [{"organization": n, "share": s} for n, s in self.value_leaders]
        return data


def _ranked(names: list[str], weights: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The `k` largest weights as (name, share of the total); ties by name (index order)."""
    total = float(weights.sum())
    if not total:
        return []
    nonzero = np.nonzero(weights)[0]
    order = nonzero[np.lexsort((nonzero, -weights[nonzero]))][:k]
    return [(names[i], float(weights[i]) / total) for i in order]


def measure_arrays(
    names: list[str],
    a: np.ndarray,
    b: np.ndarray,
    value: np.ndarray,
    period: str = "all",
    scope: str = "cooperative",
) -> Concentration:
    """Concentration of ties given as endpoint indices into `names` (and deal values, NaN
    where undisclosed)."""
    n = len(names)
    counts = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    shares = counts[counts > 0] / counts.sum() if len(a) else np.zeros(0)
    h = float((shares**2).sum())
    leaders = _ranked(names, counts, TOP_REACH)
    top = np.array([i for i in np.argsort(-counts, kind="stable")[:TOP_REACH] if counts[i]])
    reach = float((np.isin(a, top) | np.isin(b, top)).mean()) if len(a) and len(top) else 0.0
    valued = ~np.isnan(value)
    v = np.where(valued, value, 0.0)
    by_value = np.bincount(a, weights=v, minlength=n) + np.bincount(b, weights=v, minlength=n)
    any_value = bool(valued.any())
    return Concentration(
        period=period,
        scope=scope,
        n_ties=int(len(a)),
        n_organizations=int((counts > 0).sum()),
        hhi=h,
        equivalent_n=1.0 / h if h else 0.0,
        cr4=cr(counts.tolist()),
        top5_reach=reach,
        leaders=leaders,
        n_valued=int(valued.sum()),
        value_usd=float(v.sum()),
        value_hhi=hhi(by_value.tolist()) if any_value else None,
        value_cr4=cr(by_value.tolist()) if any_value else None,
        value_leaders=_ranked(names, by_value, 5),
    )


def measure(edges: Sequence[ViewEdge], period: str = "all", scope: str = "cooperative"):
    """Concentration figures of a list of ties."""
    names = sorted({n for e in edges for n in (e.source, e.target)})
    index = {name: i for i, name in enumerate(names)}
    a = np.array([index[e.source] for e in edges], dtype=np.int64)
    b = np.array([index[e.target] for e in edges], dtype=np.int64)
    value = np.array([e.value_usd or np.nan for e in edges], dtype=float)
    return measure_arrays(names, a, b, value, period, scope)


def _groups(rtype: np.ndarray, by_type: bool) -> list[tuple[str, np.ndarray]]:
    """(scope, rows) pairs: all cooperative ties, and each cooperative type if asked."""
    coop = COOPERATIVE_CODES[rtype]
    out = [("cooperative", coop)]
    if by_type:
        for code, t in enumerate(TYPES):
            if t.polarity == Polarity.COOPERATIVE:
                out.append((t.value, rtype == code))
    return out


def concentration(
    view: GraphView,
    by: str | None = None,
    basis: str = "new",
    years: Sequence[int] | None = None,
    min_ties: int = 1,
) -> list[Concentration]:
    """Concentration of cooperative ties: overall (`by=None`), per year (`"year"`), per
    relation type (`"type"`) or both (`"year-type"`). Years default to `active_years`
    (those from the first to the last with `min_ties` new ties); groups with fewer than
    `min_ties` ties are left out."""
    if by not in (None, "year", "type", "year-type"):
        raise ValueError(f"unknown grouping {by!r} (use year, type or year-type)")
    if basis not in ("new", "stock"):
        raise ValueError(f"unknown basis {basis!r} (use new or stock)")
    by_type = by in ("type", "year-type")
    t = edge_table(view)
    # each group: (period, names, src, dst, type codes, values)
    groups: list[tuple[str, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    if by in (None, "type"):
        groups.append(("all", t.names, t.src, t.dst, t.rtype, t.value))
    else:
        for y in years if years is not None else active_years(view, min_ties):
            if basis == "stock" and view.params.since is None:
                cut = keys_at(view, y)
                c = cut.table
                k = cut.keys
                groups.append(
                    (str(y), c.names, c.key_src[k], c.key_dst[k], c.key_type[k], cut.value)
                )
            elif basis == "stock":
                s = edge_table(view.at(as_of=str(y), since=view.params.since))
                groups.append((str(y), s.names, s.src, s.dst, s.rtype, s.value))
            else:
                rows = t.first_year == y
                groups.append(
                    (str(y), t.names, t.src[rows], t.dst[rows], t.rtype[rows], t.value[rows])
                )
    out = []
    for period, names, a, b, rtype, value in groups:
        for scope, rows in _groups(rtype, by_type):
            if int(rows.sum()) >= min_ties:
                out.append(measure_arrays(names, a[rows], b[rows], value[rows], period, scope))
    return out


@dataclass(frozen=True, slots=True)
class Trend:
    """Direction of a concentration figure over the years: least-squares slope per year."""

    field: str
    first_year: int
    last_year: int
    first: float
    last: float
    slope_per_year: float
    direction: str  # rising, falling or flat

    low: float = 0.0
    low_year: int = 0
    high: float = 0.0
    high_year: int = 0

    def describe(self, scale: float = 1.0, digits: int = 4, unit: str = "") -> str:
        """One line: direction and slope, first and last values, and the extremes."""

        def f(x: float) -> str:
            return f"{x * scale:.{digits}f}{unit}"

        text = (
            f"{self.field} {self.direction} over {self.first_year}-{self.last_year} "
            f"(least-squares slope {self.slope_per_year * scale:+.{digits}f}{unit} a year): "
            f"{f(self.first)} in {self.first_year}, high {f(self.high)} in {self.high_year}, "
            f"low {f(self.low)} in {self.low_year}, {f(self.last)} in {self.last_year}"
        )
        if self.low_year < self.last_year and self.last > 1.2 * self.low:
            text += f" (up {self.last / self.low - 1:.0%} from the low)" if self.low else ""
        elif self.high_year < self.last_year and self.last < 0.8 * self.high:
            text += f" (down {1 - self.last / self.high:.0%} from the high)"
        return text


def trend(
    rows: Sequence[Concentration], field: str = "hhi", flat: float = 0.01, name: str | None = None
) -> Trend | None:
    """The least-squares trend of one figure over yearly rows of the same scope ("flat" when
    the slope is under `flat` of the mean a year); `name` labels it (default: the field)."""
    points = sorted((int(r.period), float(getattr(r, field))) for r in rows if r.period.isdigit())
    if len(points) < 2:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0
    direction = (
        "flat"
        if abs(slope) < flat * max(abs(my), 1e-12)
        else ("rising" if slope > 0 else "falling")
    )
    low = min(points, key=lambda p: (p[1], p[0]))
    high = max(points, key=lambda p: (p[1], -p[0]))
    return Trend(
        name or field,
        xs[0],
        xs[-1],
        ys[0],
        ys[-1],
        slope,
        direction,
        low[1],
        low[0],
        high[1],
        high[0],
    )

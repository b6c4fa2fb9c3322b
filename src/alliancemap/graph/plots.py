"""The report's figures: matplotlib drawn to inline SVG, each mark linked to its evidence.

Figures are plain `Figure` objects (no pyplot, no global backend switch) saved as SVG
(text as paths, so no fonts are needed), with a
salt per figure so element ids never clash between figures of one page; the XML prologue
and metadata are dropped so the SVG can sit inside HTML. Labels come from the news, so `$`
is escaped (matplotlib would read "$...$" as mathematics).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PALETTE = ("#1f5f99", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#5b6573", "#c4a35a")
_PROLOGUE = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def label(text: str, limit: int = 28) -> str:
    """A name safe for matplotlib (no mathtext) and short enough for an axis."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline <svg> element (no prologue, no metadata)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"alliancemap-{salt}", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = _METADATA.sub("", _PROLOGUE.sub("", buf.getvalue()))
    return svg.strip()


def _style(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e3e6ea", linewidth=0.8)
    ax.set_axisbelow(True)


def concentration_figure(
    years: Sequence[int],
    hhi_new: Sequence[float],
    hhi_stock: Sequence[float],
    cr4: Sequence[float],
    reach: Sequence[float],
    urls: Sequence[str],
) -> str:
    """HHI (points, new ties and standing ties) and CR4 / top-5 reach (%) per year."""
    fig = Figure(figsize=(10, 3.6))
    left, right = fig.subplots(1, 2)
    for ax in (left, right):
        _style(ax)
    left.plot(years, [h * 10000 for h in hhi_new], color=PALETTE[0], marker="o", label="new ties")
    left.plot(years, [h * 10000 for h in hhi_stock], color=PALETTE[6], ls="--", label="all ties")
    points = left.scatter(years, [h * 10000 for h in hhi_new], s=30, color=PALETTE[0], zorder=3)
    points.set_urls(list(urls))
    left.set_title("HHI of cooperative ties (points of 10,000)", fontsize=10)
    left.legend(frameon=False, fontsize=8)
    right.plot(years, [c * 100 for c in cr4], color=PALETTE[1], marker="o", label="CR4")
    right.plot(years, [r * 100 for r in reach], color=PALETTE[3], marker="s", label="top-5 reach")
    right.set_title("Share of new ties (%)", fontsize=10)
    right.legend(frameon=False, fontsize=8)
    for ax in (left, right):
        ax.set_xticks(list(years))
        ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    return to_svg(fig, "concentration")


def lines_figure(
    years: Sequence[int],
    series: dict[str, Sequence[float | None]],
    urls: dict[str, str],
    title: str,
    ylabel: str,
    salt: str,
) -> str:
    """One line per named series over the years, each line linked to its evidence."""
    fig = Figure(figsize=(10, 3.8))
    ax = fig.subplots()
    _style(ax)
    for i, (name, values) in enumerate(series.items()):
        pts = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        if not pts:
            continue
        (line,) = ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            marker="o",
            ms=3,
            color=PALETTE[i % len(PALETTE)],
            label=label(name),
        )
        line.set_url(urls.get(name))
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.set_xticks(list(years))
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8, ncol=2)
    return to_svg(fig, salt)


def stacked_figure(
    years: Sequence[int],
    stacks: dict[str, Sequence[int]],
    urls: dict[str, str],
    title: str,
    salt: str,
) -> str:
    """Stacked bars per year (bloc sizes), each segment linked to its evidence."""
    fig = Figure(figsize=(10, 4))
    ax = fig.subplots()
    _style(ax)
    bottom = [0] * len(years)
    for i, (name, values) in enumerate(stacks.items()):
        color = PALETTE[i % len(PALETTE)] if name != "other blocs" else "#c9ced6"
        bars = ax.bar(years, values, bottom=bottom, color=color, label=label(name), width=0.8)
        for bar in bars:
            bar.set_url(urls.get(name))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("organizations", fontsize=9)
    ax.set_xticks(list(years))
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8, ncol=2, loc="upper left")
    return to_svg(fig, salt)


def bars_figure(
    names: Sequence[str], values: Sequence[float], urls: Sequence[str], title: str, salt: str
) -> str:
    """Horizontal bars (largest on top), values in percent, each bar linked to its evidence."""
    fig = Figure(figsize=(10, 0.42 * max(len(names), 3) + 1))
    ax = fig.subplots()
    _style(ax)
    ax.grid(axis="x", color="#e3e6ea", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    ys = list(range(len(names)))[::-1]
    bars = ax.barh(ys, [v * 100 for v in values], color=PALETTE[0])
    for bar, url in zip(bars, urls, strict=True):
        bar.set_url(url)
    ax.set_yticks(ys, [label(n, 40) for n in names], fontsize=8)
    for y, v in zip(ys, values, strict=True):
        ax.text(v * 100, y, f" {v * 100:.1f}%", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("% of the stack's weight", fontsize=9)
    return to_svg(fig, salt)

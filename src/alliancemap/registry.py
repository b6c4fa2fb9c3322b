"""Plug-in registry for extractors and exporters.

Built-in components register exactly as a third party would: either by calling
`register_extractor` / `register_exporter` at import time, or through the
`alliancemap.extractors` / `alliancemap.exporters` entry-point groups.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

_REGISTRIES: dict[str, dict[str, Callable[..., Any]]] = {"extractors": {}, "exporters": {}}
_LOADED: set[str] = set()


def _register(group: str, name: str, factory: Callable[..., Any]) -> None:
    _REGISTRIES[group][name] = factory


def register_extractor(name: str, factory: Callable[..., Any]) -> None:
    """Register a factory returning an object with `.name` and `.extract(document)`."""
    _register("extractors", name, factory)


def register_exporter(name: str, factory: Callable[..., Any]) -> None:
    """Register a function `export(graph_data, path)` under a format name."""
    _register("exporters", name, factory)


def _load(group: str) -> None:
    if group in _LOADED:
        return
    _LOADED.add(group)
    for ep in entry_points(group=f"alliancemap.{group}"):
        if ep.name in _REGISTRIES[group]:
            continue
        try:
            obj = ep.load()
        except Exception:  # a broken third-party plug-in must not break the tool
            continue
        _REGISTRIES[group].setdefault(ep.name, obj)
    # Built-ins, for running from a source tree without installed entry points.
    for module in _BUILTINS[group]:
        import_module(module)


_BUILTINS = {
    "extractors": [
        "alliancemap.extract.rules",
        "alliancemap.extract.parsed",
        "alliancemap.extract.learned.extractor",
        "alliancemap.extract.llm.extractor",
    ],
    "exporters": ["alliancemap.export"],
}


def names(group: str) -> list[str]:
    _load(group)
    return sorted(_REGISTRIES[group])


def get(group: str, name: str) -> Callable[..., Any]:
    _load(group)
    try:
        return _REGISTRIES[group][name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRIES[group])) or "none"
        raise KeyError(f"no {group[:-1]} named {name!r} (known: {known})") from None


# The extractor every command uses unless told otherwise.
DEFAULT_EXTRACTOR = "learned"


def extractor(name: str = DEFAULT_EXTRACTOR, **options: Any) -> Any:
    """Instantiate a registered extractor by name."""
    return get("extractors", name)(**options)

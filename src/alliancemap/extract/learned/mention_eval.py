"""Organization-mention precision and recall, split by whether the KB knows the name.

A gold organization is found when a predicted entity carries its name or one of its
aliases (after `normalize_name`); a predicted entity is right when it names some gold
entity of the passage (any type). The split shows what the tagger adds beyond the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.normalize import normalize_name


def _forms(entity: dict) -> set[str]:
    names = [entity.get("name"), *(entity.get("aliases") or [])]
    return {normalize_name(str(n)) for n in names if n}


def _predicted_forms(entity: dict) -> set[str]:
    names = [entity.get("name"), entity.get("canonical"), *(entity.get("aliases") or [])]
    return {normalize_name(str(n)) for n in names if n}


def mention_figures(
    gold: Sequence[dict], preds: Sequence[dict], kb: KnowledgeBase | None = None
) -> dict[str, Any]:
    """Recall of gold organizations (in the KB / not), precision of predicted entities."""
    kb = kb or default_kb()
    known = {normalize_name(n) for n in kb.organizations}
    for org in kb.organizations.values():
        known.update(normalize_name(a) for a in getattr(org, "aliases", ()) or ())
    by_id = {str(p["id"]): p for p in preds}
    found = {"kb": [0, 0], "new": [0, 0]}
    right = total = 0
    for rec in gold:
        pred = by_id.get(str(rec["id"]), {})
        pred_forms = [_predicted_forms(e) for e in pred.get("entities", [])]
        flat = set().union(*pred_forms) if pred_forms else set()
        gold_forms = [_forms(e) for e in rec.get("entities", [])]
        every_gold = set().union(*gold_forms) if gold_forms else set()
        for ent, forms in zip(rec.get("entities", []), gold_forms, strict=True):
            if str(ent.get("type", "organization")) != "organization":
                continue
            group = "kb" if forms & known else "new"
            found[group][1] += 1
            found[group][0] += bool(forms & flat)
        for forms in pred_forms:
            total += 1
            right += bool(forms & every_gold)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "recall_in_kb": ratio(*found["kb"]),
        "recall_not_in_kb": ratio(*found["new"]),
        "gold_in_kb": found["kb"][1],
        "gold_not_in_kb": found["new"][1],
        "precision": ratio(right, total),
        "predicted": total,
    }

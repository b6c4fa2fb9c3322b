"""Score predicted relations against gold records, exactly as `extraction-spec.md` says.

Names are compared after `normalize_name`, any alias of the gold entity is accepted, a match
needs both endpoints and the same type (order-free for symmetric types), and duplicates within a
document count once. Precision, recall and F1 are micro-averaged; dates are scored separately
at gold's precision. Every false positive and false negative is kept with a cheap diagnosis.

Choices the spec leaves open, made here:

- A matched relation whose gold date is null counts as date-correct iff the predicted date is
  null too; when several predictions match one gold relation, the first one's date is scored.
- Documents in the predictions but not in gold are ignored; gold documents missing from the
  predictions count all their relations as false negatives.
- Error causes pair each error with the other side's errors only: a false positive is "wrong
  direction" or "wrong type" when the matching gold relation was missed, a false negative when
  the matching prediction is itself wrong; a correct match explains nothing.
- The entity figure is the recall of gold `organization` entities among the predicted entity
  names and relation endpoints (any predicted type, aliases accepted).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from alliancemap.errors import AllianceMapError, InputError
from alliancemap.model import RelationType
from alliancemap.normalize import normalize_name

SYMMETRIC_TYPES = frozenset(t.value for t in RelationType if t.symmetric)
TYPE_ORDER = tuple(t.value for t in RelationType)

CAUSES = (
    "wrong direction",
    "wrong type",
    "endpoint resolved wrongly",
    "missed entity",
    "hedge not caught",
    "relation across sentences",
    "other",
)

_HEDGE_RE = re.compile(
    r"\b(?i:talks|reportedly|could|plans|considering|rumou?r\w*|denied|would|potential|expected)\b"
    r"|\bmay\b"  # lowercase only: "in May" is a month, not a hedge
)
_SENTENCE_BREAK_RE = re.compile(r"(\w*)[.!?][\"'\u201d\u2019)]*\s+[\"'\u201c\u2018(]?[A-Z0-9]")
_ABBREVIATIONS = frozenset(
    {"inc", "corp", "ltd", "co", "mr", "ms", "mrs", "dr", "st", "vs", "jr", "sr", "no", "u", "s"}
)
_GENERIC_WORDS = frozenset(
    {"ai", "the", "of", "and", "&", "inc", "group", "labs", "lab", "technologies", "company"}
)


@dataclass(slots=True)
class TypeScore:
    """Counts for one relation type (or for all of them): true/false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(slots=True)
class ErrorItem:
    """One false positive ("fp") or false negative ("fn") with its evidence and likely cause."""

    kind: str
    doc_id: str
    subject: str
    type: str
    object: str
    evidence: str | None
    date: str | None
    cause: str


@dataclass(slots=True)
class EvalReport:
    """Everything `evaluate` measures; `summary_lines()` are the three stable closing lines."""

    total: TypeScore
    per_type: dict[str, TypeScore]
    date_correct: int
    date_total: int
    entities_found: int
    entities_total: int
    documents: int
    documents_missing: int
    false_positives: list[ErrorItem] = field(default_factory=list)
    false_negatives: list[ErrorItem] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.total.precision

    @property
    def recall(self) -> float:
        return self.total.recall

    @property
    def f1(self) -> float:
        return self.total.f1

    @property
    def n_gold(self) -> int:
        return self.total.tp + self.total.fn

    @property
    def n_pred(self) -> int:
        return self.total.tp + self.total.fp

    @property
    def n_matched(self) -> int:
        return self.total.tp

    @property
    def date_accuracy(self) -> float:
        return self.date_correct / self.date_total if self.date_total else 0.0

    @property
    def entity_recall(self) -> float:
        return self.entities_found / self.entities_total if self.entities_total else 0.0

    def errors_by_cause(self) -> dict[str, list[ErrorItem]]:
        """All errors grouped by diagnosed cause, in the fixed order of `CAUSES`."""
        groups: dict[str, list[ErrorItem]] = {c: [] for c in CAUSES}
        for item in self.false_positives + self.false_negatives:
            groups[item.cause].append(item)
        return {c: items for c, items in groups.items() if items}

    def summary_lines(self) -> list[str]:
        """The three plain closing lines that scripts and hooks read."""
        return [
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  f1 {self.f1:.3f}",
            f"date accuracy {self.date_accuracy:.2f} ({self.date_correct}/{self.date_total})",
            f"relations gold {self.n_gold} predicted {self.n_pred} matched {self.n_matched}",
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.total.to_dict(),
            "gold": self.n_gold,
            "predicted": self.n_pred,
            "matched": self.n_matched,
            "date_accuracy": round(self.date_accuracy, 4),
            "date_correct": self.date_correct,
            "date_total": self.date_total,
            "entity_recall": round(self.entity_recall, 4),
            "entities_found": self.entities_found,
            "entities_total": self.entities_total,
            "documents": self.documents,
            "documents_missing": self.documents_missing,
            "per_type": {t: s.to_dict() for t, s in self.per_type.items()},
            "false_positives": [asdict(e) for e in self.false_positives],
            "false_negatives": [asdict(e) for e in self.false_negatives],
        }


def claim_outcomes(pred: list[dict], report: EvalReport) -> list[tuple[float, bool]]:
    """(confidence, right) of every unique predicted relation that `report` scored, in order:
    the material of a calibration table."""
    wrong = {(e.doc_id, e.subject, e.type, e.object) for e in report.false_positives}
    seen: set[tuple] = set()
    out = []
    for rec in pred:
        for rel in rec.get("relations", []):
            key = (rec["id"], rel["subject"], rel["type"], rel["object"])
            if key in seen:
                continue
            seen.add(key)
            out.append((float(rel["confidence"]), key not in wrong))
    return out


def load_records(path: str | Path) -> list[dict]:
    """Read gold or predicted records (JSON lines, optionally gzipped); bad lines raise InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "not a file")
    opener = gzip.open if path.suffix == ".gz" else open
    records: list[dict] = []
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                records.append(_parse_record(path, lineno, line))
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise InputError(path, f"cannot decompress: {err or 'truncated file'}") from None
    return records


def _parse_record(path: Path, lineno: int, line: str) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(path, f"malformed JSON: {err.msg} (column {err.colno})", lineno) from None
    if not isinstance(rec, dict):
        raise InputError(path, "record is not a JSON object", lineno)
    if not isinstance(rec.get("id"), str | int) or isinstance(rec.get("id"), bool):
        raise InputError(path, "record has no 'id'", lineno)
    for key in ("entities", "relations"):
        items = rec.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError(path, f"'{key}' must be a list of objects", lineno)
    for rel in rec.get("relations", []):
        if not all(isinstance(rel.get(k), str) for k in ("subject", "object", "type")):
            raise InputError(path, "relation needs string 'subject', 'object' and 'type'", lineno)
    for ent in rec.get("entities", []):
        if not isinstance(ent.get("name"), str):
            raise InputError(path, "entity needs a string 'name'", lineno)
    return rec


def evaluate(gold: list[dict], pred: list[dict]) -> EvalReport:
    """Score predictions against gold records (micro P/R/F1, per type, dates, entities, errors)."""
    gold_by_id = _by_id(gold, "gold")
    pred_by_id = _by_id(pred, "predictions")
    report = EvalReport(
        total=TypeScore(),
        per_type={t: TypeScore() for t in TYPE_ORDER},
        date_correct=0,
        date_total=0,
        entities_found=0,
        entities_total=0,
        documents=len(gold_by_id),
        documents_missing=sum(1 for doc_id in gold_by_id if doc_id not in pred_by_id),
    )
    for doc_id, gold_rec in gold_by_id.items():
        _score_document(doc_id, gold_rec, pred_by_id.get(doc_id), report)
    for score in report.per_type.values():
        report.total.tp += score.tp
        report.total.fp += score.fp
        report.total.fn += score.fn
    return report


def _by_id(records: Iterable[dict], what: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for rec in records:
        doc_id = str(rec.get("id"))
        if doc_id in out:
            raise AllianceMapError(f"duplicate document id {doc_id!r} in {what}")
        out[doc_id] = rec
    return out


class _GoldEntities:
    """The gold entities of one document with every normalised form (name and aliases)."""

    def __init__(self, entities: list[dict]) -> None:
        self.names: list[str] = []
        self.forms: list[set[str]] = []
        self.types: list[str] = []
        self._by_name: dict[str, int] = {}
        for ent in entities:
            self._add(ent["name"], ent.get("aliases") or (), ent.get("type", "organization"))

    def _add(self, name: str, aliases: Iterable[str], etype: str) -> int:
        idx = len(self.names)
        self.names.append(name)
        self.forms.append({normalize_name(name)} | {normalize_name(a) for a in aliases})
        self.types.append(etype)
        self._by_name.setdefault(name, idx)
        return idx

    def of_gold_name(self, name: str) -> int:
        """Index of the entity a gold relation endpoint names (added if the record lacks it)."""
        if name in self._by_name:
            return self._by_name[name]
        found = self.candidates(name)
        return found[0] if found else self._add(name, (), "organization")

    def candidates(self, name: str) -> list[int]:
        """Entities a predicted name may stand for: exact-name matches first, organizations first."""
        key = normalize_name(name)
        hits = [i for i, forms in enumerate(self.forms) if key in forms]
        return sorted(
            hits,
            key=lambda i: (normalize_name(self.names[i]) != key, self.types[i] != "organization"),
        )

    def words(self, idx: int) -> set[str]:
        return {w for form in self.forms[idx] for w in form.split()} - _GENERIC_WORDS


@dataclass(slots=True)
class _Pred:
    subject: str
    object: str
    type: str
    date: str | None
    evidence: str | None
    subj_ids: list[int]
    obj_ids: list[int]


def _key(a: Any, b: Any, rtype: str) -> tuple:
    if rtype in SYMMETRIC_TYPES and str(b) < str(a):
        a, b = b, a
    return (a, b, rtype)


def _rtype(value: Any) -> str:
    return str(value).strip().lower()


def _score_document(doc_id: str, gold_rec: dict, pred_rec: dict | None, report: EvalReport) -> None:
    ents = _GoldEntities(gold_rec.get("entities") or [])
    gold_rels: dict[tuple, dict] = {}
    for rel in gold_rec.get("relations") or []:
        rtype = _rtype(rel["type"])
        key = _key(ents.of_gold_name(rel["subject"]), ents.of_gold_name(rel["object"]), rtype)
        gold_rels.setdefault(key, rel)

    pred_rec = pred_rec or {}
    preds = [
        _Pred(
            subject=str(rel["subject"]),
            object=str(rel["object"]),
            type=_rtype(rel["type"]),
            date=rel.get("date"),
            evidence=rel.get("evidence"),
            subj_ids=ents.candidates(str(rel["subject"])),
            obj_ids=ents.candidates(str(rel["object"])),
        )
        for rel in pred_rec.get("relations") or []
    ]

    matched: dict[tuple, _Pred] = {}
    unmatched: dict[tuple, _Pred] = {}
    for p in preds:
        options = [
            k for k in (_key(s, o, p.type) for s in p.subj_ids for o in p.obj_ids) if k in gold_rels
        ]
        fresh = [k for k in options if k not in matched]
        if options:
            matched.setdefault((fresh or options)[0], p)
        else:
            ident = _key(_ident(p.subj_ids, p.subject), _ident(p.obj_ids, p.object), p.type)
            unmatched.setdefault(ident, p)

    pred_forms = {normalize_name(str(e.get("name", ""))) for e in pred_rec.get("entities") or []}
    pred_forms |= {normalize_name(n) for p in preds for n in (p.subject, p.object)}

    # Causes pair each error with the other side's errors: a false positive is explained by a
    # missed gold relation, a false negative by a wrong prediction, never by a correct match.
    missed = [k for k in gold_rels if k not in matched]
    wrong = list(unmatched.values())
    for key, g in gold_rels.items():
        score = report.per_type.setdefault(key[2], TypeScore())
        if key in matched:
            score.tp += 1
            report.date_total += 1
            report.date_correct += date_agrees(g.get("date"), matched[key].date)
        else:
            score.fn += 1
            cause = _fn_cause(key, g, wrong, ents, pred_forms)
            report.false_negatives.append(
                ErrorItem(
                    "fn",
                    doc_id,
                    g["subject"],
                    key[2],
                    g["object"],
                    g.get("evidence"),
                    g.get("date"),
                    cause,
                )
            )
    for p in unmatched.values():
        report.per_type.setdefault(p.type, TypeScore()).fp += 1
        report.false_positives.append(
            ErrorItem(
                "fp",
                doc_id,
                p.subject,
                p.type,
                p.object,
                p.evidence,
                p.date,
                _fp_cause(p, missed, ents),
            )
        )

    for idx, etype in enumerate(ents.types):
        if etype == "organization" and idx < len(gold_rec.get("entities") or []):
            report.entities_total += 1
            report.entities_found += bool(ents.forms[idx] & pred_forms)


def _ident(ids: list[int], name: str) -> str:
    return f"g{ids[0]}" if ids else f"n:{normalize_name(name)}"


def date_agrees(gold: str | None, pred: str | None) -> bool:
    """True when the predicted date equals gold at gold's precision ("2023" accepts "2023-05")."""
    if gold is None or pred is None:
        return gold is None and pred is None
    gold, pred = str(gold).strip(), str(pred).strip()
    return len(pred) >= len(gold) and pred[: len(gold)] == gold


def _fp_cause(p: _Pred, gold_rels: list[tuple], ents: _GoldEntities) -> str:
    s_ids, o_ids = set(p.subj_ids), set(p.obj_ids)
    if p.type not in SYMMETRIC_TYPES and any(
        t == p.type and a in o_ids and b in s_ids for a, b, t in gold_rels
    ):
        return "wrong direction"
    if any(
        t != p.type and ((a in s_ids and b in o_ids) or (a in o_ids and b in s_ids))
        for a, b, t in gold_rels
    ):
        return "wrong type"
    for a, b, t in gold_rels:
        if t != p.type:
            continue
        pairs = [(a, b), (b, a)] if t in SYMMETRIC_TYPES else [(a, b)]
        for ga, gb in pairs:
            if (ga in s_ids and _shares_word(p.object, ents.words(gb))) or (
                gb in o_ids and _shares_word(p.subject, ents.words(ga))
            ):
                return "endpoint resolved wrongly"
    if p.evidence and _HEDGE_RE.search(p.evidence):
        return "hedge not caught"
    return "other"


def _fn_cause(
    key: tuple, g: dict, preds: list[_Pred], ents: _GoldEntities, pred_forms: set[str]
) -> str:
    a, b, rtype = key
    if rtype not in SYMMETRIC_TYPES and any(
        p.type == rtype and b in p.subj_ids and a in p.obj_ids for p in preds
    ):
        return "wrong direction"
    if any(
        p.type != rtype
        and ((a in p.subj_ids and b in p.obj_ids) or (b in p.subj_ids and a in p.obj_ids))
        for p in preds
    ):
        return "wrong type"
    for p in preds:
        if p.type != rtype:
            continue
        pairs = [(a, b), (b, a)] if rtype in SYMMETRIC_TYPES else [(a, b)]
        for ga, gb in pairs:
            if (ga in p.subj_ids and _shares_word(p.object, ents.words(gb))) or (
                gb in p.obj_ids and _shares_word(p.subject, ents.words(ga))
            ):
                return "endpoint resolved wrongly"
    if not (ents.forms[a] & pred_forms) or not (ents.forms[b] & pred_forms):
        return "missed entity"
    if spans_sentences(g.get("evidence") or ""):
        return "relation across sentences"
    return "other"


def _shares_word(name: str, words: set[str]) -> bool:
    return bool((set(normalize_name(name).split()) - _GENERIC_WORDS) & words)


def spans_sentences(text: str) -> bool:
    """True when `text` holds a sentence break (a line break, or '. ' before a capital)."""
    text = text.strip()
    if "\n" in text:
        return True
    for m in _SENTENCE_BREAK_RE.finditer(text):
        word = m.group(1)
        if word.lower() not in _ABBREVIATIONS and not (len(word) == 1 and word.isupper()):
            return True
    return False

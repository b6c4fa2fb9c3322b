"""Scoring under the extraction spec: names, aliases, symmetry, duplicates, dates, error causes."""

import json
import re

import pytest

from alliancemap.errors import InputError
from alliancemap.evaluate import date_agrees, evaluate, load_records, spans_sentences


def ent(name, *aliases, type="organization"):
    return {"name": name, "type": type, "aliases": list(aliases)}


def rel(subject, rtype, obj, date=None, evidence="", **extra):
    return {
        "subject": subject,
        "object": obj,
        "type": rtype,
        "date": date,
        "evidence": evidence,
        **extra,
    }


def doc(doc_id, relations, entities=None):
    rec = {"id": doc_id, "relations": relations}
    if entities is not None:
        rec["entities"] = entities
    return rec


def pred_doc(doc_id, relations, names=None):
    """A prediction record; its entities default to every endpoint of its relations."""
    if names is None:
        names = sorted({n for r in relations for n in (r["subject"], r["object"])})
    return {
        "id": doc_id,
        "relations": relations,
        "entities": [{"name": n, "type": "organization"} for n in names],
    }


GOLD_ENTS = [
    ent("Microsoft Corporation", "Microsoft"),
    ent("OpenAI"),
    ent("DeepMind Technologies", "DeepMind"),
    ent("Alphabet"),
    ent("Nvidia Corporation"),
    ent("Google"),
]


def test_alias_and_legal_suffix_are_accepted():
    gold = [
        doc(
            "d1",
            [
                rel("Microsoft Corporation", "investment", "OpenAI"),
                rel("Alphabet", "acquisition", "DeepMind Technologies"),
                rel("Nvidia Corporation", "supply", "OpenAI"),
            ],
            GOLD_ENTS,
        )
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Microsoft", "investment", "OpenAI"),  # alias
                rel(
                    "Alphabet Inc.", "acquisition", "deepmind"
                ),  # suffix on one side, alias on the other
                rel("NVIDIA Corp.", "supply", "OpenAI, Inc."),  # suffixes only, no alias listed
            ],
        )
    ]
    report = evaluate(gold, pred)
    assert (report.total.tp, report.total.fp, report.total.fn) == (3, 0, 0)
    assert report.f1 == 1.0


def test_an_unrelated_name_does_not_match():
    gold = [doc("d1", [rel("Alphabet", "acquisition", "DeepMind Technologies")], GOLD_ENTS)]
    pred = [pred_doc("d1", [rel("Google", "acquisition", "DeepMind")])]
    report = evaluate(gold, pred)
    assert (report.total.tp, report.total.fp, report.total.fn) == (0, 1, 1)


def test_symmetric_types_ignore_order_but_directed_types_do_not():
    gold = [
        doc(
            "d1",
            [
                rel("OpenAI", "partnership", "Microsoft Corporation"),
                rel("Google", "competition", "OpenAI"),
                rel("Microsoft Corporation", "investment", "OpenAI"),
            ],
            GOLD_ENTS,
        )
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Microsoft", "partnership", "OpenAI"),
                rel("OpenAI", "competition", "Google"),
                rel("OpenAI", "investment", "Microsoft"),  # reversed: wrong
            ],
        )
    ]
    report = evaluate(gold, pred)
    assert report.per_type["partnership"].tp == 1
    assert report.per_type["competition"].tp == 1
    inv = report.per_type["investment"]
    assert (inv.tp, inv.fp, inv.fn) == (0, 1, 1)
    assert {e.cause for e in report.false_positives + report.false_negatives} == {"wrong direction"}


def test_duplicates_within_a_document_count_once_in_predictions_and_gold():
    gold = [
        doc(
            "d1",
            [
                rel("OpenAI", "partnership", "Microsoft Corporation"),
                rel("Microsoft Corporation", "partnership", "OpenAI"),  # same relation, other order
            ],
            GOLD_ENTS,
        )
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Microsoft", "partnership", "OpenAI"),
                rel("Microsoft Corp", "partnership", "OpenAI"),
                rel("OpenAI", "partnership", "Microsoft"),
                rel("Alphabet", "investment", "Nvidia"),
                rel("Alphabet Inc", "investment", "NVIDIA"),  # a duplicated false positive
            ],
        )
    ]
    report = evaluate(gold, pred)
    assert (report.total.tp, report.total.fp, report.total.fn) == (1, 1, 0)
    assert report.n_gold == 1 and report.n_pred == 2 and report.n_matched == 1


def test_micro_average_and_per_type_table_over_documents():
    gold = [
        doc(
            "d1",
            [
                rel("Microsoft Corporation", "investment", "OpenAI"),
                rel("Alphabet", "acquisition", "DeepMind Technologies"),
            ],
            GOLD_ENTS,
        ),
        doc(
            "d2",
            [rel("Nvidia Corporation", "supply", "OpenAI"), rel("Google", "competition", "OpenAI")],
            GOLD_ENTS,
        ),
    ]
    pred = [
        pred_doc(
            "d1", [rel("Microsoft", "investment", "OpenAI"), rel("Google", "litigation", "OpenAI")]
        ),
        pred_doc("d2", [rel("Nvidia", "supply", "OpenAI")]),
    ]
    report = evaluate(gold, pred)
    assert (report.total.tp, report.total.fp, report.total.fn) == (2, 1, 2)
    assert report.precision == pytest.approx(2 / 3)
    assert report.recall == pytest.approx(2 / 4)
    assert report.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    counts = {t: (s.tp, s.fp, s.fn) for t, s in report.per_type.items()}
    assert counts["investment"] == (1, 0, 0)
    assert counts["acquisition"] == (0, 0, 1)
    assert counts["supply"] == (1, 0, 0)
    assert counts["competition"] == (0, 0, 1)
    assert counts["litigation"] == (0, 1, 0)
    assert counts["partnership"] == (0, 0, 0)


def test_dates_are_scored_at_gold_precision_and_null_only_matches_null():
    gold = [
        doc(
            "d1",
            [
                rel("Microsoft Corporation", "investment", "OpenAI", date="2023"),
                rel("Alphabet", "acquisition", "DeepMind Technologies", date="2014-01"),
                rel("Nvidia Corporation", "supply", "OpenAI", date=None),
                rel("Google", "competition", "OpenAI", date=None),
                rel("Microsoft Corporation", "partnership", "OpenAI", date="2019-07"),
            ],
            GOLD_ENTS,
        )
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Microsoft", "investment", "OpenAI", date="2023-01"),  # finer than gold: right
                rel("Alphabet", "acquisition", "DeepMind", date="2014"),  # coarser than gold: wrong
                rel("Nvidia", "supply", "OpenAI", date=None),  # null and null: right
                rel("Google", "competition", "OpenAI", date="2023"),  # gold null: wrong
                rel("Microsoft", "partnership", "OpenAI", date="2019-08"),  # other month: wrong
            ],
        )
    ]
    report = evaluate(gold, pred)
    assert (report.date_correct, report.date_total) == (2, 5)
    assert report.date_accuracy == pytest.approx(0.4)
    assert date_agrees("2023", "2023-05-01")
    assert not date_agrees("2023-05-01", "2023-05")
    assert date_agrees(None, None) and not date_agrees("2023", None)


def test_documents_missing_from_predictions_are_all_false_negatives_and_extra_ones_ignored():
    gold = [
        doc("d1", [rel("Microsoft Corporation", "investment", "OpenAI")], GOLD_ENTS),
        doc(
            "d2",
            [rel("Nvidia Corporation", "supply", "OpenAI"), rel("Google", "competition", "OpenAI")],
            GOLD_ENTS,
        ),
    ]
    pred = [
        pred_doc("d1", [rel("Microsoft", "investment", "OpenAI")]),
        pred_doc("not-in-gold", [rel("Apple", "acquisition", "Shazam")]),
    ]
    report = evaluate(gold, pred)
    assert (report.total.tp, report.total.fp, report.total.fn) == (1, 0, 2)
    assert report.documents == 2 and report.documents_missing == 1
    assert {e.doc_id for e in report.false_negatives} == {"d2"}


def test_error_causes():
    ents = [*GOLD_ENTS, ent("Anthropic"), ent("Amazon"), ent("Federal Trade Commission", "FTC")]
    gold = [
        doc(
            "d1",
            [
                rel(
                    "Alphabet",
                    "acquisition",
                    "DeepMind Technologies",
                    evidence="Alphabet bought it.",
                ),
                rel("Nvidia Corporation", "supply", "OpenAI", evidence="Nvidia supplies OpenAI."),
                rel("Google", "investment", "Anthropic", evidence="Google invested in Anthropic."),
                rel(
                    "Amazon",
                    "investment",
                    "Anthropic",
                    evidence="Amazon put in $4 billion. The startup is Anthropic.",
                ),
                rel(
                    "Federal Trade Commission",
                    "investigation",
                    "OpenAI",
                    evidence="The FTC probes it.",
                ),
                rel(
                    "Microsoft Corporation", "partnership", "OpenAI", evidence="They work together."
                ),
            ],
            ents,
        )
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("DeepMind", "acquisition", "Alphabet", evidence="Alphabet bought it."),
                rel("Nvidia", "partnership", "OpenAI", evidence="Nvidia works with OpenAI."),
                rel(
                    "Google Cloud",
                    "investment",
                    "Anthropic",
                    evidence="Google invested in Anthropic.",
                ),
                rel(
                    "Apple",
                    "acquisition",
                    "OpenAI",
                    evidence="Apple could buy OpenAI, people said.",
                ),
                rel(
                    "Apple", "competition", "Microsoft", evidence="Apple and Microsoft are rivals."
                ),
                rel("Microsoft", "investment", "Amazon", evidence="It happened."),
            ],
            names=[
                "DeepMind",
                "Alphabet",
                "Nvidia",
                "OpenAI",
                "Google Cloud",
                "Anthropic",
                "Apple",
                "Microsoft",
                "Amazon",
            ],
        )
    ]
    report = evaluate(gold, pred)
    fp = {(e.subject, e.type, e.object): e.cause for e in report.false_positives}
    fn = {(e.subject, e.type, e.object): e.cause for e in report.false_negatives}
    assert fp[("DeepMind", "acquisition", "Alphabet")] == "wrong direction"
    assert fn[("Alphabet", "acquisition", "DeepMind Technologies")] == "wrong direction"
    assert fp[("Nvidia", "partnership", "OpenAI")] == "wrong type"
    assert fn[("Nvidia Corporation", "supply", "OpenAI")] == "wrong type"
    assert fp[("Google Cloud", "investment", "Anthropic")] == "endpoint resolved wrongly"
    assert fn[("Google", "investment", "Anthropic")] == "endpoint resolved wrongly"
    assert fp[("Apple", "acquisition", "OpenAI")] == "hedge not caught"
    assert fn[("Amazon", "investment", "Anthropic")] == "relation across sentences"
    assert fn[("Federal Trade Commission", "investigation", "OpenAI")] == "missed entity"
    assert fp[("Apple", "competition", "Microsoft")] == "other"
    assert fn[("Microsoft Corporation", "partnership", "OpenAI")] == "other"
    groups = report.errors_by_cause()
    assert sum(len(v) for v in groups.values()) == len(fp) + len(fn) == 12
    assert list(groups)[0] == "wrong direction"


def test_a_correct_match_does_not_explain_another_error():
    gold = [
        doc(
            "d1",
            [
                rel("Google", "investment", "Anthropic", evidence="Google invested in Anthropic."),
                rel("Google", "supply", "Anthropic", evidence="Anthropic uses Google Cloud."),
            ],
            [*GOLD_ENTS, ent("Anthropic")],
        )
    ]
    pred = [pred_doc("d1", [rel("Google", "investment", "Anthropic")])]
    [fn] = evaluate(gold, pred).false_negatives
    assert (fn.type, fn.cause) == ("supply", "other")


def test_hedge_words_are_whole_words_and_may_the_month_is_not_a_hedge():
    gold = [doc("d1", [], GOLD_ENTS)]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Alphabet", "acquisition", "Nvidia", evidence="Alphabet bought Nvidia in May."),
                rel(
                    "Google",
                    "investment",
                    "OpenAI",
                    evidence="Google reportedly invested in OpenAI.",
                ),
            ],
        )
    ]
    causes = {e.subject: e.cause for e in evaluate(gold, pred).false_positives}
    assert causes == {"Alphabet": "other", "Google": "hedge not caught"}


def test_sentence_spans():
    assert spans_sentences("Amazon invested. Anthropic said so.")
    assert not spans_sentences("The U.S. Securities and Exchange Commission sued Acme Inc. today.")
    assert not spans_sentences("Intel is buying Mobileye in a deal worth $15.3 billion.")


def test_entity_recall_counts_gold_organizations_with_aliases():
    gold = [
        doc(
            "d1",
            [],
            [
                ent("DeepMind Technologies", "DeepMind"),
                ent("Alphabet"),
                ent("GPT-4", type="product"),
                ent("Sundar Pichai", type="person"),
            ],
        )
    ]
    pred = [
        {
            "id": "d1",
            "relations": [],
            "entities": [
                {"name": "deepmind", "type": "organization"},
                {"name": "GPT-4", "type": "product"},
            ],
        }
    ]
    report = evaluate(gold, pred)
    assert (report.entities_found, report.entities_total) == (1, 2)
    assert report.entity_recall == 0.5


def test_summary_lines_are_stable():
    gold = [
        doc("d1", [rel("Microsoft Corporation", "investment", "OpenAI", date="2023")], GOLD_ENTS)
    ]
    pred = [
        pred_doc(
            "d1",
            [
                rel("Microsoft", "investment", "OpenAI", date="2023-01"),
                rel("Google", "investment", "OpenAI"),
            ],
        )
    ]
    lines = evaluate(gold, pred).summary_lines()
    assert lines == [
        "precision 0.500  recall 1.000  f1 0.667",
        "date accuracy 1.00 (1/1)",
        "relations gold 1 predicted 2 matched 1",
    ]
    assert json.loads(json.dumps(evaluate(gold, pred).to_dict()))["predicted"] == 2


def test_load_records_reads_gold_and_rejects_malformed_lines(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps(doc("a", [rel("A", "supply", "B")])) + "\n\n" + json.dumps(doc("b", [])) + "\n",
        encoding="utf-8",
    )
    assert [r["id"] for r in load_records(good)] == ["a", "b"]

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(doc("a", [])) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_records(bad)
    assert re.match(rf"{re.escape(str(bad))}:2: malformed JSON", str(info.value))

    no_id = tmp_path / "noid.jsonl"
    no_id.write_text('{"relations": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"noid.jsonl:1: record has no 'id'"):
        load_records(no_id)

    with pytest.raises(InputError, match="no such file"):
        load_records(tmp_path / "absent.jsonl")

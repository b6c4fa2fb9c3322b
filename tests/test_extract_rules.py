"""The default `rules` extractor on sentences we wrote, one family of English per test.

Each case states the relation (or its absence) the way news writes it; the expected
claims are what the extraction spec asks for, direction included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliancemap import registry
from alliancemap.evaluate import evaluate
from alliancemap.extract_io import extraction_to_record
from alliancemap.model import Document, RelationType

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="module")
def extractor():
    return registry.extractor("rules")


def triples(
    extractor, text: str, published: str | None = "2023-05-10"
) -> set[tuple[str, str, str]]:
    ex = extractor.extract(Document(text=text, id="t", published=published))
    out = set()
    for c in ex.claims:
        a, b = c.subject, c.object
        if c.type.symmetric and b < a:
            a, b = b, a
        out.add((a, c.type.value, b))
    return out


def claims(extractor, text: str, published: str | None = "2023-05-10"):
    return extractor.extract(Document(text=text, id="t", published=published)).claims


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # acquisition: active, passive, appositive, nominal
        (
            "Nvidia acquired the networking company Mellanox in 2019.",
            ("Nvidia", "acquisition", "Mellanox"),
        ),
        ("Kaggle was acquired by Google in 2017.", ("Google", "acquisition", "Kaggle")),
        (
            "Mobileye, bought by Intel for $15 billion, builds driver assistance chips.",
            ("Intel", "acquisition", "Mobileye"),
        ),
        (
            "Microsoft's acquisition of GitHub closed in October.",
            ("Microsoft", "acquisition", "GitHub"),
        ),
        (
            "Salesforce today announced it is acquiring Slack.",
            ("Salesforce", "acquisition", "Slack"),
        ),
        # investment: verbs, rounds, backed
        (
            "Amazon will invest up to $4 billion in Anthropic, the companies said.",
            ("Amazon", "investment", "Anthropic"),
        ),
        ("Microsoft-backed OpenAI released a new model.", ("Microsoft", "investment", "OpenAI")),
        (
            "Cohere, backed by Nvidia, sells models to enterprises.",
            ("Nvidia", "investment", "Cohere"),
        ),
        # partnership
        ("IBM partnered with Hugging Face on open models.", ("Hugging Face", "partnership", "IBM")),
        (
            "Apple and Google said they are working together on contact tracing.",
            ("Apple", "partnership", "Google"),
        ),
        (
            "Ford and Baidu launched a two-year project to test self-driving cars.",
            ("Baidu", "partnership", "Ford"),
        ),
        # supply: product stands for its owner, customer to provider reversed
        (
            "OpenAI's GPT-4 is now integrated into Microsoft's Bing search engine.",
            ("OpenAI", "supply", "Microsoft"),
        ),
        (
            "Anthropic agreed to use Amazon's cloud platform for its workloads.",
            ("Amazon", "supply", "Anthropic"),
        ),
        ("Nvidia supplies chips to Tesla for its data centers.", ("Nvidia", "supply", "Tesla")),
        # membership: member -> group
        (
            "Anthropic joined the Frontier Model Forum in July.",
            ("Anthropic", "membership", "Frontier Model Forum"),
        ),
        # competition
        (
            "Google competes with Microsoft in cloud computing.",
            ("Google", "competition", "Microsoft"),
        ),
        (
            "Anthropic, a San Francisco startup and a rival to OpenAI, raised money.",
            ("Anthropic", "competition", "OpenAI"),
        ),
        # litigation: plaintiff -> defendant
        (
            "Getty Images sued Stability AI over copyright.",
            ("Getty Images", "litigation", "Stability AI"),
        ),
        (
            "The New York Times filed a lawsuit against OpenAI in December.",
            ("The New York Times", "litigation", "OpenAI"),
        ),
        # investigation: regulator -> target
        (
            "The Federal Trade Commission opened an investigation into OpenAI in July.",
            ("Federal Trade Commission", "investigation", "OpenAI"),
        ),
    ],
)
def test_each_relation_type_with_its_direction(extractor, text, expected):
    found = triples(extractor, text)
    a, t, b = expected
    if RelationType(t).symmetric and b < a:
        a, b = b, a
    assert (a, t, b) in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Salesforce is in talks to acquire Slack, according to people familiar with the matter.",
        "Apple could acquire Mistral AI, analysts speculated.",
        "Microsoft reportedly plans to invest $10 billion in OpenAI.",
        "Google denied that it had acquired DeepMind.",
        "Amazon is considering an investment in Anthropic.",
        "Meta may partner with Microsoft on the next model.",
        "Oracle did not acquire TikTok.",
        "Salesforce urged the European Commission to investigate Microsoft.",
        "The deal between Nvidia and Arm was called off after regulators objected.",
        "If approved, Adobe would acquire Figma next year.",
    ],
)
def test_hedges_and_denials_are_not_relations(extractor, text):
    assert triples(extractor, text) == set()


def test_funding_round_expands_to_every_investor(extractor):
    text = (
        "Quantum Widget Labs raised $40 million on Tuesday. "
        "The series B round was led by Sequoia Capital with participation from Accel and Index Ventures."
    )
    found = triples(extractor, text)
    for investor in ("Sequoia Capital", "Accel", "Index Ventures"):
        assert (investor, "investment", "Quantum Widget Labs") in found, found


def test_unknown_organizations_are_found(extractor):
    found = triples(extractor, "Intel acquired Israeli vision startup Zorblax Robotics in 2021.")
    assert ("Intel", "acquisition", "Zorblax Robotics") in found


def test_citation_markers_and_bylines_are_not_parties(extractor):
    found = triples(
        extractor, "(Reuters) - Microsoft partnered with Nvidia on AI chips, Reuters reported."
    )
    assert all("Reuters" not in (a, b) for a, _, b in found)
    found = triples(extractor, "Microsoft told VentureBeat it partnered with Nvidia.")
    assert all("VentureBeat" not in (a, b) for a, _, b in found)


def test_persons_are_never_endpoints(extractor):
    found = triples(extractor, "OpenAI was founded with backing from Elon Musk and Sam Altman.")
    assert all("Musk" not in a and "Musk" not in b for a, _, b in found)


def test_relative_clause_background_fact_counts_inside_a_rumour(extractor):
    text = "Microsoft, which invested $1 billion in OpenAI in 2019, is in talks to invest more."
    cs = claims(extractor, text, published="2023")
    got = {(c.subject, c.type.value, c.object): c for c in cs}
    assert ("Microsoft", "investment", "OpenAI") in got
    assert got[("Microsoft", "investment", "OpenAI")].date == "2019"
    assert len(cs) == 1


def test_dates_and_values_attach_to_claims(extractor):
    cs = claims(extractor, "Intel bought Altera in 2015 for $16.7 billion.")
    assert len(cs) == 1
    assert cs[0].date == "2015"
    assert cs[0].value_usd == pytest.approx(16.7e9)
    cs = claims(
        extractor, "Google today announced a partnership with Replit.", published="2023-03-28"
    )
    assert cs and cs[0].date == "2023-03-28"


def test_evidence_offsets_point_into_the_document(extractor):
    text = "Some preamble here.\nAmazon invested $4 billion in Anthropic in September 2023."
    doc = Document(text=text, id="x", published="2023")
    ex = extractor.extract(doc)
    assert ex.claims
    for c in ex.claims:
        assert text[c.evidence_start : c.evidence_end] == c.evidence
        assert c.extractor == "rules"
        assert 0.0 < c.confidence <= 1.0


def test_the_company_refers_back_to_the_last_named_organization(extractor):
    text = "Anthropic builds the Claude models. Amazon invested $4 billion in the company."
    assert ("Amazon", "investment", "Anthropic") in triples(extractor, text)


def test_alias_resolves_to_the_canonical_name(extractor):
    found = triples(extractor, "Facebook acquired WhatsApp in 2014.")
    assert ("Meta", "acquisition", "WhatsApp") in found


def test_navigation_runs_are_not_read_as_prose(extractor):
    menu = (
        "Artificial Intelligence View All AI, ML and Deep Learning Auto ML Data Labelling "
        "Synthetic Data Conversational AI NLP Text-to-Speech Security View All Data Security "
        "Google acquires Fitbit Microsoft partners with OpenAI Amazon invests in Anthropic"
    )
    assert triples(extractor, menu) == set()


def test_people_are_not_organizations(extractor):
    text = "Comedian Sarah Silverman sued OpenAI in July. Katz bought a stake in Widget Labs."
    found = triples(extractor, text)
    assert all("Silverman" not in a and a != "Katz" for a, _, b in found), found


def test_a_list_stops_where_a_new_clause_begins(extractor):
    text = "Recent deals include Cisco acquiring Splunk, Adobe buying Figma and Frame.io."
    found = triples(extractor, text)
    assert ("Cisco", "acquisition", "Adobe") not in found
    assert ("Adobe", "acquisition", "Figma") in found


def test_extractor_is_deterministic(extractor):
    text = "Microsoft invested in OpenAI. Google competes with Microsoft. Meta sued Voyager Labs."
    assert triples(extractor, text) == triples(extractor, text)


@pytest.mark.skipif(
    not (SHARED / "eval" / "seed.jsonl").exists(), reason="../shared/eval is absent"
)
def test_seed_article_end_to_end_f1(extractor):
    gold = [json.loads(line) for line in (SHARED / "eval" / "seed.jsonl").open()]
    preds = [
        extraction_to_record(
            extractor.extract(Document(text=g["text"], id=g["id"], published=g.get("published")))
        )
        for g in gold
    ]
    report = evaluate(gold, preds)
    assert report.f1 >= 0.90, report.summary_lines()
    assert report.precision >= 0.9


@pytest.mark.skipif(not (SHARED / "eval" / "dev.jsonl").exists(), reason="../shared/eval is absent")
def test_dev_set_runs_and_stays_precise(extractor):
    gold = [json.loads(line) for line in (SHARED / "eval" / "dev.jsonl").open()]
    preds = [
        extraction_to_record(
            extractor.extract(Document(text=g["text"], id=g["id"], published=g.get("published")))
        )
        for g in gold
    ]
    report = evaluate(gold, preds)
    # The targets: F1 >= 0.80 with precision >= 0.85 on the development set.
    assert report.precision >= 0.85, report.summary_lines()
    assert report.f1 >= 0.80, report.summary_lines()
    # Confidence means something: claims above 0.8 are right at least 90% of the time.
    wrong = {(e.doc_id, e.subject, e.type, e.object) for e in report.false_positives}
    confident = {
        (rec["id"], rel["subject"], rel["type"], rel["object"])
        for rec in preds
        for rel in rec["relations"]
        if rel["confidence"] > 0.8
    }
    assert confident, "no confident claims at all"
    assert len(confident - wrong) / len(confident) >= 0.9

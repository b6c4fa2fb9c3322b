"""The `rules-parse` extractor: syntactic checks on sentences written for these tests."""

from __future__ import annotations

import pytest

from alliancemap import registry
from alliancemap.extract.syntax import INSTALL_HINT, parser_available
from alliancemap.model import Document

if not parser_available():
    pytest.skip(f"spaCy or its model is missing ({INSTALL_HINT})", allow_module_level=True)

from alliancemap.extract.parsed import ParsedRulesExtractor  # noqa: E402


@pytest.fixture(scope="module")
def parsed() -> ParsedRulesExtractor:
    """One extractor (and one model load) for the whole module."""
    return ParsedRulesExtractor()


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return registry.extractor("rules")


def _relations(extractor, text: str) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    doc = Document(text=text, id="t", published="2023")
    return {(c.subject, c.type.value, c.object) for c in extractor.extract(doc).claims}


def test_registered_under_its_name() -> None:
    assert "rules-parse" in registry.names("extractors")
    assert registry.get("extractors", "rules-parse") is ParsedRulesExtractor


def test_modal_far_from_the_trigger_is_a_hedge(parsed, rules) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Microsoft could, as part of a broader push into generative models next year, "
        "enter a partnership with OpenAI."
    )
    assert ("Microsoft", "partnership", "OpenAI") in _relations(rules, text)
    assert _relations(parsed, text) == set()
    assert "modal" in parsed.rejections[0].reason


def test_anonymous_source_after_the_match_is_a_hedge(parsed, rules) -> None:  # type: ignore[no-untyped-def]
    text = "Microsoft acquired Nuance, according to people familiar with the matter."
    assert _relations(rules, text)
    assert _relations(parsed, text) == set()


def test_bystander_in_a_relative_clause_is_dropped(parsed, rules) -> None:  # type: ignore[no-untyped-def]
    text = "Amazon, which might acquire Zoox, signed a partnership with Anthropic."
    assert ("Zoox", "partnership", "Anthropic") in _relations(rules, text)
    got = _relations(parsed, text)
    assert ("Zoox", "partnership", "Anthropic") not in got
    assert ("Amazon", "partnership", "Anthropic") in got


def test_bystander_in_a_fronted_phrase_is_dropped(parsed) -> None:  # type: ignore[no-untyped-def]
    got = _relations(parsed, "At Computex, Intel and Samsung announced a partnership.")
    assert got == {("Intel", "partnership", "Samsung Electronics")}


@pytest.mark.parametrize(
    "text, relation",
    [
        (
            "Microsoft acquired Nuance in 2021.",
            ("Microsoft", "acquisition", "Nuance Communications"),
        ),
        ("Intel said it agreed to buy Altera.", ("Intel", "acquisition", "Altera")),
        ("Microsoft formed a partnership with OpenAI.", ("Microsoft", "partnership", "OpenAI")),
        (
            "Microsoft could complete its acquisition of Nuance by March.",
            ("Microsoft", "acquisition", "Nuance Communications"),
        ),
        (
            "Anthropic, which Google backs, partnered with Salesforce.",
            ("Anthropic", "partnership", "Salesforce"),
        ),
    ],
)
def test_plain_relations_are_kept(parsed, text, relation) -> None:  # type: ignore[no-untyped-def]
    assert relation in _relations(parsed, text)
    assert parsed.rejections == []


def test_claims_carry_the_extractor_name(parsed) -> None:  # type: ignore[no-untyped-def]
    doc = Document(text="Microsoft acquired Nuance in 2021.", id="t")
    assert {c.extractor for c in parsed.extract(doc).claims} == {"rules-parse"}


def test_coordinated_verb_shares_the_subject(parsed, rules) -> None:  # type: ignore[no-untyped-def]
    text = "Intel bought Altera in 2015 and a year later acquired Nervana Systems."
    assert ("Intel", "acquisition", "Nervana Systems") not in _relations(rules, text)
    assert ("Intel", "acquisition", "Nervana Systems") in _relations(parsed, text)


def test_hedged_coordinated_verb_is_not_recovered(parsed) -> None:  # type: ignore[no-untyped-def]
    text = "Intel bought Altera in 2015 and may later acquire Nervana Systems."
    assert ("Intel", "acquisition", "Nervana Systems") not in _relations(parsed, text)

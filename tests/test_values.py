"""Money amounts: symbols, codes, scales, words after the number, and what is not money."""

import gzip
import json
from itertools import islice
from pathlib import Path

import pytest

from alliancemap.extract.sentences import split_sentences
from alliancemap.extract.values import USD_PER_UNIT, find_money

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ai-tech-articles.jsonl.gz"
)


def amounts(sentence: str) -> list[tuple[str, float, str]]:
    return [(m.text, m.amount, m.currency) for m in find_money(sentence)]


@pytest.mark.parametrize(
    ("sentence", "text", "amount", "currency"),
    [
        ("Brightwell raised $13 billion from backers.", "$13 billion", 13e9, "USD"),
        ("Brightwell raised $13bn from backers.", "$13bn", 13e9, "USD"),
        ("The round valued it at $1B overall.", "$1B", 1e9, "USD"),
        ("The seed round was $28M in total.", "$28M", 28e6, "USD"),
        ("A $500 million credit line was agreed.", "$500 million", 500e6, "USD"),
        ("They paid $1.5 billion in stock.", "$1.5 billion", 1.5e9, "USD"),
        ("The fund holds US$1.2 billion in assets.", "US$1.2 billion", 1.2e9, "USD"),
        ("It committed USD 300 million to the venture.", "USD 300 million", 300e6, "USD"),
        ("The EU grant was \u20ac2 billion.", "\u20ac2 billion", 2e9, "EUR"),
        ("The EU grant was \u20ac2bn.", "\u20ac2bn", 2e9, "EUR"),
        ("The buyer paid \u00a3400m for the unit.", "\u00a3400m", 400e6, "GBP"),
        ("The bank lent \u00a510 billion to the lab.", "\u00a510 billion", 10e9, "JPY"),
        ("It is worth 1.5 billion dollars today.", "1.5 billion dollars", 1.5e9, "USD"),
        ("A $10 billion-plus deal was signed.", "$10 billion-plus", 10e9, "USD"),
        ("Backers put in more than $10 billion.", "$10 billion", 10e9, "USD"),
        ("The investor will invest up to $4 billion.", "$4 billion", 4e9, "USD"),
        ("The grant was $300,000 over two years.", "$300,000", 300e3, "USD"),
        ("The market may reach $2.5 trillion.", "$2.5 trillion", 2.5e12, "USD"),
        ("The startup got a $5-million seed round.", "$5-million", 5e6, "USD"),
        ("Analysts expect $1-2 billion in sales.", "$1-2 billion", 1e9, "USD"),
        ("The state fund gave 5 billion yuan.", "5 billion yuan", 5e9, "CNY"),
        ("The club sold for 2 million pounds.", "2 million pounds", 2e6, "GBP"),
        ("The Indian unit raised Rs 500 crore.", "Rs 500 crore", 5e9, "INR"),
        ("Its seed round was $750K.", "$750K", 750e3, "USD"),
    ],
)
def test_amounts(sentence, text, amount, currency):
    assert amounts(sentence) == [(text, pytest.approx(amount), currency)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The app has 20 million users and 300 employees.",
        "Prices are quoted in $ only.",
        "The crate weighs 300 pounds.",
        "The team won 3 games in a row.",
        "Mrs 5 sat in row 12.",
    ],
)
def test_not_money(sentence):
    assert find_money(sentence) == []


def test_usd_conversion_uses_the_fixed_rate_table():
    (usd,) = find_money("It paid $40 million.")
    assert usd.usd == usd.amount == 40e6
    (eur,) = find_money("It paid \u20ac40 million.")
    assert eur.usd == pytest.approx(40e6 * USD_PER_UNIT["EUR"])
    assert eur.usd != eur.amount


def test_several_amounts_in_order_with_exact_spans():
    sentence = "After a $20M seed and a \u20ac1.1bn round, the lab sought $3 billion more."
    found = find_money(sentence)
    assert [m.text for m in found] == ["$20M", "\u20ac1.1bn", "$3 billion"]
    assert all(sentence[m.start : m.end] == m.text for m in found)


def test_real_corpus_slice_amounts_are_well_formed():
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in islice(fh, 300)]
    count = 0
    for article in articles:
        for s in split_sentences(article.get("text") or ""):
            for m in find_money(s.text):
                assert s.text[m.start : m.end] == m.text
                assert m.amount >= 0 and m.currency in USD_PER_UNIT
                assert m.usd is not None
                count += 1
    assert count > 10

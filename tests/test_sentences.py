"""Sentence splitting: abbreviations, quotes, line breaks, the length cap, and the real corpus."""

import gzip
import json
from itertools import islice
from pathlib import Path

import pytest

from alliancemap.extract.sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ai-tech-articles.jsonl.gz"
)


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def assert_well_formed(text: str, sentences: list[Sentence]) -> None:
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end, "sentences overlap or are out of order"
        assert len(s.text) <= MAX_SENTENCE_CHARS
        previous_end = s.end


@pytest.mark.parametrize(
    "text",
    [
        "Zentrix Inc. agreed to buy Lumora Corp. for cash.",
        "Orbital Ltd. and Kestrel Co. signed the pact with Vance & Sons Ltd. last week.",
        "Mr. Alvarez met Dr. Okafor and Ms. Lind at St. Jude hospital.",
        "The fund, led by Harold P. Quint, invested in the startup.",
        "The firm ranked No. 1 on the list for the third year.",
        "The filing was dated Jan. 4 and amended on Sept. 18 of that year.",
        "Rivals such as Nimbus, e.g. the cloud unit, i.e. its biggest arm, lost share.",
        "The suit is known as Halvorsen vs. Dray Systems in the filings.",
        "The U.S. Commerce Department opened a review of the chip exports.",
        "Officials from the U.K. and the U.N. attended the summit.",
        "The company paid $2.5 billion, or about 3.7 times its revenue.",
        "Its GPT-3.5 based assistant runs on You.com and Character.ai servers.",
        "The lab thinks this is... well, a big step for robotics.",
    ],
)
def test_abbreviations_decimals_and_domains_do_not_split(text):
    assert texts(text) == [text]


def test_abbreviation_before_a_sentence_starter_ends_the_sentence():
    text = "Profits rose at Quillon Inc. The company will hire more engineers."
    assert texts(text) == ["Profits rose at Quillon Inc.", "The company will hire more engineers."]


def test_us_at_sentence_end_splits_only_before_a_typical_starter():
    assert texts("The startup expanded into the U.S. It now has six offices.") == [
        "The startup expanded into the U.S.",
        "It now has six offices.",
    ]
    # Documented choice: "U.S." before a name is kept together.
    assert len(texts("Sales grew in the U.S. Federal buyers placed orders.")) == 1


def test_closing_quotes_belong_to_the_sentence_they_end():
    assert texts('"We are ready," she said. "The chips ship now." Then the call ended.') == [
        '"We are ready," she said.',
        '"The chips ship now."',
        "Then the call ended.",
    ]
    assert texts("He called it \u201ca turning point.\u201d Analysts disagreed.") == [
        "He called it \u201ca turning point.\u201d",
        "Analysts disagreed.",
    ]


def test_question_exclamation_parenthesis_and_ellipsis():
    assert texts("Who wins? Nobody knows! The race goes on.") == [
        "Who wins?",
        "Nobody knows!",
        "The race goes on.",
    ]
    assert texts("Revenue doubled (see the table.) Costs fell.") == [
        "Revenue doubled (see the table.)",
        "Costs fell.",
    ]
    assert texts("The talks stalled... Then a deal came.") == [
        "The talks stalled...",
        "Then a deal came.",
    ]


def test_lowercase_continuation_never_starts_a_sentence():
    assert len(texts("The pact with Ardent Corp. was signed in private.")) == 1


def test_every_line_break_is_a_boundary_and_blank_lines_vanish():
    text = "Home News Topics Events\n\n   \nFirst line has no stop\r\nSecond line. It ends here.\n"
    assert texts(text) == [
        "Home News Topics Events",
        "First line has no stop",
        "Second line.",
        "It ends here.",
    ]


def test_offsets_point_at_the_stripped_text():
    text = "   Alpha partners with Beta.   Gamma sues Delta.  \n  Epsilon joins.  "
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Alpha partners with Beta.",
        "Gamma sues Delta.",
        "Epsilon joins.",
    ]
    assert_well_formed(text, sentences)
    assert sentences[0].start == 3


def test_run_without_punctuation_is_cut_at_the_cap_on_a_space():
    text = " ".join(f"Menu{i}" for i in range(1200))
    sentences = split_sentences(text)
    assert len(sentences) > 1
    assert_well_formed(text, sentences)
    assert all(len(s.text) > MAX_SENTENCE_CHARS // 2 for s in sentences[:-1])
    assert " ".join(s.text for s in sentences) == text


def test_run_without_spaces_is_cut_hard_at_the_cap():
    text = "x" * (2 * MAX_SENTENCE_CHARS + 10)
    assert [len(s.text) for s in split_sentences(text)] == [
        MAX_SENTENCE_CHARS,
        MAX_SENTENCE_CHARS,
        10,
    ]


def test_empty_and_whitespace_only_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_real_corpus_slice_is_well_formed():
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in islice(fh, 300)]
    assert len(articles) == 300
    total = 0
    for article in articles:
        text = article.get("text") or ""
        sentences = split_sentences(text)
        assert_well_formed(text, sentences)
        assert not any("\n" in s.text for s in sentences)
        total += len(sentences)
    assert total > 300 * 5

"""Date expressions: absolute forms, relative forms resolved against publication, and traps."""

import gzip
import json
import re
from itertools import islice
from pathlib import Path

import pytest

from alliancemap.extract.dates import find_dates, normalise_date, parse_published
from alliancemap.extract.sentences import split_sentences

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "ai-tech-articles.jsonl.gz"
)
VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def found(sentence: str, published: str | None = "2021") -> list[tuple[str, str | None]]:
    return [(d.text, d.value) for d in find_dates(sentence, published)]


def values(sentence: str, published: str | None = "2021") -> list[str | None]:
    return [d.value for d in find_dates(sentence, published)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Halvorn was founded in 2011 by two engineers.", [("in 2011", "2011")]),
        ("The alliance formed in October 2016.", [("in October 2016", "2016-10")]),
        ("Sales peaked February 2019, then fell.", [("February 2019", "2019-02")]),
        ("The suit was filed on April 9, 2020.", [("on April 9, 2020", "2020-04-09")]),
        ("The suit was filed 9 April 2020 in Delaware.", [("9 April 2020", "2020-04-09")]),
        ("The filing is dated 2020-04-09.", [("2020-04-09", "2020-04-09")]),
        ("Trading began Sept. 3rd, 2019.", [("Sept. 3rd, 2019", "2019-09-03")]),
        ("It shipped in the second quarter of 2022.", [("in the second quarter of 2022", "2022")]),
        ("Margins improved in Q3 2022 and H1 2023.", [("in Q3 2022", "2022"), ("H1 2023", "2023")]),
        ("Revenue for fiscal 2024 and FY22 rose.", [("fiscal 2024", "2024"), ("FY22", "2022")]),
        ("The lab has worked on it since 2017.", [("since 2017", "2017")]),
        (
            "A pilot ran in late 2020 and early 2021.",
            [("in late 2020", "2020"), ("early 2021", "2021")],
        ),
        ("The chip arrived mid-2019.", [("mid-2019", "2019")]),
        ("Work stopped at the end of 2018.", [("the end of 2018", "2018")]),
        ("Microsoft's 2019 stake grew.", [("2019", "2019")]),
        ("The 2015 merger created a giant.", [("2015", "2015")]),
    ],
)
def test_absolute_dates(sentence, expected):
    assert found(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The GPT-2 model and the A100 and H100 chips were compared.",
        "Old PCs still run Windows 2000 and Office 2016.",
        "The firm has 2019 employees and paid $2020 in fees.",
        "Visitors at CES 2023 saw the demo.",
        "Its RTX 2080 card is fast.",
        "\u00a9 2023 Example Media. All rights reserved.",
        "Theresa May met the chief executive.",
        "Shoppers lined up for Black Friday deals.",
    ],
)
def test_numbers_and_names_that_are_not_dates(sentence):
    assert found(sentence) == []


def test_decades_are_reported_without_a_value():
    assert found("Neural nets were out of fashion in the 1990s and the '80s.") == [
        ("in the 1990s", None),
        ("the '80s", None),
    ]


def test_relative_months_with_a_year_only_publication():
    assert values("In May the two firms agreed; back in July they signed.", "2019") == [
        "2019-05",
        "2019-07",
    ]
    assert values("It sued last March.", "2019") == ["2018-03"]
    assert values("It will launch next June.", "2019") == ["2020-06"]
    assert all(d.relative for d in find_dates("In May and last March.", "2019"))


def test_relative_months_with_a_full_publication_date():
    # Named month after the publication month: the previous year.
    assert values("The deal closed in November.", "2022-03-15") == ["2021-11"]
    assert values("The deal closed in February.", "2022-03-15") == ["2022-02"]
    # "last" is strictly before the publication date; "by" looks forward.
    assert values("It sued last March.", "2022-03-15") == ["2021-03"]
    assert values("It sued last February.", "2022-03-15") == ["2022-02"]
    assert values("It plans to finish by November.", "2022-03-15") == ["2022-11"]
    assert values("The trial started on December 5.", "2022-03-15") == ["2021-12-05"]


def test_weekdays_and_today():
    published = "2023-01-25"  # a Wednesday
    assert found("Vantor said on Monday it would partner with Quell.", published) == [
        ("on Monday", "2023-01-23")
    ]
    assert found("Vantor said Monday it would partner with Quell.", published) == [
        ("Monday", "2023-01-23")
    ]
    assert found("Vantor announced the deal late Tuesday.", published) == [
        ("late Tuesday", "2023-01-24")
    ]
    assert found("The board met last Wednesday.", published) == [("last Wednesday", "2023-01-18")]
    assert values("Vantor today announced a deal; yesterday it hinted.", published) == [
        "2023-01-25",
        "2023-01-24",
    ]
    assert values("Vantor announced on Monday, today and yesterday.", "2023") == [
        "2023",
        "2023",
        "2023",
    ]


def test_relative_years_months_and_weeks():
    assert values("Last year it lost money; this year and earlier this year it grew.", "2020") == [
        "2019",
        "2020",
        "2020",
    ]
    assert values("It raised money last month.", "2020") == [None]
    assert values("It raised money last month.", "2020-01-10") == ["2019-12"]
    assert values("It raised money this week.", "2020-01-10") == ["2020-01-10"]
    assert values("It raised money two years ago.", "2020") == ["2018"]
    assert values("It raised money 3 years ago.", "2020") == ["2017"]
    assert values("It raised money a few years ago.", "2020") == [None]
    assert found("A year later it was sold.", "2020") == []


def test_narrative_offsets_count_from_the_year_just_mentioned():
    assert found("Corvane bought Pellix in 2014 and a year later acquired Tarn.", "2020") == [
        ("in 2014", "2014"),
        ("a year later", "2015"),
    ]
    assert values(
        "It launched in 2016; the following year it raised, three years earlier it began."
    ) == [
        "2016",
        "2017",
        "2014",
    ]
    assert values("It lost in 2019; the previous year it won.") == ["2019", "2018"]


def test_relative_dates_without_publication_have_no_value():
    mentions = find_dates("Today it said that in May and on Friday it sold.", None)
    assert [d.value for d in mentions] == [None, None, None]
    assert all(d.relative for d in mentions)
    assert find_dates("It was founded in 2014.", None)[0].value == "2014"


def test_bare_year_ranges():
    assert values("Between 2016 and 2018, and from 2019 to 2020, it grew.") == [
        "2016",
        "2018",
        "2019",
        "2020",
    ]
    assert values("By 2035 the grid must be clean.") == ["2035"]  # wide range with a preposition
    assert values("A 1975 memo resurfaced.") == []  # bare years outside 1990-2030 are ignored


def test_spans_match_the_sentence():
    sentence = "Back in March, and again on June 2, 2021, the pair expanded the deal."
    for d in find_dates(sentence, "2021"):
        assert sentence[d.start : d.end] == d.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-01-23", "2023-01-23"),
        ("2023-01", "2023-01"),
        ("2023", "2023"),
        (2023, "2023"),
        ("2023-01-23T10:00:00Z", "2023-01-23"),
        ("Mon, 23 Jan 2023 10:00:00 GMT", "2023-01-23"),
        ("January 23, 2023", "2023-01-23"),
        ("", None),
        (None, None),
        ("soon", None),
        ("2023-13-45", None),
        ("2023-02-30", None),
        ("1850", None),
        (True, None),
        (["2023"], None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


def test_normalise_date_accepts_iso_forms_and_rejects_garbage_clearly():
    assert normalise_date("2022") == "2022"
    assert normalise_date("2022-07") == "2022-07"
    assert normalise_date("2022-07-04") == "2022-07-04"
    assert normalise_date(None) is None
    for bad in ("next week", "2022-00", "2022-02-30", "", "99"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            normalise_date(bad)


def test_real_corpus_slice_dates_are_well_formed():
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in islice(fh, 300)]
    count = 0
    for article in articles:
        published = parse_published(article.get("year"))
        for s in split_sentences(article.get("text") or ""):
            previous_end = 0
            for d in find_dates(s.text, published):
                assert s.text[d.start : d.end] == d.text
                assert d.start >= previous_end
                assert d.value is None or VALUE.fullmatch(d.value)
                assert d.value is None or 1900 <= int(d.value[:4]) <= 2100
                previous_end = d.end
                count += 1
    assert count > 100

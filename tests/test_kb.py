"""Schema and integrity of the bundled knowledge base."""

from collections import Counter

from alliancemap.kb import ORG_KINDS, default_kb
from alliancemap.normalize import normalize_name


def test_sizes_meet_the_foundation_targets():
    kb = default_kb()
    assert len(kb.organizations) >= 400
    assert len(kb.products) >= 200
    assert len(kb.relations) >= 150


def test_every_kind_is_represented():
    kinds = Counter(e.kind for e in default_kb().organizations.values())
    for kind in (
        "lab",
        "bigtech",
        "chip",
        "startup",
        "investor",
        "university",
        "consortium",
        "regulator",
        "government",
        "media",
    ):
        assert kinds[kind] > 0, kind
    assert set(kinds) <= ORG_KINDS


def test_aliases_are_unambiguous_across_organizations_and_products():
    kb = default_kb()
    owner: dict[str, str] = {}
    for ent in list(kb.organizations.values()) + list(kb.products.values()):
        for form in (ent.name, *ent.aliases):
            key = normalize_name(form)
            assert key, f"{ent.name}: empty normalised form of {form!r}"
            prev = owner.setdefault(key, ent.name)
            assert prev == ent.name, f"{form!r} names both {prev!r} and {ent.name!r}"


def test_landmark_relations_have_sources_and_dates():
    kb = default_kb()
    seen = set()
    for rel in kb.relations:
        assert rel.source.strip()
        assert rel.subject in kb.organizations and rel.object in kb.organizations
        key = (rel.subject, rel.object, rel.type, rel.date)
        assert key not in seen, f"duplicate relation {key}"
        seen.add(key)


def test_products_have_owners_that_are_organizations():
    kb = default_kb()
    for prod in kb.products.values():
        assert prod.owner in kb.organizations
    assert kb.products["GPT-4"].owner == "OpenAI"
    assert kb.products["CUDA"].owner == "Nvidia"
    assert kb.products["Azure"].owner == "Microsoft"

"""Exposure of a stack: ultimate providers, HHI, single points of failure, alternatives."""

from __future__ import annotations

import pytest

from alliancemap.errors import AllianceMapError
from alliancemap.graph.exposure import exposure
from alliancemap.graph.names import Names
from alliancemap.graph.stack import parse_stack, read_stack
from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import Entity, EntityType
from graphkit import claim, view


def org(name: str, kind: str = "company", parent: str | None = None) -> Entity:
    return Entity(name, kind=kind, parent=parent, in_kb=True)


def product(name: str, owner: str, category: str = "service") -> Entity:
    return Entity(name, EntityType.PRODUCT, kind=category, owner=owner, in_kb=True)


ORGS = ["VendorA", "VendorB", "VendorC", "ChipCo", "AltCo", "P1", "P2", "Sub"]
KB = KnowledgeBase(
    organizations={n: org(n, parent="VendorA" if n == "Sub" else None) for n in ORGS},
    products={
        p.name: p
        for p in (
            product("AppOne", "VendorA"),
            product("AppTwo", "VendorB"),
            product("AppThree", "VendorC"),
            product("AppAlt", "AltCo"),
            product("SubApp", "Sub"),
        )
    },
    relations=(),
)


def twice(a: str, b: str, rtype: str) -> list:
    """A tie attested by two documents (trusted for dependencies)."""
    return [claim(a, b, rtype), claim(a, b, rtype)]


@pytest.fixture()
def world():
    claims = twice("ChipCo", "VendorA", "supply") + twice("ChipCo", "VendorB", "supply")
    claims += twice("AltCo", "P1", "partnership") + twice("AltCo", "P2", "partnership")
    claims += twice("P1", "P2", "partnership")
    claims += [claim("VendorC", "Lonely", "partnership")]  # one source: not trusted
    v = view(claims, list(KB.organizations.values()))
    return v, Names(kb=KB, organizations=v.nodes)


def stack(names, *components):
    return parse_stack({"name": "tiny", "components": list(components)}, names)


def test_shared_supplier_is_a_single_point_of_failure(world):
    v, names = world
    s = stack(names, "AppOne", "AppTwo", {"product": "AppThree"})
    exp = exposure(v, s, names, seed=0)
    shares = {p["organization"]: p["share"] for p in exp.providers}
    # each app's owner keeps half and passes half to ChipCo; VendorC has no trusted upstream
    assert shares == pytest.approx(
        {"VendorA": 1 / 6, "VendorB": 1 / 6, "ChipCo": 1 / 3, "VendorC": 1 / 3}
    )
    assert exp.hhi == pytest.approx(2 * (1 / 6) ** 2 + 2 * (1 / 3) ** 2)
    assert [s["organization"] for s in exp.single_points_of_failure] == ["ChipCo"]
    assert exp.single_points_of_failure[0]["affected"] == pytest.approx(2 / 3)
    one = exp.components[0]
    assert set(one.depends_on) == {"ChipCo", "VendorA"}
    path = next(p for p in one.providers if p["organization"] == "ChipCo")["path"]
    assert [(s["frm"], s["relation"], s["to"]) for s in path] == [
        ("VendorA", "supplied by", "ChipCo")
    ]
    assert path[0]["claim_ids"] and path[0]["evidence"] == "ChipCo supply VendorA."


def test_alternatives_come_from_other_blocs(world):
    v, names = world
    exp = exposure(v, stack(names, "AppOne"), names, seed=0)
    alts = exp.components[0].alternatives
    assert [(a["alternative"], a["owner"]) for a in alts] == [("AppAlt", "AltCo")]
    # AppTwo's owner shares AppOne's bloc (both hang on ChipCo): not an alternative


def test_weights_units_and_depth(world):
    v, names = world
    s = stack(names, {"product": "SubApp", "weight": 3}, {"vendor": "VendorC", "weight": 1})
    exp = exposure(v, s, names, seed=0)
    shares = {p["organization"]: p["share"] for p in exp.providers}
    # Sub is a unit of VendorA: its weight goes to VendorA, which passes half on to ChipCo
    assert shares == pytest.approx({"VendorA": 3 / 8, "ChipCo": 3 / 8, "VendorC": 1 / 4})
    assert exposure(v, s, names, depth=0).providers[0]["share"] == pytest.approx(3 / 4)


def test_with_splits_a_component(world):
    v, names = world
    exp = exposure(v, stack(names, {"product": "AppThree", "with": "AppAlt"}), names)
    assert {p["organization"]: p["share"] for p in exp.providers} == pytest.approx(
        {"VendorC": 0.5, "AltCo": 0.25, "P1": 0.125, "P2": 0.125}
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"components": []}, "no components"),
        ({"parts": ["AppOne"]}, "expected a mapping with a 'components' list"),
        ({"components": ["NoSuchThing"]}, "component 1: unknown product or organization"),
        ({"components": [{"product": "AppOne", "weight": -1}]}, "weight must be a positive"),
        ({"components": [{"produkt": "AppOne"}]}, "unknown key 'produkt'"),
        ({"components": [42]}, "expected a name or a mapping"),
    ],
)
def test_bad_stacks_say_what_is_wrong(world, data, message):
    _, names = world
    with pytest.raises(AllianceMapError, match=message):
        parse_stack(data, names)


def test_stack_file_errors(tmp_path, world):
    _, names = world
    bad = tmp_path / "bad.yaml"
    bad.write_text("components: [AppOne\n  - oops: {", encoding="utf-8")
    with pytest.raises(AllianceMapError, match="bad.yaml: not valid YAML at line"):
        read_stack(bad, names)
    good = tmp_path / "good.yaml"
    good.write_text("name: mine\ncomponents:\n  - product: AppOne\n    weight: 2\n", "utf-8")
    assert read_stack(good, names).total_weight == 2


def test_example_stack_resolves_against_the_knowledge_base():
    from alliancemap.graph.report import example_stack_path

    s = read_stack(example_stack_path(), Names(kb=default_kb()))
    owners = [i.owner for c in s.components for i in c.items]
    assert owners == [
        "Microsoft",
        "GitHub",
        "Amazon Web Services",
        "Anthropic",
        "Nvidia",
        "Salesforce",
    ]

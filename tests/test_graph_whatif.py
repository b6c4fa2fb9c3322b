"""What-if: edits parsed from text, applied to a view, measured before and after."""

from __future__ import annotations

import pytest

from alliancemap.errors import AllianceMapError
from alliancemap.graph.edits import Edit, parse_edit
from alliancemap.graph.names import Names
from alliancemap.graph.whatif import apply_edits, whatif
from alliancemap.model import RelationType
from graphkit import claim, ties, view


@pytest.fixture(scope="module")
def names():
    return Names(organizations=["Hub", "A", "B", "C", "Solo"])


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        ("Apple acquisition Mistral AI", ("Apple", "acquisition", "Mistral AI")),
        ("apple ACQUIRES mistral", ("Apple", "acquisition", "Mistral AI")),
        ("Microsoft partners with OpenAI", ("Microsoft", "partnership", "OpenAI")),
        ("Amazon invests in Anthropic", ("Amazon", "investment", "Anthropic")),
        ("GPT-4 supply Microsoft", ("OpenAI", "supply", "Microsoft")),  # a product: its owner
        ("Hub partnership Solo", ("Hub", "partnership", "Solo")),  # names of the map itself
    ],
)
def test_parse_edit(names, text, edit):
    e = parse_edit(text, names)
    assert (e.subject, e.type.value, e.object) == edit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Apple Mistral AI", "malformed relation"),
        ("acquisition Mistral AI", "malformed relation"),
        ("Apple acquisition", "malformed relation"),
        ("Nobody Ltd acquisition Mistral AI", "unknown organization 'Nobody Ltd'"),
        ("Apple acquisition Apple Inc.", "links Apple to itself"),
    ],
)
def test_parse_edit_errors(names, text, message):
    with pytest.raises(AllianceMapError, match=message):
        parse_edit(text, names)


def star():
    """Hub tied to A, B, C; Solo tied to X."""
    return view(ties([("Hub", "A"), ("Hub", "B"), ("Hub", "C"), ("Solo", "X")]))


def test_added_acquisition_folds_the_acquired_into_the_acquirer():
    v = star()
    after, merged = apply_edits(v, add=[Edit("Hub", RelationType.ACQUISITION, "Solo")])
    assert merged == [("Solo", "Hub")]
    assert "Solo" not in after.nodes
    assert {e.pair for e in after.edges} == {("A", "Hub"), ("B", "Hub"), ("C", "Hub"), ("Hub", "X")}
    kept, _ = apply_edits(
        v, add=[Edit("Hub", RelationType.ACQUISITION, "Solo")], merge_acquired=False
    )
    new = [e for e in kept.edges if e.type == RelationType.ACQUISITION]
    assert [(e.source, e.target, e.claims[0].extractor) for e in new] == [("Hub", "Solo", "whatif")]


def test_concentration_before_and_after_by_hand():
    result = whatif(star(), add=[Edit("Hub", RelationType.ACQUISITION, "Solo")], focus=["A"])
    c = result.concentration
    # before: 4 ties, Hub 3/8, the five others 1/8; after: Hub 4/8, A, B, C, X 1/8 each
    assert c["before"]["hhi"] == pytest.approx((3 / 8) ** 2 + 5 * (1 / 8) ** 2)
    assert c["after"]["hhi"] == pytest.approx((4 / 8) ** 2 + 4 * (1 / 8) ** 2)
    assert c["delta"]["hhi"] == pytest.approx(c["after"]["hhi"] - c["before"]["hhi"])
    rows = {r["organization"]: r for r in result.brokerage}
    assert set(rows) == {"Hub", "Solo", "A"}
    assert rows["Hub"]["before"]["degree"] == 3 and rows["Hub"]["after"]["degree"] == 4
    assert rows["Hub"]["after"]["effective_size"] == pytest.approx(4.0)
    assert rows["Solo"]["absorbed_into"] == "Hub" and rows["Solo"]["after"] == {}
    assert result.merged == [{"absorbed": "Solo", "into": "Hub"}]


def test_removing_a_relation():
    v = star()
    result = whatif(v, remove=[Edit("A", RelationType.PARTNERSHIP, "Hub")])  # symmetric: any order
    assert result.concentration["after"]["ties"] == 3
    assert result.removed == ["A partnership Hub"]
    with pytest.raises(AllianceMapError, match="no such relation"):
        whatif(v, remove=[Edit("Hub", RelationType.SUPPLY, "A")])
    with pytest.raises(AllianceMapError, match="nothing to change"):
        whatif(v)


def test_blocs_after_start_from_blocs_before():
    v = view(
        ties([("A", "B"), ("B", "C"), ("A", "C"), ("X", "Y"), ("Y", "Z"), ("X", "Z")])
        + [claim("C", "X", "partnership")]
    )
    result = whatif(v, add=[Edit("A", RelationType.PARTNERSHIP, "Z")], seed=0)
    assert result.blocs["before"]["blocs"] == 2
    assert 0.0 <= result.blocs["nmi"] <= 1.0
    assert [m["organization"] for m in result.blocs["organizations"]] == ["A", "Z"]


def test_spliced_after_view_equals_a_fresh_build():
    """The after-edit table and network, spliced from the view's, are what a fresh build of
    the after-edit edges gives."""
    import random

    from alliancemap.graph.network import network
    from alliancemap.graph.table import edge_table
    from alliancemap.graph.view import GraphView

    rnd = random.Random(4)
    orgs = [f"O{i:02d}" for i in range(30)]
    kinds = ["partnership", "investment", "supply", "competition", "acquisition"]
    claims = [claim(*rnd.sample(orgs, 2), rnd.choice(kinds)) for _ in range(150)]
    v = view(claims)
    network(v)  # the before-edit network the splice starts from
    first = v.edges[0]
    after, _ = apply_edits(
        v,
        add=[Edit("O01", RelationType.ACQUISITION, "O02"), Edit("O03", RelationType.SUPPLY, "New")],
        remove=[Edit(first.source, first.type, first.target)],
    )
    fresh = GraphView(after.nodes, after.edges, after.params)
    spliced, rebuilt = edge_table(after), edge_table(fresh)
    assert spliced.names == rebuilt.names
    for col in ("src", "dst", "rtype", "sources", "first_year", "kb"):
        assert (getattr(spliced, col) == getattr(rebuilt, col)).all(), col

    def ties(net):
        return {
            tuple(sorted((net.names[e.source], net.names[e.target]))): e["weight"]
            for e in net.graph.es
        }

    assert ties(network(after)) == ties(network(fresh))
    assert sorted(network(after).names) == network(fresh).names

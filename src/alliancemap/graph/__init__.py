"""Graph analysis of the map: the as-of view and one module per family of measures.

Every measure is a plain function from a `GraphView` (or a `Network`, or an igraph or
NetworkX graph) to plain data, computed with igraph:

- `view`: `build_view(store, as_of=..., ...)`, the filtered, aggregated map with evidence;
  `network` and `table` turn it into igraph graphs and numpy columns (cached on the view);
- `centrality`: degree by polarity, weighted PageRank, betweenness (sampled when huge);
- `brokerage`: Burt's constraint and effective size, the orchestrators;
- `blocs`: Leiden communities of cooperative ties and their year-by-year lineage;
- `concentration`: HHI, CR4 and top-5 reach of cooperative ties and deal value;
- `transitions`: rivals who became allies and the reverse, with both claims;
- `exposure`: a stack's (`stack`: the YAML file) dependence on ultimate providers and blocs;
- `whatif`: the same figures after adding or removing relations (`edits`: their text form);
- `report`: all of it as one self-contained HTML file (`plots`: its SVG figures).
"""

from alliancemap.graph.view import GraphView, ViewEdge, ViewNode, build_view, view_from_claims

__all__ = ["GraphView", "ViewEdge", "ViewNode", "build_view", "view_from_claims"]

#!/usr/bin/env python3
"""networkx steiner_tree on an edge list exported by heatplan (`heatplan route --export-graph/--export-terminals`,
or scripts/bench/route.ts). Prints JSON: length of the tree, seconds for steiner_tree alone, terminals.
Usage: networkx_steiner.py EDGES.csv TERMINALS.csv [mehlhorn|kou]   (Debian: python3-networkx)"""
import csv
import json
import sys
import time

import networkx as nx
from networkx.algorithms.approximation import steiner_tree


def main():
    edges, terms = sys.argv[1], sys.argv[2]
    method = sys.argv[3] if len(sys.argv) > 3 else "mehlhorn"
    G = nx.Graph()
    with open(edges) as f:
        for row in csv.DictReader(f):
            a, b, w = int(row["from"]), int(row["to"]), float(row["length_m"])
            if G.has_edge(a, b) and G[a][b]["weight"] <= w:
                continue
            G.add_edge(a, b, weight=w)
    with open(terms) as f:
        terminals = sorted({int(r["node"]) for r in csv.DictReader(f)})
    # the terminals' component only (networkx expects them connected)
    comp = nx.node_connected_component(G, terminals[0])
    H = G.subgraph(comp).copy()
    terminals = [t for t in terminals if t in comp]
    t0 = time.perf_counter()
    T = steiner_tree(H, terminals, weight="weight", method=method)
    dt = time.perf_counter() - t0
    print(json.dumps({"length_m": T.size(weight="weight"), "seconds": dt, "terminals": len(terminals), "edges": T.number_of_edges(), "networkx": nx.__version__, "method": method}))


if __name__ == "__main__":
    main()

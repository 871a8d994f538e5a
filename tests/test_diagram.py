"""`ladder diagram` and the pictures in docs/steps: each picture must still show the program's graph.

The check compares graphs, not pixels: the node ids, clusters and edges Graphviz wrote into the
committed SVG (its <title> elements) against the graph built now from the mocked plan.
"""
from __future__ import annotations

import html
import re
import shutil

import pytest

from configs.load import from_stack_file
from ladder.cli import main
from ladder.diagram import build, to_dot
from ladder.docs_images import ROOT, example_stacks, picture_path
from tests.plans_cache import cached_plan

STACKS = example_stacks()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` missing (Debian graphviz)")


def _graph(name: str):
    stack = str(STACKS[name].relative_to(ROOT))
    return build(from_stack_file(stack), list(cached_plan(stack)))


def _titles(svg: str) -> set[str]:
    return {html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg)}


@pytest.mark.parametrize("name", sorted(STACKS))
def test_picture_in_docs_is_current(name):
    graph = _graph(name)
    expected = set(graph.nodes) | {f"{a}->{b}" for a, b, _ in graph.edges}
    expected |= {f"cluster_{g}" for g, _ in graph.nodes.values()}
    path = picture_path(name)
    assert path.exists(), f"{path} missing: run `python -m ladder docs-images`"
    found = _titles(path.read_text()) - {f"odoo-ladder: {name}"}
    found -= {t for t in found if t == "cluster_host"}  # drawn around the containers even without a host node
    expected.discard("cluster_host")
    assert found == expected, f"{path.name} is out of date: run `python -m ladder docs-images`"


@pytest.mark.parametrize("name", sorted(STACKS))
def test_every_graph_shows_the_entry_and_the_data_flows(name):
    graph = _graph(name)
    assert "users" in graph.nodes
    cfg = from_stack_file(str(STACKS[name]))
    if cfg.components.database == "rds":
        assert ("odoo", "database-instance", "SQL :5432, TLS verify-full") in graph.edges and "db" not in graph.nodes
    else:
        assert ("odoo", "db", "SQL :5432") in graph.edges
    assert any(a == "users" for a, _, _ in graph.edges), "no public entry point"
    if cfg.components.proxy:
        assert ("proxy", "odoo", "HTTP :8069, websocket :8072") in graph.edges
        assert not any(b == "odoo" and a != "proxy" and "HTTP" in label for a, b, label in graph.edges), \
            "with a proxy, Odoo is reached only through it"
    if cfg.settings.target == "aws":
        assert ("host-instance", "backup-bucket", "daily backup set") in graph.edges or not cfg.components.backup


def test_dot_source_is_deterministic():
    assert to_dot(_graph("step4"), "t") == to_dot(_graph("step4"), "t")


@needs_dot
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_diagram_command_writes_the_picture(tmp_path, suffix, monkeypatch):
    monkeypatch.setattr("ladder.plan.plan", lambda s, as_stack=None: list(cached_plan(s)))
    out = tmp_path / f"step1.{suffix}"
    assert main(["diagram", str(STACKS["step1"]), "--out", str(out)]) == 0
    head = out.read_bytes()[:200]
    assert (b"<svg" in head or b"<?xml" in head) if suffix == "svg" else head.startswith(b"\x89PNG")


def test_diagram_refuses_an_unknown_format(tmp_path, capsys):
    assert main(["diagram", str(STACKS["step0"]), "--out", str(tmp_path / "x.jpg")]) == 2
    assert ".svg, .png or .dot" in capsys.readouterr().err

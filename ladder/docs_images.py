"""`ladder docs-images`: redraws the picture of every example stack into docs/steps/ (one command).

docs/steps/step<N>.svg comes from configs/stacks/step<N>.yaml, and dev.svg from Pulumi.dev.yaml.
tests/test_diagram.py fails when a picture no longer matches the program's graph.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS_STEPS = ROOT / "docs" / "steps"


def example_stacks() -> dict[str, Path]:
    """Picture name -> the stack file it is drawn from."""
    found = {p.stem: p for p in sorted((ROOT / "configs" / "stacks").glob("step*.yaml"))}
    found["dev"] = ROOT / "Pulumi.dev.yaml"
    return found


def picture_path(name: str) -> Path:
    return DOCS_STEPS / f"{name}.svg"

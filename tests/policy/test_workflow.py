"""The pull-request workflow runs `pulumi preview --policy-pack policy` whenever the pack is there.

pulumi/actions passes its `policyPacks` input to the preview as `--policy-pack` (one per line); the
pack itself is loaded under the real SDK by tests/policy/test_pack.py.
"""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACK_PRESENT = "hashFiles('policy/PulumiPolicy.yaml') != ''"
PACK_ABSENT = "hashFiles('policy/PulumiPolicy.yaml') == ''"


def _preview_steps() -> list[dict]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "preview.yml").read_text())
    steps = workflow["jobs"]["preview"]["steps"]
    return [s for s in steps if str(s.get("uses", "")).startswith("pulumi/actions@")
            and s.get("with", {}).get("command") == "preview"]


def test_the_pack_the_workflow_names_exists():
    assert (ROOT / "policy" / "PulumiPolicy.yaml").is_file()
    assert (ROOT / "policy" / "__main__.py").is_file()


def test_the_preview_runs_with_the_policy_pack_when_the_pack_exists():
    with_pack = [s for s in _preview_steps() if s.get("if") == PACK_PRESENT]
    assert len(with_pack) == 1
    assert with_pack[0]["with"]["policyPacks"].split() == ["policy"]


def test_every_preview_without_the_pack_runs_only_when_there_is_no_pack():
    """A preview step that skips the pack may never run beside the one that applies it."""
    for step in _preview_steps():
        if "policyPacks" not in step["with"]:
            assert step.get("if") == PACK_ABSENT
    assert {s.get("if") for s in _preview_steps()} == {PACK_PRESENT, PACK_ABSENT}

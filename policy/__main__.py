"""The policy pack: `pulumi preview --policy-pack policy` runs this file (its folder is the pack).

The rules live in policy/rules (shared with `ladder check`) and the AWS limits in ladder/limits.py,
so the repository root goes on the path first: the pack is meant to run from a checkout of odoo-ladder.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policy.pack import NAME, policies  # noqa: E402

# Mandatory by default: a violation stops `pulumi up` (and fails the preview).
PolicyPack(name=NAME, enforcement_level=EnforcementLevel.MANDATORY, policies=policies())

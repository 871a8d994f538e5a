"""One test per past defect, each on the real program's plan (and through the pack where it can be)."""
import copy
import subprocess
import sys

import pytest

from ladder.check import stack_of
from ladder.plan import plan
from policy.rules import evaluate
from tests.policy.served import analyze_request, served_pack
from tests.stacks import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def step4():
    return plan(str(EXAMPLES[4]))


def _changed(records, name, **inputs):
    records = copy.deepcopy(records)
    found = [r for r in records if r["name"] == name]
    assert len(found) == 1, name
    found[0]["inputs"].update(inputs)
    return records


def _rules_on(records, name):
    return {(v.rule, v.message) for v in evaluate(stack_of(records)) if v.resource == name}


def test_a_65_kb_ssm_document_is_refused(step4):
    """Step 4's first document carried every file inline: 99,831 bytes, which AWS refuses (64 KB)."""
    big = _changed(step4, "app-ssm-document", content="#" * 65 * 1024)
    assert ("aws-limits", "SSM document content (bytes) is 66,560, over AWS's 65,536") in _rules_on(big, "app-ssm-document")
    assert not [r for r, _ in _rules_on(step4, "app-ssm-document") if r == "aws-limits"]
    document = [r for r in big if r["name"] == "app-ssm-document"][0]
    response = served_pack().Analyze(analyze_request(document["type"], document["name"], document["inputs"]), None)
    assert [d.policyName for d in response.diagnostics] == ["aws-limits"]


def test_hop_limit_2_is_refused_and_1_passes(step4):
    hops = lambda records: {r for r, _ in _rules_on(records, "host-instance")}  # noqa: E731
    options = {"httpTokens": "required", "httpEndpoint": "enabled"}
    assert "imds-v2-hop-limit-1" in hops(_changed(step4, "host-instance",
                                                  metadataOptions={**options, "httpPutResponseHopLimit": 2.0}))
    assert "imds-v2-hop-limit-1" not in hops(_changed(step4, "host-instance",
                                                      metadataOptions={**options, "httpPutResponseHopLimit": 1.0}))


def test_a_bucket_without_a_tls_policy_is_refused(step4):
    without = [r for r in step4 if r["name"] != "backup-tls-only"]
    assert {r for r, _ in _rules_on(without, "backup-bucket")} >= {"s3-tls-only"}
    assert "s3-tls-only" not in {r for r, _ in _rules_on(step4, "backup-bucket")}


def test_admin_cidrs_that_add_up_to_the_world_are_refused_by_ladder_check(tmp_path):
    """Two /1s are the whole internet: the real program at step 0 opens 8069 to each admin CIDR.
    The config refuses them unless allow_world_admin says yes; the policy refuses them even then."""
    stack = tmp_path / "Pulumi.halves.yaml"
    stack.write_text("config:\n  aws:region: eu-south-1\n  odoo-ladder:target: aws\n  odoo-ladder:step: 0\n"
                     "  odoo-ladder:admin_cidrs: [\"0.0.0.0/1\", \"128.0.0.0/1\"]\n"
                     "  odoo-ladder:allow_world_admin: true\n")
    result = subprocess.run([sys.executable, "-m", "ladder", "check", str(stack)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert ("MANDATORY host-sg (aws:ec2/securityGroup:SecurityGroup) [no-world-ingress]: tcp port 8069 is open "
            "to the whole internet (the union of 0.0.0.0/1, 128.0.0.0/1)") in result.stdout

"""Every example stack stays inside the AWS limits that mocks cannot see, with botocore's shapes."""
import base64
import json
from pathlib import Path

import pytest

from components.delivery.artifact_bucket import bucket_prefix
from ladder.limits import SSM_DOCUMENT_BYTES, bucket_name_problems, check
from ladder.plan import plan
from tests.stacks import EXAMPLES

STACKS = ["dev", *[str(p) for p in EXAMPLES]]


@pytest.fixture(scope="module", params=STACKS, ids=lambda s: Path(s).stem)
def records(request):
    return plan(request.param)


def test_no_delivered_input_of_any_example_stack_crosses_an_aws_limit(records, request):
    report = check(records)
    assert report.failures() == []
    print(f"\n{request.node.callspec.id}:\n" + "\n".join(report.lines()))


@pytest.mark.parametrize("stack", [str(p) for p in EXAMPLES], ids=lambda s: Path(s).stem)
def test_every_aws_stack_is_measured_where_it_could_break(stack):
    measured = {m.what for m in check(plan(stack)).measures}
    assert {"EC2 user-data (bytes before base64)", "IAM inline policies together (characters)",
            "IAM role trust policy (characters)", "S3 bucket name (characters)"} <= measured
    # Step 7 runs Odoo on ECS: the host it keeps gets no new rollout (no SSM document), and the
    # task definitions are measured instead.
    step7 = Path(stack).stem == "step7"
    assert ("SSM document content (bytes)" in measured) != step7
    assert ("ECS container definitions (bytes)" in measured) == step7


def _step4_with(record_type: str, name: str, **inputs) -> list[dict]:
    records = plan(str(EXAMPLES[4]))
    for record in records:
        if record["type"] == record_type and record["name"] == name:
            record["inputs"] = {**record["inputs"], **inputs}
    return records


def test_the_old_step4_document_with_the_files_inside_is_refused():
    """The 100 KB document of the first delivery (every file base64 in runCommand) must fail."""
    from components.delivery.bundle import render_bundle
    from configs.load import from_stack_file
    files = render_bundle(from_stack_file(str(EXAMPLES[4])))
    lines = [line for content in files.values() for line in base64.encodebytes(content.encode()).decode().splitlines()]
    old = json.dumps({"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "apply",
                                                            "inputs": {"runCommand": lines}}]}, indent=1)
    assert len(old) > SSM_DOCUMENT_BYTES
    failures = check(_step4_with("aws:ssm/document:Document", "app-ssm-document", content=old)).failures()
    assert len(failures) == 1 and "SSM document content" in failures[0] and failures[0].startswith("OVER")


def test_user_data_and_inline_policies_over_their_limits_fail():
    big_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{i:05d}/*"} for i in range(200)]})
    failures = check(_step4_with("aws:ec2/instance:Instance", "host-instance", userData="#" * 16_385)
                     + _step4_with("aws:iam/rolePolicy:RolePolicy", "backup-host", policy=big_policy)).failures()
    assert any("EC2 user-data" in f for f in failures)
    assert any("IAM inline policies together" in f for f in failures)


def test_botocore_refuses_what_the_api_would():
    records = _step4_with("aws:ec2/instance:Instance", "host-instance",
                          metadataOptions={"httpTokens": "sometimes", "httpEndpoint": "enabled"})
    failures = check(records).failures()
    assert any("ec2 RunInstances" in f and "sometimes" in f for f in failures), failures


@pytest.mark.parametrize("stack", ["prod", "Customer.Example.ORG", "a", "--", "xn--weird",
                                   "a-very-long-stack-name-for-the-acme-corporation-production-eu-south-1.v2"])
def test_the_artifact_bucket_name_is_valid_for_any_stack_name(stack):
    # The provider appends 26 digits to the prefix.
    assert bucket_name_problems(bucket_prefix(stack) + "0" * 26) == []


def test_bucket_rules_catch_bad_names():
    assert bucket_name_problems("My.Bucket")
    assert bucket_name_problems("a" * 64)
    assert bucket_name_problems("192.168.1.1")
    assert bucket_name_problems("odoo..ladder")

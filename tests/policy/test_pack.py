"""The pack under the real pulumi-policy SDK: policy/__main__.py constructs the PolicyPack, and the
SDK's own servicer answers Analyze and AnalyzeStack requests (real protobuf, as the CLI sends them)."""
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2

import pulumi_policy
from policy.pack import NAME, plain, policies
from policy.rules import RULES, UNKNOWN
from pulumi_policy import proxy as sdk_proxy
from tests.policy.fixtures import TAGS, TLS_ONLY, instance
from tests.policy.served import analyze_request, serve_without_cli, served_pack, stack_request

MANDATORY = analyzer_pb2.EnforcementLevel.Value("MANDATORY")


@pytest.fixture(scope="module")
def servicer():
    return served_pack()


def test_the_pack_declares_every_rule_mandatory(servicer):
    info = servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
    assert info.name == NAME
    assert {p.name for p in info.policies} == {r.name for r in RULES}
    assert all(p.enforcementLevel == MANDATORY for p in info.policies)
    assert all(p.description for p in info.policies)


def test_policies_are_the_sdk_s_own_types():
    made = policies()
    assert len(made) == len(RULES)
    assert all(isinstance(p, (pulumi_policy.ResourceValidationPolicy, pulumi_policy.StackValidationPolicy))
               for p in made)


def test_a_constructed_pack_with_the_policies_builds_without_the_cli():
    served = serve_without_cli(lambda: pulumi_policy.PolicyPack(
        name=NAME, enforcement_level=pulumi_policy.EnforcementLevel.MANDATORY, policies=policies()))
    assert len(served.GetAnalyzerInfo(empty_pb2.Empty(), None).policies) == len(RULES)


def _diagnostics(response):
    return [(d.policyName, d.message, d.enforcementLevel, d.urn) for d in response.diagnostics]


def test_analyze_reports_hop_limit_2_as_mandatory(servicer):
    record = instance(hops=2.0)
    found = _diagnostics(servicer.Analyze(analyze_request(record["type"], record["name"], record["inputs"]), None))
    assert [(name, level) for name, _, level, _ in found] == [("imds-v2-hop-limit-1", MANDATORY)]
    assert "httpPutResponseHopLimit is 2" in found[0][1]


def test_analyze_passes_a_clean_instance(servicer):
    record = instance(hops=1.0)
    assert _diagnostics(servicer.Analyze(analyze_request(record["type"], record["name"], record["inputs"]), None)) == []


def test_protect_reaches_the_data_rule_from_the_analyzer_options(servicer):
    key = {"tags": TAGS, "enableKeyRotation": True}
    unprotected = servicer.Analyze(analyze_request("aws:kms/key:Key", "key", key), None)
    protected = servicer.Analyze(analyze_request("aws:kms/key:Key", "key", key, protect=True), None)
    assert [d[0] for d in _diagnostics(unprotected)] == ["data-protected"]
    assert _diagnostics(protected) == []


def test_unknowns_at_preview_do_not_fail_or_skip_the_other_checks(servicer):
    record = instance(hops=sdk_proxy.UNKNOWN_NUMBER_VALUE, tokens="optional")
    record["inputs"]["subnetId"] = sdk_proxy.UNKNOWN_STRING_VALUE
    found = _diagnostics(servicer.Analyze(analyze_request(record["type"], record["name"], record["inputs"]), None))
    assert [(d[0], "httpTokens is 'optional'" in d[1]) for d in found] == [("imds-v2-hop-limit-1", True)]


def _bucket_stack(with_policy: bool):
    resources = [{"type": "aws:s3/bucket:Bucket", "name": "backup-bucket", "inputs": {"tags": TAGS,
                                                                                       "objectLockEnabled": True}}]
    companions = [
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "no-public",
         {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}),
        ("aws:s3/bucketVersioning:BucketVersioning", "versioning", {"versioningConfiguration": {"status": "Enabled"}}),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "encryption",
         {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}),
    ] + ([("aws:s3/bucketPolicy:BucketPolicy", "tls-only", {"policy": TLS_ONLY})] if with_policy else [])
    for type_, name, inputs in companions:
        # At preview the bucket's id is unknown: only the property dependency links them.
        resources.append({"type": type_, "name": name, "inputs": {"bucket": sdk_proxy.UNKNOWN_STRING_VALUE, **inputs},
                          "depends": {"bucket": ["backup-bucket"]}})
    return stack_request(resources)


def test_analyze_stack_links_a_bucket_to_its_settings_through_property_dependencies(servicer):
    assert _diagnostics(servicer.AnalyzeStack(_bucket_stack(with_policy=True), None)) == []


def test_analyze_stack_reports_a_bucket_without_a_tls_policy_on_the_bucket(servicer):
    found = _diagnostics(servicer.AnalyzeStack(_bucket_stack(with_policy=False), None))
    assert [(name, level) for name, _, level, _ in found] == [("s3-tls-only", MANDATORY)]
    assert found[0][3].endswith("aws:s3/bucket:Bucket::backup-bucket")


def test_plain_turns_the_sdk_s_proxies_and_sentinels_into_plain_values():
    proxied = sdk_proxy.unknown_checking_proxy({"a": [1, {"b": sdk_proxy.UNKNOWN_STRING_VALUE}], "c": "x"})
    assert plain(proxied) == {"a": [1, {"b": UNKNOWN}], "c": "x"}


def test_analyze_stack_links_by_value_when_there_is_no_property_dependency(servicer):
    """At `pulumi up` a bucket's outputs carry its name, which its settings name in `bucket`."""
    request = stack_request([
        {"type": "aws:s3/bucket:Bucket", "name": "data", "inputs": {"bucket": "odoo-data-1", "tags": TAGS}},
        {"type": "aws:s3/bucketPolicy:BucketPolicy", "name": "tls", "inputs": {"bucket": "odoo-data-1",
                                                                              "policy": TLS_ONLY}},
    ])
    names = {d[0] for d in _diagnostics(servicer.AnalyzeStack(request, None))}
    assert "s3-tls-only" not in names and "s3-versioning" in names


def test_a_policy_config_can_lower_one_rule_to_advisory():
    """What `pulumi preview --policy-pack-config` sends: the pack keeps the rule but stops blocking on it."""
    served = served_pack()
    group = {"type": "aws:ec2/securityGroup:SecurityGroup", "name": "sg", "inputs": {"tags": TAGS, "ingress": [
        {"protocol": "tcp", "fromPort": 8069, "toPort": 8069, "cidrBlocks": ["0.0.0.0/1", "128.0.0.0/1"]}]}}
    assert _diagnostics(served.AnalyzeStack(stack_request([group]), None))[0][2] == MANDATORY
    served.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={
        "no-world-ingress": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.EnforcementLevel.Value("ADVISORY"))}),
        None)
    [(name, _, level, _)] = _diagnostics(served.AnalyzeStack(stack_request([group]), None))
    assert (name, level) == ("no-world-ingress", analyzer_pb2.EnforcementLevel.Value("ADVISORY"))


def test_provider_default_tags_reach_the_tag_rule_as_objects_or_json():
    from types import SimpleNamespace
    from policy.pack import resource_of
    for default_tags in ({"tags": TAGS}, '{"tags": {"odoo-ladder:stack": "test"}}'):
        provider = SimpleNamespace(props={"region": "eu-south-1", "defaultTags": default_tags})
        resource = resource_of("aws:iam/instanceProfile:InstanceProfile", "p", {"role": "r"}, False, "urn:p", provider)
        assert resource.default_tags == TAGS

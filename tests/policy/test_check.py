"""ladder check's own part: plan records to rule inputs (links, retain_on_delete, default tags)."""
from ladder.check import check_stack, default_tags, stack_of
from tests.policy.fixtures import bucket_set, record


def test_links_resolve_through_the_mocks_ids():
    stack = stack_of(bucket_set("backup"))
    bucket = [r for r in stack.resources if r.name == "backup-bucket"][0]
    attached = stack.attached(bucket, ["aws:s3/bucketPolicy:BucketPolicy"], via="bucket")
    assert [r.name for r in attached] == ["backup-policy"]


def test_retain_on_delete_alone_protects_data_in_ladder_check():
    [key] = stack_of([record("aws:kms/key:Key", "key", retain=True)]).resources
    assert key.retain_on_delete is True and not key.protect


def test_default_tags_come_from_the_stack_config(tmp_path):
    assert default_tags({"aws:defaultTags": '{"tags": {"odoo-ladder:stack": "x"}}'}) == {"odoo-ladder:stack": "x"}
    assert default_tags({"aws:defaultTags": "not json"}) == {}
    stack = tmp_path / "Pulumi.tagged.yaml"
    stack.write_text("config:\n  aws:region: eu-south-1\n  aws:defaultTags:\n    tags:\n      odoo-ladder:stack: tagged\n"
                     "  odoo-ladder:target: aws\n  odoo-ladder:step: 0\n  odoo-ladder:admin_cidrs: [\"203.0.113.7/32\"]\n")
    assert not [v for v in check_stack(str(stack)) if v.rule == "stack-tag"]


def test_what_must_survive_is_what_ladder_diff_calls_data():
    from ladder.holds_data import DATA_TYPES
    from policy.rules.data import MUST_SURVIVE
    assert MUST_SURVIVE - set(DATA_TYPES) == {"aws:rds/cluster:Cluster"}  # Step 5 may use a cluster

"""host.retire at step 7: the instance and what only it needs go; its data volume, backups, keys and
secrets stay. Refused below step 7, before the cut-over, and before the stack has run on the ALB."""
import pytest

from configs.errors import ConfigError
from configs.moves import MoveRefused
from ladder.mocked import StackRun, run_stack
from tests.cicd.stack import GITHUB
from tests.cluster.stack import IMAGE, run7, step7
from tests.stacks import aws

CUTOVER = {"cutover": True}
RETIRED = {"retire": True}
# What only the running host needs: gone once it is retired.
HOST_ONLY = [("aws:ec2/instance:Instance", "host-instance"), ("aws:ec2/eip:Eip", "host-eip"),
             ("aws:ec2/volumeAttachment:VolumeAttachment", "host-data-attachment"),
             ("aws:ec2/securityGroup:SecurityGroup", "host-sg"),
             ("aws:iam/instanceProfile:InstanceProfile", "host-profile"),
             ("aws:iam/rolePolicy:RolePolicy", "host-ssm-agent"),
             ("aws:iam/rolePolicy:RolePolicy", "database-master-read"),
             ("aws:iam/rolePolicy:RolePolicy", "cluster-filestore-host-copy"),
             ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "database-from-app"),
             ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cluster-sg-efs-from-host")]


def keys(run) -> set[tuple[str, str]]:
    return {(r.type, r.name) for r in run.resources}


@pytest.fixture(scope="module")
def cut_over():
    return run7(cluster=CUTOVER)


@pytest.fixture(scope="module")
def retired(cut_over):
    return run_stack(step7(cluster=CUTOVER, host=RETIRED), stack="prod", previous=cut_over.outputs)


def test_retiring_removes_the_instance_and_what_only_it_needs(cut_over, retired):
    assert set(HOST_ONLY) <= keys(cut_over)
    assert keys(cut_over) - keys(retired) == set(HOST_ONLY)
    assert keys(retired) <= keys(cut_over)  # nothing new: every kept resource keeps its URN
    assert not retired.of_type("aws:ssm/association:Association")
    assert "instance_id" not in retired.outputs and "public_ip" not in retired.outputs


def test_the_data_volume_stays_protected_and_detached(cut_over, retired):
    volume = retired.named("aws:ebs/volume:Volume", "host-data")
    assert volume.protect and volume.retain_on_delete and volume.inputs["finalSnapshot"] is True
    assert volume.urn == cut_over.named("aws:ebs/volume:Volume", "host-data").urn
    assert not retired.of_type("aws:ec2/volumeAttachment:VolumeAttachment")
    assert retired.outputs["data_volume_id"] == cut_over.outputs["data_volume_id"]
    assert retired.outputs["ladder_state"]["zone"] == cut_over.outputs["ladder_state"]["zone"] == "eu-south-1a"


def test_backups_keys_secrets_and_data_stay(cut_over, retired):
    for kind in ("aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:ssm/parameter:Parameter", "aws:rds/instance:Instance",
                 "aws:efs/fileSystem:FileSystem", "aws:ecr/repository:Repository"):
        assert sorted(r.urn for r in retired.of_type(kind)) == sorted(r.urn for r in cut_over.of_type(kind)), kind
    assert retired.outputs["backup_bucket"] == cut_over.outputs["backup_bucket"]
    assert retired.named("aws:iam/role:Role", "backup-restore")


def test_only_the_tasks_reach_the_database_and_efs_once_retired(retired):
    rules = {r.name: r for r in retired.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")}
    assert "cluster-sg-db-from-tasks" in rules
    assert not [name for name in rules if "host" in name or name == "database-from-app"]


def test_the_site_stays_on_the_alb(retired):
    assert retired.outputs["dns_record"]["value"] == retired.outputs["alb_dns_name"]
    assert retired.outputs["url"] == "https://erp.example.org"


@pytest.mark.parametrize("step", [3, 5, 6])
def test_below_step_7_it_is_refused_before_anything_is_registered(step):
    run = StackRun()
    settings = {"registry": {"image": IMAGE, "github": GITHUB}} if step == 6 else {}
    with pytest.raises(ConfigError, match=f"odoo-ladder:host.retire: step {step} runs Odoo on the host.*remove"):
        run_stack(aws(step, host=RETIRED, **settings), stack="prod", into=run)
    assert run.resources == []


def test_before_the_cut_over_it_is_refused_before_anything_is_registered():
    run = StackRun()
    with pytest.raises(ConfigError, match=r"odoo-ladder:host.retire: the site's name still points at the host "
                                          r"\(cluster.cutover is false\).*cluster.cutover: true"):
        run_stack(step7(host=RETIRED), stack="prod", into=run)
    assert run.resources == []


def test_retiring_in_the_same_up_as_the_cut_over_is_refused():
    """The stack last ran with the name on the host: the host may still have to copy and serve."""
    before = run7()
    with pytest.raises(MoveRefused, match="odoo-ladder:host.retire: the stack has not yet run on step 7 with "
                                          "cluster.cutover: true"):
        run_stack(step7(cluster=CUTOVER, host=RETIRED), stack="prod", previous=before.outputs)


def test_retiring_on_the_move_from_step_6_is_refused():
    six = run_stack(aws(6, registry={"image": IMAGE, "github": GITHUB}), stack="prod")
    with pytest.raises(MoveRefused, match="odoo-ladder:host.retire: the stack has not yet run on step 7;"):
        run_stack(step7(cluster=CUTOVER, host=RETIRED), stack="prod", previous=six.outputs)


def test_the_way_back_builds_a_new_host_on_the_kept_volume(cut_over, retired):
    back = run_stack(step7(cluster=CUTOVER), stack="prod", previous=retired.outputs)
    assert keys(back) == keys(cut_over)
    attachment = back.one("aws:ec2/volumeAttachment:VolumeAttachment")
    assert attachment.inputs["volumeId"] == retired.outputs["data_volume_id"]
    assert back.outputs["dns_record"]["value"] == back.outputs["alb_dns_name"]  # the site stays on the ALB


def test_below_step_7_from_retired_is_refused(retired):
    with pytest.raises(MoveRefused, match="odoo-ladder:cluster.enabled"):
        run_stack(aws(6, registry={"image": IMAGE, "github": GITHUB}), stack="prod", previous=retired.outputs)


def test_verify_has_no_host_to_check_once_retired():
    """The checks that run on the host through SSM pass with the reason, and never look for an instance."""
    from configs.load import from_mapping
    from ladder.verify import Target, _through_host
    cfg = from_mapping("prod", step7(cluster=CUTOVER, host=RETIRED))
    result = _through_host(cfg, Target(host="erp.example.org"), "no secret on the host's disk",
                           lambda run: pytest.fail("ran on a host"))
    assert result.ok and "host.retire is true" in result.detail

"""Moves checked against the stack's previous state: the program reads its own last outputs before
registering anything, refuses what would lose data or cannot work, and keeps the zone it chose.

The previous state is what an earlier mocked run exported (`ladder_state`), handed back through the
engine's readStackOutputs invoke, as `pulumi up` hands a stack its last checkpoint.
"""
import dataclasses
import json

import pytest

from configs.errors import ConfigError
from configs.moves import STATE_OUTPUT, MoveRefused, from_outputs, move_problems, previous_of
from ladder.cli import main
from ladder.mocked import StackRun, run_stack
from tests.stacks import EXAMPLES, aws, local

STEP = {path.stem: str(path) for path in EXAMPLES}
VOLUME = "aws:ebs/volume:Volume"
SUBNET = "aws:ec2/subnet:Subnet"


def refused_run(config: dict, previous: dict) -> tuple[str, StackRun]:
    """The program's refusal, and what it registered before it (nothing, or the test fails)."""
    run = StackRun()
    with pytest.raises(MoveRefused) as err:
        run_stack(config, into=run, previous=previous)
    assert run.resources == [], [r.name for r in run.resources]
    return str(err.value), run


def test_the_program_exports_the_state_its_next_run_checks_against():
    state = run_stack(aws(4, host={"data_volume_gb": 40}, odoo={"version": "17.0"})).outputs[STATE_OUTPUT]
    assert state == {"step": 4, "target": "aws", "components": state["components"], "zone": "eu-south-1a",
                     "data_volume_gb": 40, "odoo_version": "17.0", "backup_bucket": True, "rds": False,
                     "cutover": None}
    assert "backup" in state["components"]


def test_a_first_deployment_has_no_previous_state_and_checks_nothing():
    assert from_outputs({}) is None and from_outputs(None) is None
    assert run_stack(aws(0, host={"data_volume_gb": 10}), previous={}).resources


def test_a_shrunk_data_volume_is_refused_before_anything_is_registered():
    previous = run_stack(aws(0, host={"data_volume_gb": 40})).outputs
    message, _ = refused_run(aws(0, host={"data_volume_gb": 30}), previous)
    assert "odoo-ladder:host.data_volume_gb: EBS volumes cannot shrink: keep 40 or more (got 30)" in message
    assert run_stack(aws(0, host={"data_volume_gb": 50}), previous=previous).resources


def test_a_major_odoo_upgrade_needs_the_migration_and_the_flag():
    previous = run_stack(aws(0, odoo={"version": "17.0"})).outputs
    message, _ = refused_run(aws(0, odoo={"version": "18.0"}), previous)
    assert "odoo-ladder:odoo.version: 17.0 -> 18.0 is a major upgrade" in message
    assert "OpenUpgrade" in message and "upgrade.odoo.com" in message and "backup" in message
    assert "odoo-ladder:odoo.allow_major_change: true" in message
    run = run_stack(aws(0, odoo={"version": "18.0", "allow_major_change": True}), previous=previous)
    assert run.outputs[STATE_OUTPUT]["odoo_version"] == "18.0"


def test_going_back_to_an_older_odoo_is_refused_even_with_the_flag():
    previous = run_stack(aws(0, odoo={"version": "18.0"})).outputs
    message, _ = refused_run(aws(0, odoo={"version": "17.0", "allow_major_change": True}), previous)
    assert "no tool migrates it back" in message


def test_a_move_below_step4_is_refused_by_the_program_and_allowed_with_retain():
    previous = run_stack(aws(4)).outputs
    message, _ = refused_run(aws(3), previous)
    assert "backup.retain" in message and "keep the bucket" in message and "stop the host's backup timer" in message
    refused_run(aws(4, backup={"enabled": False}), previous)
    kept = run_stack(aws(3, backup={"retain": True}), previous=previous)
    assert kept.named("aws:s3/bucket:Bucket", "backup-bucket").protect
    assert kept.outputs[STATE_OUTPUT]["backup_bucket"] is True
    # Once kept, dropping the flag later is refused too: the bucket is still there.
    refused_run(aws(2), kept.outputs)


def test_a_stack_from_before_ladder_state_still_tells_its_bucket():
    older = {"step": 4, "components": ["app", "backup"], "instance_id": "i-1", "backup_bucket": "b-0a1b2c3"}
    assert from_outputs(older).backup_bucket and from_outputs(older).data_volume_gb is None
    refused_run(aws(3), older)


def test_an_aws_stack_does_not_move_back_to_local():
    message, _ = refused_run(local(0), run_stack(aws(0)).outputs)
    assert "odoo-ladder:target: this stack runs on aws" in message
    assert run_stack(aws(0), previous=run_stack(local(0)).outputs).resources  # the local volumes stay


def test_the_zone_is_kept_from_the_previous_state_whatever_the_lookup_says():
    # The mocked lookup answers eu-south-1a first; the stack was made in eu-south-1b.
    previous = {STATE_OUTPUT: {**run_stack(aws(0)).outputs[STATE_OUTPUT], "zone": "eu-south-1b"}}
    run = run_stack(aws(0), previous=previous)
    assert run.one(VOLUME).inputs["availabilityZone"] == "eu-south-1b"
    assert run.named(SUBNET, "network-public-0").inputs["availabilityZone"] == "eu-south-1b"
    assert run.named(SUBNET, "network-public-1").inputs["availabilityZone"] == "eu-south-1a"
    assert run.outputs[STATE_OUTPUT]["zone"] == "eu-south-1b"


def test_a_new_stack_takes_the_configured_zone_or_the_lookups_first():
    assert run_stack(aws(0)).one(VOLUME).inputs["availabilityZone"] == "eu-south-1a"
    run = run_stack(aws(0, host={"availability_zone": "eu-south-1b"}))
    assert run.one(VOLUME).inputs["availabilityZone"] == "eu-south-1b"


def test_a_zone_change_is_refused_and_a_zone_of_another_region_too():
    previous = run_stack(aws(0)).outputs
    message, _ = refused_run(aws(0, host={"availability_zone": "eu-south-1b"}), previous)
    assert "odoo-ladder:host.availability_zone: the data volume lives in eu-south-1a" in message
    with pytest.raises(ConfigError, match="eu-west-1a is not a zone of aws:region eu-south-1"):
        run_stack(aws(0, host={"availability_zone": "eu-west-1a"}))


def test_a_shifted_zone_list_never_replaces_the_subnets_or_the_volume():
    run = run_stack(aws(0))
    for resource in run.of_type(SUBNET) + run.of_type(VOLUME):
        assert "availabilityZone" in resource.ignore_changes, resource.name


def test_ladder_diff_refuses_the_same_moves_as_pulumi_up(capsys):
    assert main(["diff", STEP["step4"], STEP["step3"]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("move refused:") and "backup.retain" in err
    assert move_problems(previous_of(from_stack(STEP["step3"])), from_stack(STEP["step4"])) == []


def from_stack(path: str):
    from configs.load import from_stack_file
    return from_stack_file(path)


def test_an_ami_change_deletes_the_old_host_and_its_attachment_before_the_new_ones():
    """Two attachments of one volume at once is VolumeInUse: the old attachment (the instance stopped
    first) and the old instance must go before the new instance and attachment are created."""
    run = run_stack(aws(0, host={"ami": "ami-0123456789abcdef0"}))
    instance = run.one("aws:ec2/instance:Instance")
    attachment = run.one("aws:ec2/volumeAttachment:VolumeAttachment")
    assert instance.delete_before_replace
    assert attachment.delete_before_replace and attachment.replace_on_changes == ["instanceId"]
    assert attachment.inputs["stopInstanceBeforeDetaching"] is True
    assert run.one(VOLUME).protect and not run.one(VOLUME).delete_before_replace


def test_ladder_diff_tells_the_downtime_of_an_ami_change(tmp_path, capsys):
    base = tmp_path / "Pulumi.base.yaml"
    base.write_text(open(STEP["step0"]).read())
    pinned = tmp_path / "Pulumi.pinned.yaml"
    pinned.write_text(base.read_text().replace("  odoo-ladder:host:\n", "  odoo-ladder:host:\n    ami: ami-0123456789abcdef0\n"))
    assert "ami-0123456789abcdef0" in pinned.read_text()
    assert main(["diff", str(base), str(pinned)]) == 0
    out = capsys.readouterr().out
    assert "+- replace host-instance (aws:ec2/instance:Instance): ami" in out
    assert ("downtime: the host host-instance is replaced (ami): Odoo is down while the old host is stopped, "
            "the data volume detached and the host deleted, then the new host boots") in out


def test_leaving_secrets_manager_waits_for_one_up_that_frees_the_names():
    """A stack last updated by an older release has its secrets' 7-day recovery window in AWS still;
    one `up` with this release sets 0 in place, then the switch deletes them at once."""
    sm = aws(3, secrets={"store": "secretsmanager"})
    older = {k: v for k, v in run_stack(sm).outputs.items() if k != STATE_OUTPUT}
    message, _ = refused_run(aws(3), older)
    assert "odoo-ladder:secrets.store: run `pulumi up` once more on secretsmanager" in message
    updated = run_stack(sm, previous=older)
    assert updated.of_type("aws:secretsmanager/secret:Secret")
    assert run_stack(aws(3), previous=updated.outputs).of_type("aws:ssm/parameter:Parameter")


def test_pulumi_up_ends_a_refused_move_with_the_message_not_a_traceback():
    """__main__.py as `pulumi up` runs it: the stack's last outputs read back, the move refused."""
    from tests.harness import main_refusal
    previous = run_stack(aws(0, host={"data_volume_gb": 40})).outputs
    config = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in aws(0).items()}
    message = main_refusal(config, previous)
    assert message.startswith("move refused:")
    assert "EBS volumes cannot shrink: keep 40 or more (got 30)" in message


def test_the_state_read_back_through_protobuf_keeps_whole_numbers():
    state = from_outputs({STATE_OUTPUT: {"step": 4.0, "data_volume_gb": 40.0, "zone": "eu-south-1b",
                                         "components": ["app"], "backup_bucket": True}})
    assert (state.step, state.data_volume_gb, state.zone, state.backup_bucket) == (4, 40, "eu-south-1b", True)
    assert "keep 40 or more" in move_problems(state, from_stack(STEP["step0"]))[0]


def with_settings(cfg, section: str, **values):
    """The config with `values` set in one settings section (odoo, host, ...)."""
    settings = cfg.settings.model_copy(update={section: getattr(cfg.settings, section).model_copy(update=values)})
    return dataclasses.replace(cfg, settings=settings)


def test_ladder_diff_refuses_a_zone_change_where_a_pins_its_zone():
    a = with_settings(from_stack(STEP["step0"]), "host", availability_zone="eu-south-1a")
    b = with_settings(a, "host", availability_zone="eu-south-1b")
    assert "the data volume lives in eu-south-1a" in move_problems(previous_of(a), b)[0]


def test_a_major_change_flag_left_on_is_warned_about():
    from configs.moves import move_warnings
    previous = from_outputs(run_stack(aws(0, odoo={"version": "18.0"})).outputs)
    cfg = from_stack(STEP["step0"])
    flagged = with_settings(cfg, "odoo", allow_major_change=True)
    assert "remove it, so the next major change is refused" in move_warnings(previous, flagged)[0]
    assert move_warnings(previous, cfg) == []


def test_leaving_rds_for_the_container_is_refused_naming_allow_move_back():
    from tests.database.rds_built import rds_built
    with rds_built():
        previous = run_stack(aws(5, domain="erp.example.org", acme_email="ops@example.org")).outputs
        message, _ = refused_run(aws(4, domain="erp.example.org", acme_email="ops@example.org"), previous)
        assert "odoo-ladder:database.allow_move_back: the stack's data is on RDS" in message
        assert "set odoo-ladder:database.allow_move_back: true" in message
        # Staying on RDS below step 5 (database.kind: rds at step 4) is no move of the data.
        assert run_stack(aws(4, domain="erp.example.org", acme_email="ops@example.org", database={"kind": "rds"}),
                         previous=previous).resources


def test_with_allow_move_back_the_move_is_made_and_rds_stays_registered():
    from tests.database.rds_built import rds_built
    site = {"domain": "erp.example.org", "acme_email": "ops@example.org"}
    with rds_built():
        previous = run_stack(aws(5, **site)).outputs
        back = run_stack(aws(4, **site, database={"allow_move_back": True}), previous=previous)
        # Protected, it could not be deleted: it stays, and the delivery moves the data back from it.
        assert back.one("aws:rds/instance:Instance").protect
        assert back.outputs[STATE_OUTPUT]["rds"] is True
        # Later runs remember it: dropping the flag while RDS is registered is refused again.
        message, _ = refused_run(aws(4, **site), back.outputs)
        assert "odoo-ladder:database.allow_move_back" in message


def test_allow_move_back_without_rds_would_create_one_and_is_refused():
    previous = run_stack(aws(4, domain="erp.example.org", acme_email="ops@example.org")).outputs
    message, _ = refused_run(aws(4, domain="erp.example.org", acme_email="ops@example.org",
                                 database={"allow_move_back": True}), previous)
    assert "this stack has no RDS instance to move back from" in message

"""The ladder: every example stack runs, and every move between stacks keeps what holds data.

The move matrix is every ordered pair of the example stacks (up and down), plus the secret-store
and proxy switches (tests/moves.py). Each pair is compared as `ladder diff` compares it: by URN,
with replacements from ladder/replacements.py and data-holding resources from ladder/holds_data.py.
A move that loses a data-holding resource must be refused by config before anything changes.
The moves known to lose data today are strict xfails naming the fix: once a change makes one
safe or refused, its xfail passes, fails the run, and the entry below must go.
"""
import pytest

from configs.errors import ConfigError
from configs.gates import PRESETS, max_built_step
from configs.load import from_stack_file
from configs.moves import check_move, previous_of
from ladder.diff import diff_plans
from tests.moves import CONFIGS, MOVES, STACK, config_of, planned
from tests.stacks import EXAMPLES

# Every move of the matrix is safe or refused today; a move found unsafe gets an entry here,
# (before, after) -> the fix it needs, as a strict xfail.
KNOWN_UNSAFE: dict[tuple[str, str], str] = {}
STORED_SECRET = {"aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret",
                 "aws:secretsmanager/secretVersion:SecretVersion"}


def refused(before: str, after: str) -> bool:
    """Does the program refuse moving from `before` to `after`? The config's own check, then the
    move check `pulumi up` runs against the stack's last state (configs/moves.py), as `ladder diff`."""
    try:
        check_move(previous_of(config_of(before)), config_of(after))
    except ConfigError:
        return True
    return False


def lost(before: str, after: str) -> list[str]:
    """Data-holding resources the move deletes or replaces. A stored secret that reappears under the
    same name in the other store is moved, not lost: its value comes from the same password."""
    result = diff_plans(list(planned(before)), list(planned(after)))
    stored_after = {r["name"] for r in planned(after) if r["type"] in STORED_SECRET}
    return sorted(f"{r['name']} ({r['type']})" for r in result.data_at_risk
                  if not (r["type"] in STORED_SECRET and r["name"] in stored_after))


def _param(move):
    reason = KNOWN_UNSAFE.get(move)
    marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)] if reason else []
    return pytest.param(*move, marks=marks, id=f"{move[0]}->{move[1]}")


def test_there_is_an_example_stack_per_built_step():
    steps = [step for step in PRESETS if step <= max_built_step()]
    assert [int(p.stem[4:]) for p in EXAMPLES] == steps
    for path in EXAMPLES:
        assert from_stack_file(str(path)).settings.step == int(path.stem[4:])


def test_the_known_unsafe_moves_are_moves_of_the_matrix():
    assert set(KNOWN_UNSAFE) <= set(MOVES)


@pytest.mark.parametrize("before, after", [_param(m) for m in MOVES])
def test_a_move_keeps_every_resource_that_holds_data_or_is_refused(before, after):
    if refused(before, after):
        return
    assert lost(before, after) == [], f"{before} -> {after} loses data and config does not refuse it"


@pytest.mark.parametrize("before, after", [pytest.param(*m, id=f"{m[0]}->{m[1]}") for m in MOVES])
def test_a_resource_in_both_stacks_keeps_its_urn(before, after):
    """A resource that changes parent changes URN: Pulumi deletes and re-creates it unless aliased."""
    urns = {(r["type"], r["name"]): r["urn"] for r in planned(before)}
    for record in planned(after):
        key = (record["type"], record["name"])
        assert urns.get(key, record["urn"]) == record["urn"], f"{key} moves from {urns[key]} to {record['urn']}"
        assert record["urn"].startswith(f"urn:pulumi:{STACK}::odoo-ladder::")


@pytest.mark.parametrize("before, after", [pytest.param(*m, id=f"{m[0]}->{m[1]}") for m in MOVES])
def test_no_move_replaces_the_host_or_anything_that_holds_data(before, after):
    result = diff_plans(list(planned(before)), list(planned(after)))
    replaced = [(c.name, c.replaced_by) for c in result.replaced
                if c.after["type"] == "aws:ec2/instance:Instance" or c in result.replaced_stateful]
    assert replaced == [], f"{before} -> {after} replaces {replaced}"


def test_a_store_switch_back_to_secrets_manager_finds_the_names_free():
    """A secret left with a recovery window keeps its name taken for that long, and a retained one for
    ever: either way switching back fails. Deleted at once, the name is free (docs/secrets.md)."""
    secrets = [r for r in planned("step3-secretsmanager") if r["type"] == "aws:secretsmanager/secret:Secret"]
    assert secrets
    assert all(r["inputs"].get("recoveryWindowInDays") == 0 and not r["retain_on_delete"] for r in secrets)
    # By the time they are deleted, the values are in the other store: created in the same move.
    after = {r["name"] for r in planned("step3") if r["type"] == "aws:ssm/parameter:Parameter"}
    assert {r["name"] for r in secrets} == after


def test_entering_step3_rotates_the_generated_passwords_and_loses_nothing():
    result = diff_plans(list(planned("step2")), list(planned("step3")))
    assert sorted(c.name for c in result.rotated) == [
        "credentials-admin_passwd", "credentials-admin_password", "credentials-db_password"]
    assert result.data_at_risk == []


def test_the_matrix_covers_both_stores_and_both_proxies():
    stores = {config_of(name).components.secrets for name in CONFIGS}
    proxies = {config_of(name).components.proxy for name in CONFIGS}
    assert {"ssm", "secretsmanager"} <= stores and {"caddy", "nginx", None} <= proxies


def test_the_data_volume_is_stateful_in_every_aws_example():
    for path in EXAMPLES:
        volumes = [r for r in planned(path.stem) if r["type"] == "aws:ebs/volume:Volume"]
        assert volumes and all(v["protect"] and v["retain_on_delete"] for v in volumes), path.stem


def test_moving_below_step4_is_refused_until_backup_retain_keeps_the_bucket():
    assert refused("step4", "step3") and refused("step4", "step0") and refused("step3-retain", "step3")
    with pytest.raises(ConfigError, match=r"odoo-ladder:backup\.retain: .*set backup\.retain: true to keep the bucket"):
        check_move(previous_of(config_of("step4")), config_of("step3"))
    assert not refused("step4", "step3-retain") and not refused("step3-retain", "step4")


def test_a_retained_bucket_keeps_its_settings_and_the_host_stops_using_it():
    kept = {r["type"].split(":")[-1] for r in planned("step3-retain") if r["parent"] == "backup"}
    assert {"Bucket", "BucketVersioning", "BucketLifecycleConfiguration", "BucketPublicAccessBlock",
            "BucketPolicy"} <= kept
    names = {r["name"] for r in planned("step3-retain") if r["parent"] == "backup"}
    assert "backup-host" not in names, "the host may no longer write to a bucket it does not back up to"
    assert {"backup-restore", "backup-restore-read"} <= names, "a retained bucket can still be restored from"
    result = diff_plans(list(planned("step4")), list(planned("step3-retain")))
    assert [r["name"] for r in result.removed if r["parent"] == "backup"] == ["backup-host"]


def test_a_bucket_without_object_lock_gets_it_in_place_never_by_replacement():
    """object_lock_enabled is ForceNew on aws.s3.Bucket (ladder/replacements.py): the move to a locked
    bucket is the lock configuration on the existing versioned bucket, the flag ignored."""
    from tests.moves import without_object_lock
    older, now = without_object_lock(planned("step4")), list(planned("step4"))
    result = diff_plans(older, now)
    assert [c.name for c in result.replaced] == [] and result.data_at_risk == []
    assert [r["name"] for r in result.added if r["parent"] == "backup"] == ["backup-lock"]
    [lock] = [r for r in now if r["name"] == "backup-lock"]
    assert lock["inputs"]["objectLockEnabled"] == "Enabled"
    # Without the ignored flag, the same move would replace the bucket: the guard is what keeps the sets.
    [bucket] = [r for r in now if r["name"] == "backup-bucket"]
    assert "objectLockEnabled" in bucket["ignore_changes"] and bucket["protect"] and bucket["retain_on_delete"]
    unguarded = diff_plans(older, [{**r, "ignore_changes": []} if r is bucket else r for r in now])
    assert [(c.name, c.replaced_by) for c in unguarded.replaced] == [("backup-bucket", ["objectLockEnabled"])]

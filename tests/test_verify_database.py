"""`ladder verify` at step 5: the RDS checks against moto's RDS, and Odoo's TLS check against a stand-in
SSM runner (its command checked by shellcheck)."""
import datetime
import subprocess

import pytest

from ladder.checks.database import (check_force_ssl, check_instance, check_odoo_tls, check_restorable, describe,
                                    odoo_tls_command)
from tests.secrets.conftest import boto_client
from tests.tools import require_tool

NOW = datetime.datetime(2026, 11, 27, 1, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def rds(moto_endpoint):
    client = boto_client("rds", moto_endpoint)
    client.create_db_parameter_group(DBParameterGroupName="tls-only", DBParameterGroupFamily="postgres16",
                                     Description="odoo-ladder")
    client.modify_db_parameter_group(DBParameterGroupName="tls-only", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    client.create_db_parameter_group(DBParameterGroupName="plain", DBParameterGroupFamily="postgres16",
                                     Description="odoo-ladder")
    client.modify_db_parameter_group(DBParameterGroupName="plain", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])
    common = dict(DBInstanceClass="db.t4g.micro", Engine="postgres", EngineVersion="16.10", AllocatedStorage=20,
                  MasterUsername="ladder_admin", ManageMasterUserPassword=True)
    client.create_db_instance(DBInstanceIdentifier="odoo-ladder-good", PubliclyAccessible=False, StorageEncrypted=True,
                              DeletionProtection=True, BackupRetentionPeriod=7, DBParameterGroupName="tls-only",
                              **common)
    client.create_db_instance(DBInstanceIdentifier="odoo-ladder-bad", PubliclyAccessible=True, StorageEncrypted=False,
                              DeletionProtection=False, BackupRetentionPeriod=1, DBParameterGroupName="plain",
                              **common)
    return client


def test_a_private_encrypted_protected_instance_passes(rds):
    result = check_instance(describe(rds, "odoo-ladder-good"), "odoo-ladder-good")
    assert result.ok, result.detail
    assert "backups kept 7 days" in result.detail


def test_each_missing_property_is_named(rds):
    result = check_instance(describe(rds, "odoo-ladder-bad"), "odoo-ladder-bad")
    assert not result.ok
    for problem in ("publicly accessible", "storage is not encrypted", "deletion protection is off",
                    "automated backups kept 1 days"):
        assert problem in result.detail


def test_a_missing_instance_says_what_to_do(rds):
    result = check_instance(describe(rds, "odoo-ladder-none"), "odoo-ladder-none")
    assert not result.ok and "has `pulumi up` run at step 5?" in result.detail


def test_force_ssl_is_read_from_the_instances_parameter_group(rds):
    assert check_force_ssl(rds, describe(rds, "odoo-ladder-good")).ok
    plain = check_force_ssl(rds, describe(rds, "odoo-ladder-bad"))
    assert not plain.ok and "rds.force_ssl = 0" in plain.detail


@pytest.mark.parametrize("minutes, ok", [(3, True), (15, True), (16, False)])
def test_the_latest_restorable_time_must_be_recent(minutes, ok):
    instance = {"LatestRestorableTime": NOW - datetime.timedelta(minutes=minutes)}
    assert check_restorable(instance, NOW).ok is ok
    assert not check_restorable({}, NOW).ok


@pytest.mark.parametrize("answer, ok, says", [("3 0\n", True, "3 sessions of the odoo role, 0 without TLS"),
                                              ("3 1\n", False, "1 without TLS"),
                                              ("0 0\n", False, "is Odoo running on RDS?"),
                                              ("", False, "could not read pg_stat_ssl")])
def test_odoos_connections_must_all_be_on_tls(answer, ok, says):
    sent = []

    def run(command):
        sent.append(command)
        return answer
    result = check_odoo_tls(run, "odoo-prod", "/srv/odoo-ladder")
    assert result.ok is ok and says in result.detail
    assert ". /etc/odoo-ladder/odoo-prod/database.env" in sent[0] and "usename = 'odoo'" in sent[0]
    assert 'rm -rf "$work"' in sent[0], "the master's passfile must not outlive the check"


def test_the_tls_command_passes_shellcheck_as_sh(tmp_path):
    tool = require_tool("shellcheck")
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\n" + odoo_tls_command("odoo-prod", "/srv/odoo-ladder"))
    result = subprocess.run([tool, "--shell=sh", "-e", "SC1091", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout

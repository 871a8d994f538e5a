"""Step 5's outcome checks on the RDS instance (boto3 RDS client in, CheckResult out), and on Odoo's
own connections to it (read on RDS through the host, with SSM).

The instance: not public, encrypted, deletion-protected, automated backups kept at least 7 days,
a restorable time at most 15 minutes old (PITR is working), and `rds.force_ssl` on in its
parameter group. Odoo's connections: every session of the `odoo` role is on TLS (pg_stat_ssl).
"""
from __future__ import annotations

import datetime
from typing import Callable, Optional

from ladder.checks.result import CheckResult

MIN_RETENTION_DAYS = 7
RESTORABLE_WITHIN = datetime.timedelta(minutes=15)


def describe(rds, identifier: str) -> Optional[dict]:
    try:
        return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except rds.exceptions.DBInstanceNotFoundFault:
        return None


def check_instance(instance: Optional[dict], identifier: str) -> CheckResult:
    title = f"RDS {identifier} is private, encrypted, deletion-protected, kept {MIN_RETENTION_DAYS}+ days"
    if instance is None:
        return CheckResult(title, False, "no such instance: has `pulumi up` run at step 5?")
    problems = []
    if instance.get("PubliclyAccessible"):
        problems.append("it is publicly accessible")
    if not instance.get("StorageEncrypted"):
        problems.append("its storage is not encrypted")
    if not instance.get("DeletionProtection"):
        problems.append("deletion protection is off")
    retention = instance.get("BackupRetentionPeriod", 0)
    if retention < MIN_RETENTION_DAYS:
        problems.append(f"automated backups kept {retention} days")
    detail = f"{instance.get('DBInstanceClass')}, {instance.get('Engine')} {instance.get('EngineVersion')}, " \
             f"backups kept {retention} days"
    return CheckResult(title, not problems, "; ".join(problems) or detail)


def check_restorable(instance: Optional[dict], now: datetime.datetime) -> CheckResult:
    title = "point-in-time recovery reaches the last 15 minutes"
    latest = (instance or {}).get("LatestRestorableTime")
    if latest is None:
        return CheckResult(title, False, "RDS reports no restorable time: are automated backups on?")
    age = now - latest
    minutes = age.total_seconds() / 60
    return CheckResult(title, age <= RESTORABLE_WITHIN, f"latest restorable time {latest.isoformat()}, "
                                                        f"{minutes:.1f} min ago")


def check_force_ssl(rds, instance: Optional[dict]) -> CheckResult:
    title = "rds.force_ssl is on"
    groups = [g["DBParameterGroupName"] for g in (instance or {}).get("DBParameterGroups", [])]
    if not groups:
        return CheckResult(title, False, "the instance names no parameter group")
    pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=groups[0])
    value = next((p.get("ParameterValue") for page in pages for p in page["Parameters"]
                  if p["ParameterName"] == "rds.force_ssl"), None)
    return CheckResult(title, value == "1", f"{groups[0]}: rds.force_ssl = {value}")


# Run on the host as root: the master's passfile for one query, gone when it ends (as the delivery's
# own admin steps do it); prints `<sessions of odoo> <of them without TLS>`.
ODOO_TLS_QUERY = ("SELECT count(*), count(*) FILTER (WHERE NOT s.ssl) FROM pg_stat_activity a "
                  "JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'odoo'")


def odoo_tls_command(project: str, project_dir: str) -> str:
    env = f"/etc/odoo-ladder/{project}/database.env"
    return f"""set -eu
. {env}
work=$(mktemp -d /run/odoo-ladder-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -I {project_dir}/database/odoo-rds-pgpass --secret-arn "$MASTER_SECRET_ARN" --region "$AWS_REGION" \\
    --host "$PGHOST" --port "$PGPORT" --out "$work/pgpass" 2>/dev/null
/usr/lib/postgresql/16/bin/psql -X -At -F ' ' -d "host=$PGHOST port=$PGPORT user=ladder_admin dbname=postgres \\
sslmode=verify-full sslrootcert=$PGSSLROOTCERT passfile=$work/pgpass" -c "{ODOO_TLS_QUERY}"
"""


def check_odoo_tls(run: Callable[[str], str], project: str, project_dir: str) -> CheckResult:
    title = "Odoo's own connections to RDS use TLS"
    try:
        output = run(odoo_tls_command(project, project_dir)).split()
        sessions, plain = int(output[0]), int(output[1])
    except (RuntimeError, ValueError, IndexError) as err:
        return CheckResult(title, False, f"could not read pg_stat_ssl through the host: {err}")
    if sessions == 0:
        return CheckResult(title, False, "no session of the odoo role: is Odoo running on RDS?")
    return CheckResult(title, plain == 0, f"{sessions} sessions of the odoo role, {plain} without TLS")

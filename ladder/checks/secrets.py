"""Step 3's outcome checks: the secrets are in the store, encrypted, and nowhere on the host's disk."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from ladder.checks.result import CheckResult

HOST_SCAN = Path(__file__).with_name("host_scan.py")
# What the host scans, most likely places first (the scan is bounded in time): the compose
# project, system config, cloud-init's copy of the user-data, the data volume (less the database
# and the filestore), home folders; Docker's container configs (environment), logs and volumes,
# then its image and container layers; system logs, the SSM agent's copies of documents and
# command output, and /tmp.
HOST_ROOTS = ("/srv/odoo-ladder", "/etc", "/var/lib/cloud", "/srv/odoo-data", "/root", "/home",
              "/var/lib/docker/containers", "/var/lib/docker/volumes", "/var/log", "/var/lib/amazon/ssm", "/tmp",
              "/var/lib/docker")
SCAN_MAX_FILE_MIB = 16
SCAN_TIME_LIMIT_SECONDS = 240


def check_store(client, store: str, names: dict[str, str]) -> CheckResult:
    """Every secret exists; in SSM as a SecureString. `client` is a boto3 ssm or secretsmanager client."""
    name = f"secrets in {store}"
    problems = []
    for key, secret_name in names.items():
        try:
            if store == "ssm":
                kind = client.get_parameter(Name=secret_name, WithDecryption=False)["Parameter"]["Type"]
                if kind != "SecureString":
                    problems.append(f"{secret_name} is a {kind}, not a SecureString")
            else:
                client.describe_secret(SecretId=secret_name)
        except client.exceptions.ClientError as err:
            problems.append(f"{secret_name}: {err.response['Error']['Code']}")
    if problems:
        return CheckResult(name, False, "; ".join(problems) + ": run `pulumi up` to create them")
    return CheckResult(name, True, f"{len(names)} present" + (", all SecureString" if store == "ssm" else ""))


def host_scan_command(store: str, region: str, path: str) -> str:
    """The shell command SSM runs on the host: the scan's source travels in it; no secret does."""
    return (f"python3 - --max-file-mib {SCAN_MAX_FILE_MIB} --time-limit {SCAN_TIME_LIMIT_SECONDS} "
            f"{store} {region} {path} {' '.join(HOST_ROOTS)} <<'ODOO_LADDER_SCAN'\n"
            f"{HOST_SCAN.read_text()}ODOO_LADDER_SCAN")


def check_host_disk(run_on_host: Callable[[str], str], store: str, region: str, path: str) -> CheckResult:
    """`run_on_host` runs a shell command on the host and returns its standard output."""
    name = "no secret on the host's disk"
    try:
        report = json.loads(run_on_host(host_scan_command(store, region, path)).strip().splitlines()[-1])
    except (RuntimeError, ValueError, IndexError) as err:
        return CheckResult(name, False, f"the scan did not run to the end: {err}")
    bounds = _bounds(report)
    if report["leaks"]:
        more = report.get("leak_count", len(report["leaks"])) - len(report["leaks"])
        listed = ", ".join(report["leaks"]) + (f" and {more} more" if more > 0 else "")
        return CheckResult(name, False, f"found in {listed}: remove the files and rotate the secrets "
                                        f"(docs/secrets.md){bounds}")
    if report.get("unfinished"):
        return CheckResult(name, False, f"incomplete: {report['scanned']} files scanned, none holds a secret, but "
                                        f"the time limit stopped it in {', '.join(report['unfinished'])}{bounds}")
    return CheckResult(name, True, f"{report['scanned']} files scanned, none holds a secret{bounds}")


def _bounds(report: dict) -> str:
    """What the scan's bounds left out, said plainly."""
    limits = report.get("limits", {})
    notes = []
    if report.get("skipped_large"):
        notes.append(f"{report['skipped_large']} files over {limits.get('max_file_mib')} MiB not read")
    if limits:
        notes.append(f"time limit {limits.get('time_limit_seconds'):g} s")
    return f" ({'; '.join(notes)})" if notes else ""


def ssm_runner(ssm_client, instance_id: str, timeout: float = 300) -> Callable[[str], str]:
    """Runs a command on the instance with AWS-RunShellScript and waits for its output."""
    def run(command: str) -> str:
        sent = ssm_client.send_command(InstanceIds=[instance_id], DocumentName="AWS-RunShellScript",
                                       Parameters={"commands": command.splitlines()},
                                       Comment="odoo-ladder verify: secret scan")
        command_id = sent["Command"]["CommandId"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(2)
            try:
                result = ssm_client.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
            except ssm_client.exceptions.InvocationDoesNotExist:
                continue
            if result["Status"] in ("Pending", "InProgress", "Delayed"):
                continue
            if result["Status"] != "Success":
                raise RuntimeError(f"{result['Status']}: {result.get('StandardErrorContent', '')[:300]}")
            return result["StandardOutputContent"]
        raise RuntimeError(f"no result within {timeout:.0f}s")
    return run

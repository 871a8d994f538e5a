"""`ladder doctor`: the pre-flight check before `pulumi up`. Says exactly what is missing and how to get it.

It only looks: it never installs, logs in or calls AWS over the network (credentials are found
through botocore's chain with the instance metadata lookup switched off, not tried). Each finding
says whether `./up.sh` fixes it (the Pulumi CLI, the Pulumi login) or the user must.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from configs.errors import ConfigError

PULUMI_INSTALL = ("./up.sh installs it with Pulumi's official installer (curl -fsSL https://get.pulumi.com | sh), "
                  "which puts it in ~/.pulumi/bin; or see https://www.pulumi.com/docs/install/")


@dataclass(frozen=True)
class Finding:
    what: str
    ok: bool
    detail: str
    fix: str = ""
    up_fixes: bool = False  # ./up.sh does it for you

    def line(self) -> str:
        if self.ok:
            return f"ok       {self.what}: {self.detail}"
        by = " (./up.sh does this)" if self.up_fixes else ""
        return f"MISSING  {self.what}: {self.detail}\n         fix{by}: {self.fix}"


def _run(argv: list[str], timeout: float = 15) -> subprocess.CompletedProcess | None:
    """None when the command is not on PATH or did not answer in time."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None


def check_python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    return Finding("Python", sys.version_info >= (3, 11), version,
                   "install Python 3.11 or newer with venv (Debian/Ubuntu: apt install python3 python3-venv)")


def check_docker() -> list[Finding]:
    if shutil.which("docker") is None:
        return [Finding("Docker engine", False, "`docker` is not on PATH",
                        "install Docker Engine: https://docs.docker.com/engine/install/ (Debian: apt install docker.io)")]
    info = _run(["docker", "info", "--format", "{{.ServerVersion}}"])
    engine = Finding("Docker engine", bool(info and info.returncode == 0),
                     f"server {info.stdout.strip()}" if info and info.returncode == 0 else
                     "the docker CLI is here but no engine answers",
                     "start the engine (sudo systemctl start docker) and let your user use it "
                     "(sudo usermod -aG docker $USER, then log in again)")
    compose = _run(["docker", "compose", "version", "--short"])
    plugin = Finding("Docker compose plugin", bool(compose and compose.returncode == 0),
                     compose.stdout.strip() if compose and compose.returncode == 0 else "`docker compose` does not work",
                     "install the compose plugin: https://docs.docker.com/compose/install/linux/ "
                     "(Debian/Ubuntu with Docker's repository: apt install docker-compose-plugin)")
    return [engine, plugin]


def check_pulumi() -> list[Finding]:
    version = _run(["pulumi", "version"])
    if version is None or version.returncode != 0:
        return [Finding("Pulumi CLI", False, "`pulumi` is not on PATH", PULUMI_INSTALL, up_fixes=True),
                Finding("Pulumi login", False, "needs the CLI first",
                        "pulumi login --local (state in ~/.pulumi on this machine), or pulumi login for Pulumi Cloud",
                        up_fixes=True)]
    cli = Finding("Pulumi CLI", True, version.stdout.strip())
    who = _run(["pulumi", "whoami", "--verbose"])
    logged_in = bool(who and who.returncode == 0)
    backend = next((line.split(":", 1)[1].strip() for line in (who.stdout if who else "").splitlines()
                    if line.startswith("Backend URL")), "logged in") if logged_in else "no backend logged in"
    return [cli, Finding("Pulumi login", logged_in, backend,
                         "pulumi login --local keeps the state on this machine; it then asks for a passphrase that "
                         "encrypts the stack's secrets (set PULUMI_CONFIG_PASSPHRASE to skip the prompt)",
                         up_fixes=True)]


def check_aws(region: str | None) -> list[Finding]:
    import botocore.session
    saved = os.environ.get("AWS_EC2_METADATA_DISABLED")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"  # look for credentials, do not ask the network
    try:
        credentials = botocore.session.Session().get_credentials()
    finally:
        if saved is None:
            del os.environ["AWS_EC2_METADATA_DISABLED"]
        else:
            os.environ["AWS_EC2_METADATA_DISABLED"] = saved
    found = [Finding("AWS credentials", credentials is not None,
                     f"from {credentials.method}" if credentials else "none found (environment, ~/.aws, SSO)",
                     "aws configure (access keys) or aws configure sso; or export AWS_PROFILE=<profile>")]
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    found.append(Finding("AWS region", bool(region), region or "not set",
                         "set aws:region in the stack file (pulumi config set aws:region eu-south-1)"))
    return found


def diagnose(stack: str) -> list[Finding]:
    from configs.load import from_stack_file
    findings = [check_python()]
    try:
        cfg = from_stack_file(stack)
    except (ConfigError, FileNotFoundError) as err:
        findings.append(Finding(f"stack {stack}", False, " ".join(str(err).split()),
                                "copy an example: cp configs/stacks/step0.yaml Pulumi.<stack>.yaml"))
        return findings + check_pulumi()
    if cfg.settings.target == "local":
        findings += check_docker()
    findings += check_pulumi()
    if cfg.settings.target == "aws":
        findings += check_aws(cfg.provider.get("aws:region"))
    return findings


def exit_code(findings: list[Finding]) -> int:
    """0: ready; 3: only what ./up.sh fixes is missing; 1: the user must fix something first."""
    missing = [f for f in findings if not f.ok]
    if not missing:
        return 0
    return 3 if all(f.up_fixes for f in missing) else 1

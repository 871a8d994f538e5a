"""Bad config is refused before any resource is registered, with one message that names the key.

Each case is a stack file. It is refused three ways, as a user meets it: by `python -m ladder plan`
(exit 2, the message, no traceback), by the program under Pulumi's mocks (nothing registered), and
by `from_mapping` (the message names the key and says what to do, in plain words).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pytest
import yaml

from configs.errors import ConfigError
from configs.gates import max_built_step
from configs.load import from_mapping, from_stack_file
from ladder.cli import main as ladder_main
from ladder.mocked import StackRun, run_stack, stack_config
from tests.stacks import aws, local

DIGEST = "sha256:" + "0123456789abcdef" * 4
ECR = "123456789012.dkr.ecr.eu-south-1.amazonaws.com"
GITHUB = {"owner": "acme", "repo": "erp-infra", "state_bucket": "odoo-ladder-state-123456789012-eu-south-1",
          "state_key_arn": "arn:aws:kms:eu-south-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}


@dataclass
class Case:
    id: str
    config: dict[str, Any]
    key: str
    advice: str
    stack: str = "test"
    # Keys Pulumi marks secret; None: every password key is `secure:` (the usual case).
    secret_keys: Optional[list[str]] = None
    absent: list[str] = field(default_factory=list)


def without(config: dict, *keys: str) -> dict:
    return {k: v for k, v in config.items() if k not in keys}


CASES = [
    # A typo in a namespace, unknown provider keys, the region.
    Case("namespace-typo", {**aws(), "odoo-lader:step": "1"}, "odoo-lader:step", "did you mean odoo-ladder:step?"),
    Case("namespace-underscore", {**aws(), "odoo_ladder:proxy": {"kind": "nginx"}}, "odoo_ladder:proxy",
         "unknown namespace"),
    Case("aws-namespace-typo", {**aws(), "asw:region": "eu-south-1"}, "asw:region", "did you mean aws:region?"),
    Case("aws-key-typo", {**aws(), "aws:regoin": "eu-south-1"}, "aws:regoin", "did you mean region?"),
    Case("aws-endpoints", {**aws(), "aws:endpoints": [{"ec2": "http://localhost:4566"}]}, "aws:endpoints",
         "not supported"),
    Case("aws-secret-key-plain", {**aws(), "aws:secretKey": "wJalrXUtnFEMI"}, "aws:secretKey",
         "pulumi config set --secret aws:secretKey", secret_keys=[]),
    Case("no-region", without(aws(), "aws:region"), "aws:region", "required on AWS stacks"),
    Case("region-typo", {**aws(), "aws:region": "eu-south-l"}, "aws:region", "did you mean eu-south-1?"),
    Case("region-other-partition", {**aws(), "aws:region": "cn-north-1"}, "aws:region", "arn:aws:"),
    Case("bare-key", {**aws(), "step": "1"}, "step", "write odoo-ladder:step"),
    Case("flat-dotted-key", {**aws(), "odoo-ladder:odoo.version": "18.0"}, "odoo-ladder:odoo.version",
         "pulumi config set --path odoo-ladder:odoo.version"),
    Case("unknown-key", local(wokers=2), "odoo-ladder:wokers", "did you mean odoo-ladder:odoo.workers?"),
    Case("unknown-nested-key", local(odoo={"version": "18.0", "wrokers": 2}), "odoo-ladder:odoo.wrokers",
         "check its spelling"),
    # Types: strict, in plain words.
    Case("step-true", {**aws(), "odoo-ladder:step": "true"}, "odoo-ladder:step", "must be a whole number"),
    Case("workers-text", local(odoo={"workers": "many"}), "odoo-ladder:odoo.workers", "must be a whole number"),
    Case("workers-float", local(odoo={"workers": 2.5}), "odoo-ladder:odoo.workers", "must be a whole number"),
    Case("flag-yes", aws(allow_world_admin="yes"), "odoo-ladder:allow_world_admin", "must be true or false"),
    Case("version-16", local(odoo={"version": "16.0"}), "odoo-ladder:odoo.version", "'17.0', '18.0' or '19.0'"),
    Case("version-unquoted", local(odoo={"version": 18.0}), "odoo-ladder:odoo.version",
         'write it in quotes, e.g. "18.0"', absent=["Input should"]),
    Case("step-8", local(step=8), "odoo-ladder:step", "must be at most 7"),
    Case("step-negative", local(step=-1), "odoo-ladder:step", "must be at least 0"),
    Case("cidrs-not-a-list", aws(admin_cidrs="203.0.113.7/32"), "odoo-ladder:admin_cidrs", "must be a list",
         absent=["valid tuple", "valid list"]),
    Case("odoo-not-a-map", aws(odoo="18.0"), "odoo-ladder:odoo", "must be a map of settings",
         absent=["instance of", "OdooSettings"]),
    Case("backup-time-base60", aws(4, backup={"time": 750}), "odoo-ladder:backup.time", 'in quotes, e.g. "03:15"'),
    Case("backup-time-25", aws(backup={"time": "25:00"}), "odoo-ladder:backup.time", "HH:MM"),
    Case("ami", aws(host={"ami": "ubuntu"}), "odoo-ladder:host.ami", "AMI id"),
    # Steps and components this release does not build.
    # Step 7's cluster needs what steps 5 and 6 build: RDS and the registry's image.
    Case("step-7-container-db", aws(7, database={"kind": "container"}), "odoo-ladder:cluster.enabled",
         "set odoo-ladder:database.kind to rds (step 5) first", absent=["not built"]),
    Case("step-7-no-registry", aws(7, registry={"enabled": False}), "odoo-ladder:registry.enabled",
         "do not switch the registry off at step 7", absent=["not built"]),
    Case("local-step-4", local(step=4), "odoo-ladder:step", "to aws for steps 3-7", absent=["3-6"]),
    Case("local-rds", local(database={"kind": "rds"}), "odoo-ladder:database.kind", "rds needs AWS"),
    Case("local-nginx-no-domain", local(step=2), "odoo-ladder:proxy.kind", "nginx + certbot needs a public name"),
    Case("local-traefik-no-domain", local(step=1, proxy={"kind": "traefik"}), "odoo-ladder:proxy.kind",
         "traefik needs a public name"),
    Case("registry-no-github", aws(registry={"enabled": True}), "odoo-ladder:registry.github.owner",
         "needed for the CI roles"),
    Case("local-registry", local(registry={"enabled": True}), "odoo-ladder:registry.enabled", "needs AWS"),
    # The host's role pulls from this stack's repository only (registry-host-pull): another is refused.
    *[Case(f"registry-image-{what}", aws(4, registry={"enabled": True, "github": GITHUB, "image": f"{ECR}/{repo}@{DIGEST}"}),
           "odoo-ladder:registry.image", "the host may pull only this stack's repository, "
           "<account>.dkr.ecr.eu-south-1.amazonaws.com/odoo-ladder/test (stack output registry_url)")
      for what, repo in (("other-stack", "odoo-ladder/staging"), ("other-repository", "acme/odoo"),
                         ("prefix-of-stack", "odoo-ladder/test2"))],
    Case("local-secrets", local(step=2, domain="erp.example.org", secrets={"enabled": True}),
         "odoo-ladder:secrets.enabled", "needs AWS"),
    # Secrets in plain text.
    Case("db-password-plain", {**aws(), "odoo-ladder:db_password": "hunter2"}, "odoo-ladder:db_password",
         "pulumi config set --secret odoo-ladder:db_password", secret_keys=[], absent=["hunter2"]),
    Case("admin-passwd-plain", {**aws(), "odoo-ladder:admin_passwd": "it's"}, "odoo-ladder:admin_passwd",
         "pulumi config set --secret odoo-ladder:admin_passwd", secret_keys=[]),
    # Names.
    Case("domain-ip", aws(1, domain="203.0.113.9"), "odoo-ladder:domain", "not an IP address"),
    Case("domain-single-label", aws(1, domain="erp"), "odoo-ladder:domain", "full DNS name"),
    Case("domain-localhost-on-aws", aws(1, domain="localhost"), "odoo-ladder:domain", "no public certificate"),
    Case("domain-url", aws(1, domain="https://erp.example.org/"), "odoo-ladder:domain", "must be a DNS hostname"),
    Case("domain-underscore", aws(1, domain="erp_example.org"), "odoo-ladder:domain", "must be a DNS hostname"),
    Case("domain-missing", without(aws(1), "odoo-ladder:domain"), "odoo-ladder:domain", "set it"),
    *[Case(f"db-name-{name}", aws(odoo={"db_name": name}), "odoo-ladder:odoo.db_name", "PostgreSQL's own")
      for name in ("postgres", "template0", "template1")],
    Case("stack-name-dot", aws(), "stack name 'a.b'", "pulumi stack rename a-b", stack="a.b"),
    Case("stack-name-upper", local(), "stack name 'Prod'", "lower-case", stack="Prod"),
    # The image.
    Case("image-major-mismatch", aws(odoo={"version": "17.0", "image": "odoo:18.0"}), "odoo-ladder:odoo.image",
         "not Odoo 17.0"),
    Case("image-latest", aws(odoo={"image": "odoo:latest"}), "odoo-ladder:odoo.image", "not Odoo 18.0"),
    Case("image-digest-only", aws(odoo={"image": f"odoo@{DIGEST}"}), "odoo-ladder:odoo.image", "needs a tag"),
    Case("image-bad-digest", aws(odoo={"image": "odoo:18.0@sha256:abc"}), "odoo-ladder:odoo.image",
         "64 hex digits"),
    Case("image-shell", aws(odoo={"image": "odoo:18.0;reboot"}), "odoo-ladder:odoo.image", "not an image tag"),
    Case("image-not-official-step0", aws(0, odoo={"image": "ghcr.io/me/odoo:18.0"}), "odoo-ladder:odoo.image",
         "runs the official odoo image"),
    Case("image-not-official-step3", aws(3, odoo={"image": "ghcr.io/me/odoo:18"}), "odoo-ladder:odoo.image",
         "runs the official odoo image"),
    # Values rendered into shell scripts.
    Case("acme-ca-quote", aws(2, proxy={"kind": "nginx", "acme_ca": "https://ca.example/dir'; touch /tmp/x; '"}),
         "odoo-ladder:proxy.acme_ca", "must be the https:// URL"),
    Case("acme-ca-http", aws(1, proxy={"acme_ca": "http://ca.example/dir"}), "odoo-ladder:proxy.acme_ca",
         "must be the https:// URL"),
    Case("acme-email-quote", aws(1, acme_email="ops'$(id)'@example.org"), "odoo-ladder:acme_email",
         "must be an e-mail address"),
    Case("acme-email-space", aws(1, acme_email="ops@example.org -m x"), "odoo-ladder:acme_email",
         "must be an e-mail address"),
    # The admin guard.
    Case("world-admin", aws(admin_cidrs=["0.0.0.0/0"]), "odoo-ladder:admin_cidrs", "allow_world_admin: true"),
    Case("world-admin-00", aws(admin_cidrs=["0.0.0.0/00"]), "odoo-ladder:admin_cidrs", "allow_world_admin: true"),
    Case("world-admin-halves", aws(admin_cidrs=["0.0.0.0/1", "128.0.0.0/1"]), "odoo-ladder:admin_cidrs",
         "4,294,967,296 addresses"),
    Case("world-admin-slash7", aws(admin_cidrs=["10.0.0.0/7"]), "odoo-ladder:admin_cidrs", "allow_world_admin"),
    *[Case(f"ipv6-{cidr}", aws(admin_cidrs=[cidr]), "odoo-ladder:admin_cidrs", "VPC has no IPv6")
      for cidr in ("::0/0", "0::/0", "2001:db8::/64")],
    Case("no-admin-cidrs", aws(admin_cidrs=[]), "odoo-ladder:admin_cidrs", "nobody can reach it"),
    Case("cidr-no-prefix", aws(admin_cidrs=["203.0.113.7"]), "odoo-ladder:admin_cidrs", "add the prefix length"),
    Case("cidr-33", aws(admin_cidrs=["203.0.113.0/33"]), "odoo-ladder:admin_cidrs", "not a CIDR"),
    # Combinations.
    Case("workers-0-behind-proxy", aws(1, odoo={"workers": 0}), "odoo-ladder:odoo.workers", "workers >= 2"),
    Case("workers-1", aws(odoo={"workers": 1}), "odoo-ladder:odoo.workers", "1 worker"),
    Case("cold-after-keep", aws(4, backup={"keep_days": 30, "cold_after_days": 30}),
         "odoo-ladder:backup.cold_after_days", "not below keep_days"),
]


def as_stack_file(case: Case, folder) -> str:
    """The case written as the user's `Pulumi.<stack>.yaml` (plain values: no `secure:` in these)."""
    path = folder / f"Pulumi.{case.stack}.yaml"
    path.write_text(yaml.safe_dump({"config": {k: v for k, v in case.config.items() if v is not None}}))
    return str(path)


def refused_by_program(config: dict, stack: str = "test", secret_keys=None) -> str:
    """The mocked program refuses the config and registers nothing at all."""
    run = StackRun()
    with pytest.raises(ConfigError) as caught:
        run_stack(config, stack=stack, into=run, secret_keys=secret_keys)
    assert run.resources == [], [r.name for r in run.resources]
    return str(caught.value)


def assert_says(message: str, case: Case) -> None:
    assert f"{case.key}:" in message or f"{case.key} " in message, message
    assert case.advice in message, message
    for word in case.absent:
        assert word not in message, message


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_program_refuses_it_and_registers_nothing(case):
    assert_says(refused_by_program(case.config, case.stack, case.secret_keys), case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ladder_plan_refuses_the_stack_file_without_a_traceback(case, tmp_path, capsys):
    assert ladder_main(["plan", as_stack_file(case, tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert_says(err, case)


# Stack files that are wrong before any key is read: what Pulumi itself would refuse or ignore.
BAD_FILES = [
    ("empty", "", "the file is empty"),
    ("comment-only", "# nothing\n", "the file is empty"),
    ("root-typo", "confg:\n  odoo-ladder:target: aws\n", "unknown top-level key 'confg'; check its spelling; did you "
                                                          "mean config?"),
    ("no-config-key", "odoo-ladder:target: aws\n", "settings go under `config:`"),
    ("config-empty", "config:\n", "`config:` is empty"),
    ("none-of-ours", "config:\n  aws:region: eu-south-1\n", "the stack has no odoo-ladder: settings"),
    ("config-a-list", "config:\n  - odoo-ladder:target: aws\n", "`config:` must be a map of settings"),
    ("a-list", "- config\n- odoo-ladder:step\n", "a stack file is a map with a `config:` key, but this one is a list"),
    ("a-string", "odoo-ladder step 1\n", "but this one is a single value"),
    ("syntax-error", "config:\n  odoo-ladder:target: [aws\n", "not valid YAML at line 3"),
    ("tab-indent", "config:\n\todoo-ladder:target: aws\n", "not valid YAML at line 2"),
    ("duplicate-key", "config:\n  odoo-ladder:target: aws\n  odoo-ladder:target: local\n",
     "the key 'odoo-ladder:target' appears twice"),
    ("duplicate-nested-key", "config:\n  odoo-ladder:target: local\n  odoo-ladder:odoo:\n    workers: 2\n"
                             "    workers: 4\n", "the key 'workers' appears twice"),
    ("step-true", "config:\n  odoo-ladder:target: local\n  odoo-ladder:step: true\n", "must be a whole number"),
    ("world-admin-yes", "config:\n  aws:region: eu-south-1\n  odoo-ladder:target: aws\n  odoo-ladder:admin_cidrs: "
                        "['0.0.0.0/0']\n  odoo-ladder:allow_world_admin: yes\n", "must be true or false"),
    ("plain-db-password", "config:\n  odoo-ladder:target: local\n  odoo-ladder:db_password: hunter2\n",
     "run `pulumi config set --secret odoo-ladder:db_password`"),
]


@pytest.mark.parametrize("text, advice", [(t, a) for _, t, a in BAD_FILES], ids=[i for i, _, _ in BAD_FILES])
def test_a_malformed_stack_file_gets_one_clear_message(text, advice, tmp_path, capsys):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(text)
    assert ladder_main(["plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert advice in err
    assert "Traceback" not in err and len(err.splitlines()) <= 3, err
    try:  # Pulumi refuses what is not YAML or not a stack file; what it would pass on, the program refuses
        config = stack_config(str(path))
    except ConfigError:
        return
    refused_by_program(config, "bad", secret_keys=[])


def test_the_program_refuses_a_stack_with_none_of_our_settings():
    assert "no odoo-ladder: settings" in refused_by_program({"aws:region": "eu-south-1"})


def test_pulumi_up_ends_with_the_message_not_a_traceback():
    """__main__ turns a ConfigError into pulumi.RunError, which Pulumi prints without a stack trace."""
    from tests.harness import main_refusal
    message = main_refusal({"odoo-ladder:target": "aws", "odoo-ladder:step": "true"})
    assert "odoo-ladder:step: must be a whole number" in message


# What must keep working.

def test_world_admin_access_is_accepted_only_when_acknowledged():
    cfg = from_mapping("test", aws(admin_cidrs=["0.0.0.0/00"], allow_world_admin=True))
    assert cfg.settings.admin_cidrs == ("0.0.0.0/0",)


def test_pulumi_hands_numbers_and_flags_as_text_and_they_still_work():
    cfg = from_mapping("test", {**aws(3), "odoo-ladder:step": "3", "odoo-ladder:allow_world_admin": "false"})
    assert cfg.settings.step == 3 and cfg.settings.allow_world_admin is False


@pytest.mark.parametrize("step", [0, 3])
def test_a_digest_pins_the_image_that_runs(step):
    image = f"odoo:18.0@{DIGEST}"
    run = run_stack(aws(step, odoo={"image": image}))
    from tests.stacks import compose_of
    assert compose_of(run)["services"]["odoo"]["image"] == image


def test_a_secret_given_as_secure_is_accepted(tmp_path):
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text("config:\n  odoo-ladder:target: local\n  odoo-ladder:db_password:\n    secure: AAABAJ2x\n")
    assert from_stack_file(str(path)).given_secrets == frozenset({"db_password"})


def test_an_unquoted_time_stays_a_time_as_in_pulumis_yaml(tmp_path):
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text("config:\n  aws:region: eu-south-1\n  odoo-ladder:target: aws\n  odoo-ladder:step: 4\n"
                    "  odoo-ladder:domain: erp.example.org\n  odoo-ladder:backup: {time: 12:30}\n")
    assert from_stack_file(str(path)).settings.backup.time == "12:30"
    assert '"time": "12:30"' in stack_config(str(path))["odoo-ladder:backup"]


def test_every_problem_is_reported_at_once():
    message = str(pytest.raises(ConfigError, from_mapping, "a.b",
                                {**local(wokers=2), "odoo-lader:x": "1", "aws:regoin": "x"}).value)
    for key in ("odoo-ladder:wokers", "odoo-lader:x", "aws:regoin", "stack name 'a.b'"):
        assert key in message
    message = str(pytest.raises(ConfigError, from_mapping, "t", local(step=2, database={"kind": "rds"},
                                                                       secrets={"enabled": True})).value)
    assert "odoo-ladder:database.kind" in message and "odoo-ladder:secrets.enabled" in message


def test_the_same_config_registers_resources_when_it_is_good():
    assert run_stack(aws()).resources


def test_an_image_of_the_stacks_own_repository_is_accepted_on_the_host():
    image = f"{ECR}/odoo-ladder/test@{DIGEST}"
    cfg = from_mapping("test", aws(4, registry={"enabled": True, "github": GITHUB, "image": image}))
    assert cfg.settings.registry.image == image

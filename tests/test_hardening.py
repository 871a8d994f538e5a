"""Containers: no-new-privileges, cap_drop ALL plus only what each needs, memory and pids limits
that add up below the instance's memory; docker-compose 1.29 reads them all."""
import copy
import subprocess
from pathlib import Path

import pytest
import yaml

from components.app.hardening import (DEFAULT, HOST_RESERVE_MIB, LOCAL_BUDGET_MIB, SERVICES, container_budget,
                                      harden, mib, profile)
from components.app.instance_memory import memory_mib
from configs.load import from_stack_file
from ladder.render import write_artifacts
from tests.stacks import EXAMPLES
from tests.tools import require_tool

STACKS = ["dev", *[str(p) for p in EXAMPLES]]


@pytest.fixture(scope="module", params=STACKS, ids=lambda s: Path(s).stem)
def rendered(request, tmp_path_factory):
    cfg = from_stack_file(request.param)
    out = tmp_path_factory.mktemp(Path(request.param).stem)
    write_artifacts(cfg, out)
    return cfg, out / "project"


def concurrent_total(services: dict) -> int:
    """What the services that can run at the same time may use together."""
    return sum(mib(s["mem_limit"]) for name, s in services.items() if profile(name).runs_before not in services)


def test_every_service_is_hardened(rendered):
    _, project = rendered
    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    for name, service in services.items():
        assert "no-new-privileges:true" in service["security_opt"], name
        assert service["cap_drop"] == ["ALL"], name
        assert tuple(service.get("cap_add", ())) == profile(name).cap_add, name
        assert mib(service["mem_limit"]) >= profile(name).min_mib, name
        assert service["pids_limit"] == profile(name).pids, name
    assert "cap_add" not in services["odoo"] and "cap_add" not in services["odoo-init"]


def test_limits_add_up_below_the_instance_memory(rendered):
    cfg, project = rendered
    services = yaml.safe_load((project / "docker-compose.yml").read_text())["services"]
    if cfg.settings.target == "local":
        assert concurrent_total(services) <= LOCAL_BUDGET_MIB
        return
    total = memory_mib(cfg.settings.host.instance_type)
    assert concurrent_total(services) <= total - HOST_RESERVE_MIB
    # odoo-init runs to completion before odoo starts: it borrows odoo's share.
    assert services["odoo-init"]["mem_limit"] == services["odoo"]["mem_limit"]


def test_docker_compose_keeps_every_hardening_key(rendered):
    """`config` prints what compose understood: a key it dropped or renamed would be missing."""
    tool = require_tool("docker-compose")
    _, project = rendered
    done = subprocess.run([tool, "-f", "docker-compose.yml", "config"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    understood = yaml.safe_load(done.stdout)["services"]
    for name, service in understood.items():
        assert service["cap_drop"] == ["ALL"], name
        assert service["security_opt"] == ["no-new-privileges:true"], name
        assert service["pids_limit"] > 0 and service["mem_limit"], name


@pytest.mark.parametrize("instance_type", ["t3.small", "t3.medium", "t3a.large", "t4g.xlarge", "m5.large",
                                           "m7i-flex.large", "c6g.xlarge", "r6i.2xlarge"])
def test_every_supported_size_fits_a_full_step_two_project(instance_type):
    names = ["db", "odoo-init", "odoo", "nginx", "certbot", "secrets-writer", "something-new"]
    document = {"services": {name: {"image": "x"} for name in names}}
    hardened = harden(document, container_budget("aws", instance_type))["services"]
    assert concurrent_total(hardened) <= memory_mib(instance_type) - HOST_RESERVE_MIB
    assert hardened["something-new"]["cap_drop"] == ["ALL"] and "cap_add" not in hardened["something-new"]
    assert hardened["something-new"]["pids_limit"] == DEFAULT.pids


def test_a_type_too_small_for_odoo_and_postgres_is_refused_by_its_key():
    with pytest.raises(ValueError, match="host.instance_type: leaves (db|odoo) .* choose a larger type"):
        harden({"services": {"db": {}, "odoo": {}, "caddy": {}}}, container_budget("aws", "t3.micro"))


def test_aws_needs_an_instance_type_to_size_anything():
    with pytest.raises(ValueError, match="host.instance_type"):
        container_budget("aws", None)


def test_harden_is_pure_and_keeps_what_it_does_not_own():
    document = {"services": {"odoo": {"image": "odoo:18.0", "cap_add": ["NET_ADMIN"], "security_opt": ["label:disable"]}},
                "volumes": {"v": {}}}
    before = copy.deepcopy(document)
    hardened = harden(document, 4096)
    assert document == before
    assert hardened["volumes"] == {"v": {}}
    odoo = hardened["services"]["odoo"]
    assert "cap_add" not in odoo  # what the profile grants, never what the input asked for
    assert odoo["security_opt"] == ["label:disable", "no-new-privileges:true"]


def test_every_profile_says_why():
    for name, wanted in SERVICES.items():
        assert len(wanted.why) > 40, name
        assert all(cap == cap.upper() and not cap.startswith("CAP_") for cap in wanted.cap_add), name


@pytest.mark.parametrize("instance_type, gib", [("t3.nano", 0.5), ("t3.medium", 4), ("t4g.2xlarge", 32),
                                                ("m5.large", 8), ("m6i.4xlarge", 64), ("c5.9xlarge", 72),
                                                ("c6g.medium", 2), ("r7i.xlarge", 32), ("m7i-flex.large", 8),
                                                ("m5dn.xlarge", 16)])
def test_instance_memory(instance_type, gib):
    assert memory_mib(instance_type) == int(gib * 1024)


@pytest.mark.parametrize("instance_type", ["c5n.large", "x2idn.large", "m5.metal", "t3.huge", "m4.large"])
def test_unknown_instance_types_are_refused_not_guessed(instance_type):
    with pytest.raises(ValueError, match="host.instance_type"):
        memory_mib(instance_type)

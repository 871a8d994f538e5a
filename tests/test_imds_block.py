"""Containers cannot reach the instance metadata service; the host still can.

The script cloud-init installs runs unchanged (taken from the rendered user-data) inside a
miniature Docker host made of network namespaces (tests/imds_netns.py), with iptables'
DOCKER-USER chain hooked from FORWARD as Docker hooks it.
"""
import subprocess

import pytest
import yaml

from components.host.cloud_init import BLOCK_IMDS_PATH, render_user_data
from tests.imds_netns import IMDS, IMDS6, OTHER, OTHER6, STANDIN_BODY, start_minihost
from tests.tools import require_root, require_tool

DROP_IN = "/etc/systemd/system/docker.service.d/block-imds.conf"


def delivered(path: str) -> str:
    document = yaml.safe_load(render_user_data("vol-0123456789abcdef0"))
    return next(f["content"] for f in document["write_files"] if f["path"] == path)


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("imds") / "block-container-imds"
    path.write_text(delivered(BLOCK_IMDS_PATH))
    path.chmod(0o755)
    return str(path)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    require_root()
    for tool in ("unshare", "nsenter", "ip", "iptables", "ip6tables", "curl", "sysctl"):
        require_tool(tool)
    mini = start_minihost(tmp_path_factory.mktemp("minihost"))
    yield mini
    mini.stop()


@pytest.fixture
def host(mini):
    """Fresh netfilter tables in the host namespace for every test."""
    for tool in ("iptables", "ip6tables"):
        mini.must("host", [tool, "-w", "-F"])
        mini.must("host", [tool, "-w", "-X"])
    return mini


def docker_sets_up_its_chain(mini) -> None:
    """What dockerd does at start: create DOCKER-USER if missing (never flushing it), end it with
    RETURN and jump to it first thing in FORWARD."""
    for tool in ("iptables", "ip6tables"):
        mini.run("host", [tool, "-w", "-N", "DOCKER-USER"])  # fails when it exists, as Docker ignores
        if mini.run("host", [tool, "-w", "-C", "DOCKER-USER", "-j", "RETURN"]).returncode:
            mini.must("host", [tool, "-w", "-A", "DOCKER-USER", "-j", "RETURN"])
        mini.run("host", [tool, "-w", "-D", "FORWARD", "-j", "DOCKER-USER"])
        mini.must("host", [tool, "-w", "-I", "FORWARD", "1", "-j", "DOCKER-USER"])


def run_script(mini, script) -> str:
    return mini.must("host", [script])


def assert_blocked(mini) -> None:
    assert mini.fetch("container", IMDS) is None
    assert mini.fetch("container", IMDS6) is None
    # The drop is exact: the rest of the link, and the host itself, are unaffected.
    assert mini.fetch("container", OTHER) == STANDIN_BODY
    assert mini.fetch("container", OTHER6) == STANDIN_BODY
    assert mini.fetch("host", IMDS) == STANDIN_BODY
    assert mini.fetch("host", IMDS6) == STANDIN_BODY


def test_without_the_rule_a_container_reaches_the_metadata_service(host):
    docker_sets_up_its_chain(host)
    # The control: the topology forwards, so a later failure is the rule's doing.
    assert host.fetch("container", IMDS) == STANDIN_BODY
    assert host.fetch("container", IMDS6) == STANDIN_BODY


def test_the_rule_in_dockers_chain_blocks_containers_not_the_host(host, script):
    docker_sets_up_its_chain(host)
    output = run_script(host, script)
    assert "iptables drops forwarded traffic to 169.254.169.254/32" in output
    assert "ip6tables drops forwarded traffic to fd00:ec2::254/128" in output
    assert_blocked(host)


def test_before_docker_starts_the_script_makes_the_chain_and_docker_keeps_the_rule(host, script):
    run_script(host, script)  # ExecStartPre: empty tables, no Docker chain yet
    assert_blocked(host)
    docker_sets_up_its_chain(host)  # then dockerd starts
    assert_blocked(host)
    rules = host.must("host", ["iptables", "-w", "-S", "DOCKER-USER"]).splitlines()
    assert rules[1] == f"-A DOCKER-USER -d {IMDS}/32 -j DROP"


def test_running_it_again_adds_nothing(host, script):
    docker_sets_up_its_chain(host)
    for _ in range(3):
        run_script(host, script)
    for tool, address in (("iptables", f"{IMDS}/32"), ("ip6tables", f"{IMDS6}/128")):
        rules = host.must("host", [tool, "-w", "-S"]).splitlines()
        assert rules.count(f"-A DOCKER-USER -d {address} -j DROP") == 1
        assert rules.count("-A FORWARD -j DOCKER-USER") == 1


def test_after_docker_rebuilt_its_chain_the_next_start_restores_the_rule(host, script):
    docker_sets_up_its_chain(host)
    run_script(host, script)
    for tool in ("iptables", "ip6tables"):  # a restart that rebuilt everything from scratch
        host.must("host", [tool, "-w", "-F"])
        host.must("host", [tool, "-w", "-X"])
    docker_sets_up_its_chain(host)
    assert host.fetch("container", IMDS) == STANDIN_BODY
    run_script(host, script)  # ExecStartPre/ExecStartPost of that restart
    assert_blocked(host)


def test_docker_runs_the_script_before_and_after_it_starts():
    drop_in = delivered(DROP_IN)
    assert f"ExecStartPre={BLOCK_IMDS_PATH}" in drop_in.splitlines()
    assert f"ExecStartPost={BLOCK_IMDS_PATH}" in drop_in.splitlines()


def test_systemd_accepts_the_drop_in(tmp_path):
    analyze = require_tool("systemd-analyze")
    units = tmp_path / "units"
    (units / "docker.service.d").mkdir(parents=True)
    # A stand-in docker.service (the real one comes with the docker.io package).
    (units / "docker.service").write_text("[Service]\nType=notify\nExecStart=/bin/true\n")
    (units / "docker.service.d" / "block-imds.conf").write_text(delivered(DROP_IN))
    fake = tmp_path / "block-container-imds"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    (units / "docker.service.d" / "block-imds.conf").write_text(delivered(DROP_IN).replace(BLOCK_IMDS_PATH, str(fake)))
    done = subprocess.run([analyze, "verify", str(units / "docker.service")], capture_output=True, text=True,
                          env={"SYSTEMD_UNIT_PATH": f"{units}:", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    assert done.returncode == 0, done.stderr


def test_the_script_passes_shellcheck(script):
    shellcheck = require_tool("shellcheck")
    done = subprocess.run([shellcheck, script], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_imds_answers_one_hop_only_so_no_container_gets_a_token():
    from ladder.mocked import run_stack
    from tests.stacks import aws
    instance = run_stack(aws()).one("aws:ec2/instance:Instance").inputs
    assert instance["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert instance["metadataOptions"]["httpTokens"] == "required"


def test_user_data_with_the_block_stays_well_under_16_kb():
    assert len(render_user_data("vol-0123456789abcdef0").encode()) < 8 * 1024

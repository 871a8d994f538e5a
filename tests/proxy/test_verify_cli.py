"""`python -m ladder verify` for Steps 1-2, run inside the namespaced labs against the live proxies."""
import sys

import pytest


@pytest.fixture(params=[("caddy", 1), ("nginx", 2), ("traefik", 1)], ids=["caddy", "nginx", "traefik"])
def lab_and_stack(request, tmp_path):
    kind, step = request.param
    lab = request.getfixturevalue(f"{kind}_lab")

    def stack(domain: str) -> str:
        path = tmp_path / f"Pulumi.lab-{kind}.yaml"
        path.write_text(f"config:\n  aws:region: eu-south-1\n  odoo-ladder:target: aws\n  odoo-ladder:step: {step}\n"
                        f"  odoo-ladder:domain: {domain}\n  odoo-ladder:acme_email: ops@example.org\n"
                        f"  odoo-ladder:proxy: {{kind: {kind}}}\n")
        return str(path)
    return lab, stack


def verify(lab, stack_file: str, *extra: str):
    return lab.exec(sys.executable, "-m", "ladder", "verify", stack_file, "--host", lab.info["public_ip"],
                    "--ca-bundle", lab.root_ca, *extra, check=False)


def test_verify_passes_every_check_on_the_live_proxy(lab_and_stack):
    lab, stack = lab_and_stack
    result = verify(lab, stack(lab.domain))
    assert result.returncode == 0, result.stdout + result.stderr
    for check in ("DNS for", "certificate for", "http redirects to https", "ports 8069, 8072, 5432 closed",
                  "websocket upgrade"):
        assert f"PASS  {check}" in result.stdout
    assert "5 passed, 0 failed" in result.stdout


def test_verify_says_plainly_when_the_domain_does_not_point_at_the_host(lab_and_stack):
    lab, stack = lab_and_stack
    result = verify(lab, stack("elsewhere.example.org"))
    assert result.returncode == 1
    assert "FAIL  DNS for elsewhere.example.org" in result.stdout
    assert "A record" in result.stdout

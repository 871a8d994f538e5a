"""nginx + certbot over time: first start without a certificate, renewal, log rotation (which
Traefik's entrypoint shares: rotate-log.sh.j2)."""
import time

import pytest

from tests.proxy.netns_lab import NGINX_TEST_LOG_MAX_BYTES

ACCESS_LOG = "/var/log/nginx/odoo/access.log"


def served_serial(lab) -> str:
    return lab.call("served_certificate", host=lab.info["public_ip"], port=443, server_name=lab.domain,
                    cafile=lab.root_ca)["serial"]


def nginx_master_pid(lab) -> str:
    return lab.exec("cat", "/var/run/nginx.pid").stdout.strip()


def test_first_start_had_no_certificate_and_tls_came_without_restart(nginx_lab):
    log = nginx_lab.log("nginx")
    assert "certificate found, TLS server enabled" in log
    assert "certificate changed, nginx reloaded" in log


def test_forced_renewal_is_served_without_restarting_nginx(nginx_lab):
    before_serial, before_pid = served_serial(nginx_lab), nginx_master_pid(nginx_lab)
    # The rendered certbot script, at the path the certbot service mounts it.
    done = nginx_lab.exec("sh", "/opt/odoo-ladder/certbot.sh", "renew", "--force-renewal", check=False)
    assert "Congratulations, all renewals succeeded" in done.stdout + done.stderr, done.stdout + done.stderr
    deadline = time.monotonic() + 20
    serial = before_serial
    while serial == before_serial and time.monotonic() < deadline:
        time.sleep(0.5)
        serial = served_serial(nginx_lab)
    assert serial != before_serial, "nginx still serves the old certificate"
    assert nginx_master_pid(nginx_lab) == before_pid
    assert nginx_lab.exec("kill", "-0", before_pid, check=False).returncode == 0


@pytest.mark.parametrize("kind", ["nginx", "traefik"])
def test_access_log_rotates_and_keeps_logging(kind, request):
    nginx_lab = request.getfixturevalue(f"{kind}_lab")
    ACCESS_LOG = nginx_lab.info["access_log"]
    # Over 500 bytes a line: twice the lab's small LOG_MAX_BYTES in all.
    url = f"https://{nginx_lab.domain}/web/rotation-probe?pad={'x' * 500}"
    count = 2 * NGINX_TEST_LOG_MAX_BYTES // 500
    assert nginx_lab.call("http_burst", url=url, count=count, cafile=nginx_lab.root_ca) == {"200": count}
    deadline = time.monotonic() + 10
    while nginx_lab.exec("test", "-f", f"{ACCESS_LOG}.1", check=False).returncode != 0:
        assert time.monotonic() < deadline, "the access log was not rotated"
        time.sleep(0.5)
    # Reopened, not lost: the workers write to the new file (they open it themselves, through the
    # log folder). A request at a time: the burst may still cause one more rotation meanwhile.
    deadline = time.monotonic() + 10
    while "/web/after-rotation" not in nginx_lab.exec("cat", ACCESS_LOG).stdout:
        assert time.monotonic() < deadline, "the proxy does not write to the new access log"
        nginx_lab.call("http_request", url=f"https://{nginx_lab.domain}/web/after-rotation", cafile=nginx_lab.root_ca)
        time.sleep(0.5)
    if kind == "nginx":
        # Each worker reopens the log itself, through the log volume's folder (0711 on the host).
        errors = nginx_lab.exec("cat", "/var/log/nginx/error.log").stdout.splitlines()
        assert [line for line in errors if ACCESS_LOG in line and "Permission denied" in line] == []


def test_certbot_checks_for_renewal_as_soon_as_it_starts(nginx_lab):
    # The lab's certbot runs with the rendered 12 h interval: a check seen now ran at start.
    deadline = time.monotonic() + 30
    while "not yet due for renewal" not in nginx_lab.log("certbot"):
        assert time.monotonic() < deadline, nginx_lab.log("certbot")[-2000:]
        time.sleep(1)
    assert "odoo-ladder: renewal check" in nginx_lab.log("certbot")

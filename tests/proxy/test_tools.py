"""The rendered artifacts, checked by the real tools that consume them."""
import json
import subprocess
import sys

import pytest

from components.proxy import ProxySite, render_caddyfile, render_proxy
from tests.proxy.lab import REPO
from tests.tools import require_caddy, require_root, require_tool

SITE = ProxySite(domain="erp.example.com", acme_email="ops@example.com", acme_ca=None,
                 internal_ca=False, odoo_version="18.0")
LOCAL_SITE = ProxySite(domain="odoo.localhost", acme_email=None, acme_ca=None,
                       internal_ca=True, odoo_version="17.0")


@pytest.mark.parametrize("site", [SITE, LOCAL_SITE], ids=["acme", "internal-ca"])
def test_caddy_validates_the_caddyfile(site, tmp_path):
    caddy = require_caddy()
    path = tmp_path / "Caddyfile"
    path.write_text(render_caddyfile(site))
    done = subprocess.run([caddy, "validate", "--config", str(path), "--adapter", "caddyfile"],
                          capture_output=True, text=True, env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Valid configuration" in done.stderr + done.stdout
    # caddy warns when a Caddyfile is not formatted or a directive is redundant
    assert '"level":"warn"' not in done.stderr, done.stderr


def _adapted(tmp_path) -> str:
    caddy = require_caddy()
    path = tmp_path / "Caddyfile"
    path.write_text(render_caddyfile(SITE))
    done = subprocess.run([caddy, "adapt", "--config", str(path)], capture_output=True, text=True, check=True)
    return done.stdout


def test_caddy_config_carries_limits_routes_and_no_trusted_proxies(tmp_path):
    adapted = _adapted(tmp_path)
    config = json.loads(adapted)
    assert '"max_size":134217728' in adapted  # 128 MiB, Odoo's own cap
    assert '"dial":"odoo:8072"' in adapted and '"dial":"odoo:8069"' in adapted
    assert '"/websocket*"' in adapted and '"/web/database*"' in adapted
    assert '"read_timeout":720000000000' in adapted  # 720 s, Odoo's reference nginx
    assert "trusted_proxies" not in adapted  # client X-Forwarded-* are never trusted
    assert config["logging"]["logs"]["log0"]["writer"]["roll_keep"] == 10


@pytest.mark.parametrize("phase", ["http", "tls"])
def test_nginx_accepts_each_bootstrap_phase(phase, tmp_path):
    require_root()
    for tool in ("nginx", "unshare", "ip", "openssl"):
        require_tool(tool)
    done = subprocess.run(
        ["unshare", "--net", "--mount", "--fork", sys.executable, "-m", "tests.proxy.nginx_syntax",
         "--phase", phase, "--workdir", str(tmp_path)],
        capture_output=True, text=True, cwd=REPO, timeout=60, env={"PYTHONPATH": str(REPO), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["returncode"] == 0, result["output"]
    assert "test is successful" in result["output"]
    tls_loaded = "ssl_certificate /etc/letsencrypt/live/erp.example.com/fullchain.pem" in result["output"]
    assert tls_loaded == (phase == "tls")


@pytest.mark.parametrize("script", ["proxy/nginx/start.sh", "proxy/certbot/certbot.sh"])
def test_shell_scripts_pass_shellcheck(script, tmp_path):
    shellcheck = require_tool("shellcheck")
    path = tmp_path / "script.sh"
    path.write_text(render_proxy(SITE, "nginx").files[script])
    done = subprocess.run([shellcheck, "--shell=sh", "--severity=style", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout

"""The placeholder sidecar config (components/cluster/sidecar.py) is one real Caddy accepts, with the
routes of PLAN.md contract 4, until step7edge's renderer replaces it."""
import json
import subprocess

from components.cluster.sidecar import SIDECAR_PORT, placeholder_sidecar
from tests.tools import require_caddy


def test_caddy_adapts_the_placeholder_with_the_bus_route_and_vpc_trust(tmp_path):
    caddy = require_caddy()
    sidecar = placeholder_sidecar(str(tmp_path))
    (tmp_path / sidecar.config_name).write_text(sidecar.config)
    result = subprocess.run([caddy, "adapt", "--config", str(tmp_path / sidecar.config_name), "--adapter", "caddyfile"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    server = next(iter(config["apps"]["http"]["servers"].values()))
    assert server["listen"] == [f":{SIDECAR_PORT}"]
    assert server["trusted_proxies"]["ranges"] == ["10.42.0.0/16"]
    text = json.dumps(server["routes"])
    assert '"/websocket"' in text and "127.0.0.1:8072" in text and "127.0.0.1:8069" in text
    assert sidecar.command[-4:] == ("--config", f"{tmp_path}/Caddyfile", "--adapter", "caddyfile")

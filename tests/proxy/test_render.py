"""The pure renderers: inputs reach the output, and invalid input is refused by name."""
import pytest

from components.proxy import ProxySite, bus_route, render_caddyfile, render_proxy
from components.proxy.caddy import LETS_ENCRYPT_PRODUCTION


def site(**overrides) -> ProxySite:
    values = dict(domain="erp.example.com", acme_email="ops@example.com", acme_ca=None,
                  internal_ca=False, odoo_version="18.0")
    return ProxySite(**{**values, **overrides})


@pytest.mark.parametrize("version, route", [("15.0", "/longpolling"), ("16.0", "/websocket"),
                                            ("17.0", "/websocket"), ("19.0", "/websocket")])
def test_bus_route_follows_odoo_version(version, route):
    assert bus_route(version) == route


def test_unsupported_odoo_version_is_refused_by_key():
    with pytest.raises(ValueError, match="odoo_version"):
        site(odoo_version="16.0")


def test_caddy_defaults_to_lets_encrypt_production_and_uses_given_ca():
    assert f"acme_ca {LETS_ENCRYPT_PRODUCTION}" in render_caddyfile(site())
    staging = "https://acme-staging-v02.api.letsencrypt.org/directory"
    text = render_caddyfile(site(acme_ca=staging))
    assert f"acme_ca {staging}" in text and LETS_ENCRYPT_PRODUCTION not in text


def test_caddy_internal_ca_skips_acme():
    text = render_caddyfile(site(domain="odoo.localhost", internal_ca=True, acme_email=None))
    assert "tls internal" in text and "acme_ca" not in text and "email" not in text


def test_caddy_without_email_has_no_email_line():
    assert "\temail" not in render_caddyfile(site(acme_email=None))


@pytest.mark.parametrize("kind", ["caddy", "nginx", "traefik"])
def test_bundle_publishes_only_80_and_443_on_edge(kind):
    bundle = render_proxy(site(), kind)
    public = [s for s in bundle.services.values() if "ports" in s]
    assert len(public) == 1
    assert {p.split(":")[0] for p in public[0]["ports"]} == {"80", "443"}
    for service in bundle.services.values():
        assert service["networks"] == ["edge"]
        assert service["restart"] == "unless-stopped"
        assert service["logging"]["driver"] == "json-file"
        assert {"max-size", "max-file"} <= service["logging"]["options"].keys()


@pytest.mark.parametrize("kind", ["caddy", "nginx", "traefik"])
def test_every_mounted_file_is_rendered_and_every_volume_declared(kind):
    bundle = render_proxy(site(), kind)
    for service in bundle.services.values():
        for volume in service["volumes"]:
            source, target, *mode = volume.split(":")
            if source.startswith("./"):
                assert source[2:] in bundle.files, volume
                assert mode == ["ro"], f"{volume}: rendered files are mounted read-only"
            else:
                assert source in bundle.volumes, volume


def test_certificates_persist_on_named_volumes():
    assert "caddy_data:/data" in render_proxy(site(), "caddy").services["caddy"]["volumes"]
    nginx = render_proxy(site(), "nginx")
    assert "letsencrypt:/etc/letsencrypt" in nginx.services["certbot"]["volumes"]
    assert "traefik_acme:/var/lib/traefik" in render_proxy(site(), "traefik").services["traefik"]["volumes"]


def test_unknown_kind_is_refused_by_key():
    with pytest.raises(ValueError, match="proxy.kind"):
        render_proxy(site(), "haproxy")


def test_nginx_sets_forwarded_headers_in_every_proxied_location():
    # proxy_set_header in a location drops every inherited one: each location needs all.
    tls = render_proxy(site(), "nginx").files["proxy/nginx/odoo-tls.conf"]
    assert tls.count("proxy_pass ") == 2
    for header in ("X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-For", "X-Real-IP"):
        assert tls.count(f"proxy_set_header {header} ") == 2, header


def test_certbot_script_without_email_registers_without_one():
    script = render_proxy(site(acme_email=None), "nginx").files["proxy/certbot/certbot.sh"]
    assert "--register-unsafely-without-email" in script and "--email" not in script


def test_traefik_reads_files_only_never_the_docker_socket():
    bundle = render_proxy(site(), "traefik")
    assert not any("docker.sock" in volume for volume in bundle.services["traefik"]["volumes"])
    static = bundle.files["proxy/traefik/traefik.yml"]
    assert "docker" not in static and "file:" in static


def test_traefik_without_acme_locally_has_no_resolver():
    bundle = render_proxy(site(domain="odoo.localhost", internal_ca=True, acme_email=None), "traefik")
    assert "certificatesResolvers" not in bundle.files["proxy/traefik/traefik.yml"]
    assert "certResolver" not in bundle.files["proxy/traefik/dynamic.yml"]

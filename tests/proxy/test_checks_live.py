"""ladder verify's live checks for Steps 1-2, against the namespaced labs: pass and fail."""


def check(lab, module: str, function: str, **kwargs) -> dict:
    return lab.check(module, function, **kwargs)


def public(lab) -> str:
    return lab.info["public_ip"]


def test_certificate_check_passes_on_the_issued_certificate(any_lab):
    result = check(any_lab, "https", "check_certificate", host=public(any_lab), domain=any_lab.domain,
                   ca_bundle=any_lab.root_ca)
    assert result["ok"], result["detail"]
    assert "Pebble" in result["detail"]


def test_certificate_check_fails_on_an_untrusted_chain(any_lab):
    # The system bundle does not know pebble's root.
    result = check(any_lab, "https", "check_certificate", host=public(any_lab), domain=any_lab.domain)
    assert not result["ok"] and "does not verify" in result["detail"]


def test_certificate_check_fails_when_expiry_is_near(any_lab):
    # Pebble issues 5-year certificates: demand more days than that.
    result = check(any_lab, "https", "check_certificate", host=public(any_lab), domain=any_lab.domain,
                   ca_bundle=any_lab.root_ca, min_days_left=3000)
    assert not result["ok"] and "expires in" in result["detail"]


def test_certificate_check_fails_for_another_name(any_lab):
    result = check(any_lab, "https", "check_certificate", host=public(any_lab), domain="other.example.com",
                   ca_bundle=any_lab.root_ca)
    assert not result["ok"]


def test_redirect_check(any_lab):
    passed = check(any_lab, "https", "check_http_redirect", host=public(any_lab), domain=any_lab.domain)
    assert passed["ok"], passed["detail"]
    # The Odoo stand-in answers plain http with 200: no redirect.
    failed = check(any_lab, "https", "check_http_redirect", host="127.0.0.1", domain=any_lab.domain, port=8069)
    assert not failed["ok"] and "got 200" in failed["detail"]


def test_ports_check(any_lab):
    # From the public address only 80/443 answer; on 127.0.0.1 the stand-ins listen.
    passed = check(any_lab, "https", "check_ports_closed", host=public(any_lab), ports=[8069, 8072, 5432])
    assert passed["ok"], passed["detail"]
    failed = check(any_lab, "https", "check_ports_closed", host="127.0.0.1", ports=[8069, 8072, 5432])
    assert not failed["ok"] and "8069, 8072" in failed["detail"]


def test_websocket_check(any_lab):
    passed = check(any_lab, "https", "check_websocket", host=public(any_lab), domain=any_lab.domain,
                   ca_bundle=any_lab.root_ca)
    assert passed["ok"], passed["detail"]
    failed = check(any_lab, "https", "check_websocket", host=public(any_lab), domain=any_lab.domain,
                   path="/web/login", ca_bundle=any_lab.root_ca)
    assert not failed["ok"] and "expected 101" in failed["detail"]


def test_dns_check(caddy_lab):
    passed = check(caddy_lab, "dns", "check_dns", domain=caddy_lab.domain, expected_ip=public(caddy_lab))
    assert passed["ok"], passed["detail"]
    wrong = check(caddy_lab, "dns", "check_dns", domain=caddy_lab.domain, expected_ip="203.0.113.10")
    assert not wrong["ok"]
    assert wrong["detail"].startswith(f"{caddy_lab.domain} resolves to {public(caddy_lab)}, not 203.0.113.10")
    missing = check(caddy_lab, "dns", "check_dns", domain="nowhere.example.com", expected_ip="203.0.113.10")
    assert not missing["ok"] and "does not resolve" in missing["detail"]

"""Tokens in URLs never reach the access log: each proxy, run unchanged in its lab.

Caddy and nginx drop the query where it may hold a token (log_filter.py) and keep the others;
Traefik cannot filter by pattern, so it drops every query and logs no request header at all."""
import re

import pytest

from components.proxy.log_filter import LOG_FILTER

SECRET_REQUESTS = {
    "/web/reset_password?token=ResetSecret111&db=odoo": "/web/reset_password",
    "/web/signup?token=SignupSecret222": "/web/signup",
    "/my/orders/7?access_token=PortalSecret333&report_type=pdf": "/my/orders/7",
    "/my?page=SecretPage444": "/my",
    "/web/content/12?download=true&access_token=DocSecret555": "/web/content/12",
}
SECRETS = ("ResetSecret111", "SignupSecret222", "PortalSecret333", "SecretPage444", "DocSecret555",
           "RefererSecret666", "PlainSecret777")


def access_log(lab) -> str:
    return lab.exec("sh", "-c", f"cat {lab.info['access_log']}*").stdout


def test_token_queries_are_dropped_and_the_paths_kept(any_lab):
    base = f"https://{any_lab.domain}"
    for target in SECRET_REQUESTS:
        any_lab.call("http_request", url=base + target, cafile=any_lab.root_ca)
    any_lab.call("http_request", url=f"{base}/web/referer-probe?page=2", cafile=any_lab.root_ca,
                 headers={"Referer": f"{base}/web/reset_password?token=RefererSecret666"})
    any_lab.call("http_request", url=f"http://{any_lab.domain}/web/reset_password?token=PlainSecret777")
    # An ordinary query is kept: the log still tells what was asked.
    any_lab.call("http_request", url=f"{base}/web/login?redirect=KeepThisQuery888", cafile=any_lab.root_ca)

    log = access_log(any_lab)
    leaked = [secret for secret in SECRETS if secret in log]
    assert leaked == [], f"{any_lab.info['kind']} logged {leaked}"
    for kept in SECRET_REQUESTS.values():
        assert kept in log
    if any_lab.info["kind"] == "traefik":
        assert "/web/referer-probe" in log and "page=2" not in log and "/web/login" in log
        assert "KeepThisQuery888" not in log and base not in log  # no query, no Referer
        return
    assert "/web/referer-probe?page=2" in log
    assert f"{base}/web/reset_password" in log  # the Referer, without its query
    assert "redirect=KeepThisQuery888" in log


@pytest.mark.parametrize("uri, logged", [
    ("/web/reset_password?token=a&db=b", "/web/reset_password"),
    ("/web/reset_password", None),
    ("/my?x=1", "/my"),
    ("/my/orders/3?access_token=a", "/my/orders/3"),
    ("/mymodule/page?x=1", None),
    ("/web/image/1?unique=1&access_token=z", "/web/image/1"),
    ("/web/login?redirect=%2Fodoo", None),
])
def test_the_patterns_select_exactly_those_uris(uri, logged):
    """The rule itself, read by Python's re (the proxies' engines agree on these constructs)."""
    pattern, _ = LOG_FILTER.caddy(LOG_FILTER.uri_secret_path, LOG_FILTER.uri_token)
    match = re.match(pattern, uri)
    assert (match and (match.group(1) or match.group(2))) == logged

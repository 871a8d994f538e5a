"""What each nginx version knows: the directives our configuration uses, each with the version
that introduced it (nginx.org's documentation says "This directive appeared in version ...";
absent, it is older than any nginx we could meet: 1.0 here), and the uses later versions deprecate.

A directive the renderers start to use must be added here with its version, or the test fails:
that is the point, since the lab runs Debian's nginx, not the image's.
"""
from __future__ import annotations

import re

OLD = (1, 0, 0)

SINCE: dict[str, tuple[int, int, int]] = {
    **{name: OLD for name in (
        "access_log", "add_header", "client_max_body_size", "default_type", "gzip", "gzip_min_length",
        "gzip_types", "include", "listen", "location", "log_format", "map", "proxy_buffer_size",
        "proxy_buffering", "proxy_buffers", "proxy_busy_buffers_size", "proxy_connect_timeout", "proxy_pass",
        "proxy_read_timeout", "proxy_redirect", "proxy_send_timeout", "proxy_set_header", "resolver",
        "resolver_timeout", "return", "root", "server", "server_name", "server_tokens", "set",
        "ssl_certificate", "ssl_certificate_key", "ssl_ciphers", "ssl_dhparam", "ssl_prefer_server_ciphers",
        "ssl_protocols", "ssl_session_cache", "ssl_session_timeout", "upstream", "gzip_vary")},
    "proxy_http_version": (1, 1, 4),
    "keepalive": (1, 1, 4),           # in upstream blocks
    "ssl_ecdh_curve": (1, 1, 0),
    "ssl_session_tickets": (1, 5, 9),
    "zone": (1, 9, 0),                # upstream shared memory
    "ssl_reject_handshake": (1, 19, 4),
    "http2": (1, 25, 1),              # `http2 on;`
}

# Uses of a known directive that a version introduced or deprecated: (directive, parameter).
PARAMETER_SINCE = {("server", "resolve"): (1, 27, 3)}  # open source nginx; nginx Plus had it before
DEPRECATED_SINCE = {("listen", "http2"): ((1, 25, 1), "use `http2 on;` in the server")}


def statements(text: str) -> list[tuple[list[str], list[str]]]:
    """(enclosing block names, tokens) for each simple directive and each block opening.
    Quotes, comments and `map` bodies (value pairs, not directives) are handled."""
    tokens: list[str] = []
    found: list[tuple[list[str], list[str]]] = []
    blocks: list[str] = []
    for match in re.finditer(r"\"(?:\\.|[^\"])*\"|'(?:\\.|[^'])*'|#[^\n]*|[{};]|[^\s{};\"'#]+", text):
        token = match.group()
        if token.startswith("#"):
            continue
        if token in ("{", ";"):
            if tokens and "map" not in blocks:
                found.append((list(blocks), tokens))
            if token == "{":
                blocks.append(tokens[0] if tokens else "")
            tokens = []
        elif token == "}":
            blocks.pop()
            tokens = []
        else:
            tokens.append(token.strip("\"'"))
    return found


def problems(text: str, version: tuple[int, int, int]) -> list[str]:
    """Every directive or parameter in `text` that nginx `version` lacks or deprecates."""
    label = ".".join(map(str, version))
    found = []
    for blocks, (name, *params) in statements(text):
        since = SINCE.get(name)
        if since is None:
            found.append(f"{name}: not in tests/proxy/nginx_directives.py (add it with its version)")
        elif since > version:
            found.append(f"{name}: appeared in {'.'.join(map(str, since))}, not in {label}")
        for param in params:
            needs = PARAMETER_SINCE.get((name, param))
            if needs and needs > version and (name != "server" or blocks[-1:] == ["upstream"]):
                found.append(f"{name} ... {param}: appeared in {'.'.join(map(str, needs))}, not in {label}")
            deprecated = DEPRECATED_SINCE.get((name, param))
            if deprecated and deprecated[0] <= version:
                found.append(f"{name} ... {param}: deprecated since {'.'.join(map(str, deprecated[0]))}: {deprecated[1]}")
    return found

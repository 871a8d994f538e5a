"""The vendored RDS CA bundle: it parses, holds only Amazon RDS roots, and covers the regions we allow."""
import re
import ssl
import subprocess

import pytest

from components.database.ca_bundle import BUNDLE_FILE, REGIONS_WITHOUT_ROOT, bundle_text
from configs.regions import known_regions
from tests.tools import require_tool

# AWS's bundle also holds the roots of its Beta and Preview endpoints.
NAME = re.compile(r"Amazon RDS (?:(Beta|Preview) )?([a-z0-9-]+) Root CA (RSA2048|RSA4096|ECC384) G1")
PEM = re.compile(r"-----BEGIN CERTIFICATE-----\n.*?\n-----END CERTIFICATE-----\n", re.S)


def certificates() -> list[str]:
    return PEM.findall(bundle_text())


def decoded(tmp_path, pem: str) -> dict:
    path = tmp_path / "one.pem"
    path.write_text(pem)
    return ssl._ssl._test_decode_cert(str(path))


def test_python_ssl_loads_every_certificate_as_a_ca():
    context = ssl.create_default_context(cafile=str(BUNDLE_FILE))
    stats = context.cert_store_stats()
    assert stats["x509_ca"] == stats["x509"] == len(certificates()) >= 90
    assert "".join(certificates()) == bundle_text(), "the file holds something besides certificates"


def test_every_certificate_is_a_self_signed_amazon_rds_root(tmp_path):
    require_tool("openssl")
    for pem in certificates():
        (tmp_path / "root.pem").write_text(pem)
        verified = subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "root.pem"),
                                   str(tmp_path / "root.pem")], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        cert = decoded(tmp_path, pem)
        assert cert["subject"] == cert["issuer"]
        subject = dict(part[0] for part in cert["subject"])
        assert (subject["organizationName"], subject["organizationalUnitName"]) == \
            ("Amazon Web Services, Inc.", "Amazon RDS")
        assert NAME.fullmatch(subject["commonName"]), subject["commonName"]
        assert ssl.cert_time_to_seconds(cert["notAfter"]) > ssl.cert_time_to_seconds("Jan  1 00:00:00 2060 GMT")


def roots_by_region(tmp_path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pem in certificates():
        name = dict(part[0] for part in decoded(tmp_path, pem)["subject"])["commonName"]
        stage, region, kind = NAME.fullmatch(name).groups()
        if not stage:
            found.setdefault(region, set()).add(kind)
    return found


def test_it_holds_the_three_global_roots_of_every_region_but_the_listed_ones(tmp_path):
    found = roots_by_region(tmp_path)
    # RDS's default CA for new instances (rds-ca-rsa2048-g1) and the two others of every region.
    assert found["us-east-1"] == found["eu-south-1"] == {"RSA2048", "RSA4096", "ECC384"}
    assert all(kinds == {"RSA2048", "RSA4096", "ECC384"} for kinds in found.values())
    assert sorted(known_regions() - set(found)) == sorted(REGIONS_WITHOUT_ROOT), \
        "update REGIONS_WITHOUT_ROOT (and refresh the bundle: docs/step5.md)"


@pytest.mark.parametrize("region", REGIONS_WITHOUT_ROOT)
def test_rds_in_a_region_the_bundle_lacks_is_refused_naming_the_key(region):
    from configs.errors import ConfigError
    from ladder.mocked import run_stack
    from tests.database.rds_built import rds_built
    from tests.stacks import aws
    config = {**aws(5), "aws:region": region}
    with rds_built(), pytest.raises(ConfigError, match=f"aws:region: {region} has no root in the vendored RDS CA"):
        run_stack(config, stack="prod")

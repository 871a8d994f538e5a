"""Settings that are legal but do nothing at the step are warned about: by `ladder`, and in `pulumi up`."""
import pytest

from configs.load import from_mapping, from_stack_file
from ladder.cli import main as ladder_main
from ladder.mocked import run_stack
from tests.stacks import EXAMPLES, ROOT, aws, local


@pytest.mark.parametrize("config, key", [
    (aws(1, backup={"time": "01:00"}), "odoo-ladder:backup.time"),
    (aws(3, backup={"keep_days": 90}), "odoo-ladder:backup.keep_days"),
    (aws(0, logs={"cloudwatch": True}), "odoo-ladder:logs.cloudwatch"),
    (aws(0, secrets={"store": "secretsmanager"}), "odoo-ladder:secrets.store"),
    (aws(0, domain="erp.example.org"), "odoo-ladder:domain"),
    (aws(0, proxy={"acme_ca": "https://ca.example/dir"}), "odoo-ladder:proxy.acme_ca"),
    (aws(1), "odoo-ladder:admin_cidrs"),
    (local(1, acme_email="ops@example.org"), "odoo-ladder:acme_email"),
    (local(host={"instance_type": "t3.large"}), "odoo-ladder:host.instance_type"),
    (local(dns_zone_id="Z0123456789"), "odoo-ladder:dns_zone_id"),
    ({**local(), "aws:region": "eu-south-1"}, "aws:region"),
    ({**local(), "gcp:project": "x"}, "gcp:project"),
])
def test_a_setting_that_does_nothing_is_warned_about(config, key):
    warnings = from_mapping("test", config).warnings
    assert any(w.startswith(f"{key}: ") and "does nothing" in w for w in warnings), warnings


@pytest.mark.parametrize("path", [*EXAMPLES, ROOT / "Pulumi.dev.yaml"], ids=lambda p: p.name)
def test_the_examples_set_nothing_useless(path):
    assert from_stack_file(str(path)).warnings == ()


def test_defaults_never_warn():
    config = {k: v for k, v in aws(4).items() if k != "odoo-ladder:admin_cidrs"}
    assert from_mapping("test", config).warnings == ()


def test_ladder_prints_the_warnings(tmp_path, capsys):
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text("config:\n  aws:region: eu-south-1\n  odoo-ladder:target: aws\n  odoo-ladder:step: 1\n"
                    "  odoo-ladder:domain: erp.example.org\n  odoo-ladder:backup: {time: 12:30}\n")
    assert ladder_main(["render", str(path), "--out", str(tmp_path / "out")]) == 0
    assert "warning: " in capsys.readouterr().err


def test_the_program_logs_the_warnings(monkeypatch):
    import pulumi
    logged = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *args, **kwargs: logged.append(message))
    run_stack(aws(1, backup={"time": "01:00"}))
    assert any(w.startswith("odoo-ladder:backup.time: does nothing") for w in logged), logged

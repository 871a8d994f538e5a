"""Step 0 on the local Docker engine (the dev stack) under mocks."""
from ladder.mocked import run_stack, stack_config
from tests.stacks import compose_of, delivered_apply_script, delivered_bundle, local


def test_dev_stack_runs_compose_locally_and_nothing_on_aws():
    run = run_stack(stack_config("dev"), stack="dev")
    assert not [r for r in run.resources if r.type.startswith("aws:")]
    command = run.one("command:local:Command").inputs
    apply = delivered_apply_script(run)
    assert 'compose() { docker compose -p odoo-dev "$@"; }' in apply
    assert "compose up -d --remove-orphans" in apply
    # A changed bundle (the command's stdin) runs the same command again, as an update.
    assert command["update"] == command["create"]
    assert run.outputs["url"] == "http://localhost:8069"


def test_destroy_stops_the_project_and_keeps_the_volumes():
    command = run_stack(local()).one("command:local:Command").inputs
    assert "docker compose -p odoo-test down --remove-orphans" in command["delete"]
    assert "-v" not in command["delete"].split() and "--volumes" not in command["delete"]


def test_secrets_reach_the_command_only_as_secret_environment():
    command = run_stack(local()).one("command:local:Command")
    for env in ("ODOO_LADDER_DB_PASSWORD", "ODOO_LADDER_ADMIN_PASSWORD", "ODOO_LADDER_ADMIN_PASSWD"):
        assert f"environment.{env}" in command.secret_paths
    assert "generated-credentials" not in command.inputs["create"]
    assert not any("generated-credentials" in text for text in delivered_bundle(run_stack(local())).values())


def test_local_odoo_listens_on_loopback_only():
    compose = compose_of(run_stack(local()))
    assert compose["services"]["odoo"]["ports"] == ["127.0.0.1:8069:8069"]


def test_the_delivery_keeps_its_identity_from_when_it_sat_under_app():
    """Without the alias an existing dev stack would replace its command: the new one starts the
    project, then the old one's delete runs `docker compose down` and leaves it stopped."""
    delivery = run_stack(local()).one("odoo-ladder:delivery:LocalDelivery")
    assert delivery.alias_parents == ["urn:pulumi:test::odoo-ladder::odoo-ladder:app:App::app"]

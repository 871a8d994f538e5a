"""The CI roles' trust, evaluated the way IAM does (components/secrets/iam_eval.py), not by string
comparison: who presents which GitHub token, and which role it opens."""
import json

import pytest

from components.cicd.trust import (AUD_KEY, SUB_KEY, Repository, environment_subject, pull_request_subject,
                                   trust_policy)
from components.secrets.iam_eval import ALLOW, IMPLICIT_DENY, Request, decide
from ladder.limits import TRUST_POLICY_CHARS, check
from ladder.mocked import ACCOUNT
from ladder.plan import plan_records
from tests.cicd.stack import registry_config, run_registry, trust_of

PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
ASSUME = "sts:AssumeRoleWithWebIdentity"


@pytest.fixture(scope="module")
def run():
    return run_registry()


def token(sub: str, aud: str = "sts.amazonaws.com", provider: str = PROVIDER) -> Request:
    """What STS evaluates for AssumeRoleWithWebIdentity: the provider as principal, the token's claims."""
    return Request(ASSUME, "*", provider, {AUD_KEY: aud, SUB_KEY: sub})


def test_the_exact_audience_and_subject_with_string_equals(run):
    preview, deploy = trust_of(run, "preview"), trust_of(run, "deploy")
    for trust, sub in ((preview, "repo:acme/erp-infra:pull_request"),
                       (deploy, "repo:acme/erp-infra:environment:production")):
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"Federated": PROVIDER}
        assert statement["Action"] == ASSUME
        assert statement["Condition"] == {"StringEquals": {AUD_KEY: "sts.amazonaws.com", SUB_KEY: sub}}


@pytest.mark.parametrize("sub, preview_ok, deploy_ok", [
    ("repo:acme/erp-infra:pull_request", True, False),
    ("repo:acme/erp-infra:environment:production", False, True),
    ("repo:acme/erp-infra:ref:refs/heads/main", False, False),      # a push job outside the environment
    ("repo:acme/erp-infra:environment:staging", False, False),
    ("repo:acme/erp-infra:environment:production-2", False, False),
    ("repo:acme/erp-infra-fork:pull_request", False, False),
    ("repo:mallory/erp-infra:environment:production", False, False),
    ("repo:ACME/erp-infra:pull_request", False, False),               # StringEquals is case-sensitive
])
def test_which_token_opens_which_role(run, sub, preview_ok, deploy_ok):
    assert decide([trust_of(run, "preview")], token(sub)) == (ALLOW if preview_ok else IMPLICIT_DENY)
    assert decide([trust_of(run, "deploy")], token(sub)) == (ALLOW if deploy_ok else IMPLICIT_DENY)


def test_a_pull_request_token_cannot_assume_the_deploy_role(run):
    assert decide([trust_of(run, "deploy")], token("repo:acme/erp-infra:pull_request")) == IMPLICIT_DENY


def test_another_audience_or_provider_is_refused(run):
    sub = "repo:acme/erp-infra:environment:production"
    assert decide([trust_of(run, "deploy")], token(sub, aud="https://github.com/acme")) == IMPLICIT_DENY
    other = f"arn:aws:iam::{ACCOUNT}:oidc-provider/example.org"
    assert decide([trust_of(run, "deploy")], token(sub, provider=other)) == IMPLICIT_DENY


def test_the_immutable_id_subject_is_trusted_and_the_old_form_no_longer():
    run = run_registry(registry_config(owner_id=1234567, repo_id=987654321))
    deploy = trust_of(run, "deploy")
    assert decide([deploy], token("repo:acme@1234567/erp-infra@987654321:environment:production")) == ALLOW
    assert decide([deploy], token("repo:acme/erp-infra:environment:production")) == IMPLICIT_DENY
    assert decide([deploy], token("repo:acme@1234567/erp-infra@987654321:pull_request")) == IMPLICIT_DENY


def test_an_existing_provider_is_trusted_and_none_is_created():
    run = run_registry(registry_config(oidc_provider_arn=PROVIDER))
    assert not run.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert trust_of(run, "preview")["Statement"][0]["Principal"] == {"Federated": PROVIDER}


def test_the_created_provider_is_github_with_our_audience(run):
    provider = run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert provider.retain_on_delete  # other stacks of the account may trust it


def test_the_limits_checker_measures_the_ci_roles_and_they_fit(run):
    records = plan_records(run)
    report = check(records)
    assert report.failures() == []
    measured = [m for m in report.measures if m.what.startswith("IAM role trust policy") and "cicd-" in m.resource]
    assert len(measured) == 2 and all(m.size < TRUST_POLICY_CHARS for m in measured)
    managed = [m for m in report.measures if "managed policy" in m.what and "cicd-" in m.resource]
    assert len(managed) == 2 and all(m.ok for m in managed)


def test_a_long_subject_still_fits_the_trust_limit():
    repository = Repository("o" * 39, "r" * 100, 2**31, 2**31)
    trust = trust_policy(PROVIDER, environment_subject(repository, "e" * 255))
    assert len(json.dumps(trust, separators=(",", ":"))) <= TRUST_POLICY_CHARS


@pytest.mark.parametrize("bad", [dict(owner="acme", repo="*"), dict(owner="ac*me", repo="x"),
                                 dict(owner="acme", repo="x", owner_id=1)])
def test_wildcards_and_half_ids_are_refused(bad):
    with pytest.raises(ValueError):
        pull_request_subject(Repository(**bad))


def test_a_wildcard_environment_is_refused():
    with pytest.raises(ValueError):
        environment_subject(Repository("acme", "x"), "prod*")

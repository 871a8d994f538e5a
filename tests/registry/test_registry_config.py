"""The registry's settings: errors name the key, and the CI roles refuse a half-given identity."""
import pytest

from configs.errors import ConfigError
from configs.load import from_mapping
from tests.cicd.stack import GITHUB, registry_config, run_registry
from tests.stacks import aws


@pytest.mark.parametrize("github, key", [
    ({"owner": "acme/*"}, "registry.github.owner"),
    ({"repo": "erp infra"}, "registry.github.repo"),
    ({"environment": "prod*"}, "registry.github.environment"),
    ({"environment": "a:b"}, "registry.github.environment"),
    ({"owner_id": 0}, "registry.github.owner_id"),
])
def test_bad_github_settings_name_the_key(github, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        from_mapping("prod", aws(4, registry={"enabled": False, "github": {**GITHUB, **github}}))


def test_keep_releases_is_at_least_one():
    with pytest.raises(ConfigError, match=r"registry\.keep_releases"):
        from_mapping("prod", aws(4, registry={"enabled": False, "keep_releases": 0}))


@pytest.mark.parametrize("missing", ["owner", "repo", "state_bucket", "state_key_arn"])
def test_the_ci_roles_need_the_repository_and_the_state(missing):
    github = {k: v for k, v in GITHUB.items() if k != missing}
    config = aws(4, registry={"enabled": True, "github": github})
    with pytest.raises(Exception, match=rf"odoo-ladder:registry\.github\.{missing}"):
        run_registry(config)


def test_one_id_without_the_other_is_refused():
    with pytest.raises(Exception, match="owner_id and repo_id"):
        run_registry(registry_config(owner_id=1234567))

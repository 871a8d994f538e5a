"""What enters the image: the image/ context and the addons/ named context, by their .dockerignore
files, with secret-shaped files planted to prove they stay out."""
import re
import shutil

import pytest
import yaml

from tests.image.dockerignore import sent
from tests.stacks import ROOT

SECRET_SHAPED = re.compile(r"(^|/)(\.git(/|$)|\.env$|id_rsa|.*\.(pem|key|p12|pfx)$|\.aws/|\.pulumi/|Pulumi\.[^/]+\.yaml$)")
PLANTED = [".git/config", ".env", "id_rsa", "tls/server.key", "cert.pem", "sub/.git/HEAD", "__pycache__/x.pyc"]


def test_the_image_context_is_the_dockerfile_and_the_entrypoint():
    assert sent(ROOT / "image") == {"Dockerfile", "odoo_ladder_entrypoint.py"}


def test_nothing_planted_in_image_enters(tmp_path):
    context = tmp_path / "image"
    shutil.copytree(ROOT / "image", context)
    for name in PLANTED:
        (context / name).parent.mkdir(parents=True, exist_ok=True)
        (context / name).write_text("secret")
    assert sent(context) == {"Dockerfile", "odoo_ladder_entrypoint.py"}


def test_the_addons_context_sends_no_secret_shaped_file():
    assert [f for f in sent(ROOT / "addons") if SECRET_SHAPED.search(f)] == []
    assert "requirements.txt" in sent(ROOT / "addons")


@pytest.mark.parametrize("name", [".git/config", ".env", "tls/server.key", "cert.pem", "mod/.git/HEAD",
                                  "mod/__pycache__/x.pyc", "mod/.env"])
def test_secret_shaped_files_planted_in_addons_stay_out(tmp_path, name):
    context = tmp_path / "addons"
    shutil.copytree(ROOT / "addons", context)
    (context / name).parent.mkdir(parents=True, exist_ok=True)
    (context / name).write_text("secret")
    (context / "mod").mkdir(exist_ok=True)
    (context / "mod" / "__manifest__.py").write_text("{}")
    assert name not in sent(context)
    assert "mod/__manifest__.py" in sent(context)


def test_the_rules_behave_like_docker():
    """The matcher itself: a directory rule covers its files, `!` re-includes, `*` stays in a segment."""
    from tests.image.dockerignore import excluded, rules
    parsed = rules("*\n!keep\n**/*.key\n")
    assert excluded("a/b.txt", parsed) and not excluded("keep", parsed)
    assert excluded("keep/x.key", rules("**/*.key")) and not excluded("x.keys", rules("**/*.key"))
    assert excluded("d/f", rules("d")) and not excluded("dd/f", rules("d"))
    assert not excluded("a/b", rules("*/c"))


def test_the_dockerfile_reads_only_the_two_contexts():
    text = (ROOT / "image" / "Dockerfile").read_text()
    assert re.findall(r"from=([\w-]+)", text) == ["addons", "rds-ca"]
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert source in sent(ROOT / "image")
    assert "ADD " not in text  # ADD fetches URLs and unpacks archives: nothing here needs either


def test_the_deploy_builds_with_those_contexts_for_both_architectures():
    deploy = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    (job,) = deploy["jobs"].values()
    build = next(s for s in job["steps"] if s.get("id") == "build")["with"]
    assert build["context"] == "image" and build["file"] == "image/Dockerfile"
    assert build["build-contexts"].split() == ["addons=addons", "rds-ca=components/database"]
    assert build["platforms"] == "linux/amd64,linux/arm64"
    assert build["tags"] == "${{ vars.REGISTRY_URL }}:sha-${{ github.sha }}"
    assert "cache-from" not in build and "cache-to" not in build

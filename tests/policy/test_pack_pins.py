"""The pack's own virtualenv gets what the tests ran: the same pulumi and pulumi-policy pins as the
repository, and the botocore the tests load (ladder/limits.py reads its API models)."""
import re
from importlib.metadata import version

from tests.policy.served import PACK
from tests.stacks import ROOT


def _pins(path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", path.read_text(), re.M))


def test_the_pack_pins_what_the_repository_pins_and_the_tests_load():
    pack = _pins(PACK / "requirements.txt")
    repository = {**_pins(ROOT / "requirements.txt"), **_pins(ROOT / "requirements-test.txt")}
    assert pack["pulumi"] == repository["pulumi"] == version("pulumi")
    assert pack["pulumi-policy"] == repository["pulumi-policy"] == version("pulumi-policy")
    assert pack["botocore"] == version("botocore")

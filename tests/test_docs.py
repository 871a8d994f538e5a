"""The docs say what the program does: their `ladder` commands run, their config keys exist, and every
step page has the roadmap's parts, its picture and a cost that `ladder cost` still computes."""
from __future__ import annotations

import re
import shlex
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from configs.keys import GIVEN_SECRET_KEYS, SECRET_KEYS
from configs.models import StackSettings
from ladder.cli import main, parser
from ladder.cost import line_items, load_table, total
from ladder.plan import plan as real_plan

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
STEP_PAGES = {n: ROOT / "docs" / "steps" / f"step{n}.md" for n in range(8)}
BUILT_STEPS = sorted(int(p.stem[4:]) for p in (ROOT / "configs" / "stacks").glob("step*.yaml"))
PARTS = ("## Impari", "## Fai", "## Output atteso", "## Non copre", "## Costo mensile", "## Tornare giù")

# Placeholders the docs use for what only the reader knows, and what the test puts in their place.
EXAMPLE = "configs/stacks/step4.yaml"
PLACEHOLDERS = {
    "<Elastic IP>": "203.0.113.10", "<elastic ip>": "203.0.113.10", "IP": "203.0.113.10", "HOST": "203.0.113.10",
    '"$(pulumi stack output backup_bucket)"': "example-backup-bucket",
    "STACK": EXAMPLE, "<stack>": EXAMPLE, "Pulumi.prod.yaml": EXAMPLE, "A": "configs/stacks/step3.yaml", "B": EXAMPLE,
}
# `odoo-ladder:` words in the docs that are not keys, on purpose.
NOT_KEYS = {"wokers": "docs/config.md's example of a mistyped key and the suggestion it gets",
            "ci": "docs/step6.md: a tag the CI roles carry, not a config key",
            "stack": "the tag every resource carries (docs/policy.md), not a config key"}
# `ladder check` reports violations with exit 1: the command ran. A doc line that says the command
# "refuses" quotes a refused move: it must still be refused (exit 2, "move refused").
CHECK_RAN = {0, 1}


def _commands() -> list[tuple[str, str, bool]]:
    """(doc, command, refused): each quoted command, and whether its line says it refuses."""
    found = set()
    for doc in DOCS:
        for line in doc.read_text().splitlines():
            for match in re.finditer(r"python -m ladder ([^`\n]*)", line):
                command = match.group(1).split("  #")[0].strip()  # a code line's trailing comment
                if command and not command.startswith(("{", "[")):
                    found.add((str(doc.relative_to(ROOT)), command, "refuses" in line[match.end():]))
    return sorted(found)


def _argv(command: str, tmp_path: Path) -> list[str]:
    for placeholder, value in PLACEHOLDERS.items():
        command = re.sub(rf"(?<![\w<-]){re.escape(placeholder)}(?![\w>])", value, command)
    argv = shlex.split(command)
    if "--out" in argv:  # write into the test's folder, keeping the file type asked for
        at = argv.index("--out") + 1
        argv[at] = str(tmp_path / (Path(argv[at]).name if "." in Path(argv[at]).name else "out"))
    return argv


@lru_cache(maxsize=None)
def _cached_plan(stack: str, as_stack: str | None = None) -> tuple[dict, ...]:
    return tuple(real_plan(stack, as_stack=as_stack))


def test_docs_quote_ladder_commands():
    assert len(_commands()) > 20


@pytest.mark.parametrize("doc,command,refused", _commands(), ids=str)
def test_every_quoted_ladder_command_runs(doc, command, refused, tmp_path, monkeypatch, capsys):
    argv = _argv(command, tmp_path)
    if argv[0] in ("verify", "snapshot-export"):  # need a live deployment: only their arguments are checked
        args = parser().parse_args(argv)
        assert (ROOT / args.stack).exists(), f"{doc}: `{command}` names a missing stack file"
        return
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("ladder.plan.plan", lambda s, as_stack=None: list(_cached_plan(s, as_stack)))
    code = main(argv)
    said = capsys.readouterr()
    if refused:
        assert code == 2 and "refused" in said.err, f"{doc} says `{command}` refuses, but it exited {code}"
    elif argv[0] == "check":
        assert code in CHECK_RAN, f"{doc}: `python -m ladder {command}` exited {code}: {said}"
    else:
        assert code == 0, f"{doc}: `python -m ladder {command}` exited {code}: {said}"


def _key_exists(path: list[str]) -> bool:
    if len(path) == 1 and path[0] in (*SECRET_KEYS, *GIVEN_SECRET_KEYS):
        return True
    model: type[BaseModel] = StackSettings
    for part in path:
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if model is None:
            return part == path[-1]
    return True


def _keys_in_yaml_blocks(text: str):
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        data = yaml.safe_load(block) or {}
        data = data.get("config", data)

        def walk(value, prefix):
            yield prefix
            if isinstance(value, dict):
                for key, sub in value.items():
                    yield from walk(sub, [*prefix, str(key)])
        for key, value in data.items():
            if str(key).startswith("odoo-ladder:"):
                yield from walk(value, [key.split(":", 1)[1]])


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_config_key_in_the_docs_exists(doc):
    text = doc.read_text()
    missing = []
    for match in re.finditer(r"odoo-ladder:([a-z_.]+)(=?)", text):
        name, is_tag = match.group(1).rstrip("."), match.group(2)  # `odoo-ladder:stack=<stack>` is a tag
        if not is_tag and name not in NOT_KEYS and not _key_exists(name.split(".")):
            missing.append(f"odoo-ladder:{name}")
    missing += [f"odoo-ladder:{'.'.join(path)}" for path in _keys_in_yaml_blocks(text) if not _key_exists(path)]
    assert not missing, f"{doc.name} names config keys that configs/models.py does not have: {missing}"


@pytest.mark.parametrize("step", range(8))
def test_every_step_page_has_the_roadmap_parts(step):
    text = STEP_PAGES[step].read_text()
    for part in PARTS:
        assert part in text, f"step{step}.md lacks `{part}`"
    readme = (ROOT / "README.md").read_text()
    assert f"[{step}](docs/steps/step{step}.md)" in readme, "not linked from the README's ladder table"
    if step in BUILT_STEPS:
        assert f"](step{step}.svg)" in text and (ROOT / "docs" / "steps" / f"step{step}.svg").exists()
        assert f"python -m ladder verify configs/stacks/step{step}.yaml" in text
        assert "pulumi preview" in text and "pulumi up" in text
    else:
        assert "**Planned: not built yet.**" in text
        assert "python -m ladder" not in text, "a planned step quotes a command that cannot run yet"


@pytest.mark.parametrize("step", BUILT_STEPS)
def test_the_cost_quoted_on_each_step_page_is_what_ladder_cost_computes(step):
    text = STEP_PAGES[step].read_text()
    found = re.search(r"ladder cost (\S+) --region (\S+)` → \*\*\$([\d.]+)\*\*", text)
    assert found, f"step{step}.md quotes no `ladder cost` figure"
    stack, region, quoted = found.groups()
    computed = total(line_items(list(_cached_plan(stack)), region, load_table()))
    assert f"{computed:.2f}" == quoted, f"step{step}.md says ${quoted}, ladder cost says ${computed:.2f}"


def test_readme_links_the_italian_readme_at_the_top():
    head = (ROOT / "README.md").read_text().splitlines()[:5]
    assert any("(README.it.md)" in line for line in head)
    italian = (ROOT / "README.it.md").read_text()
    for name in ("HTTPS in 15 minuti", "Quando i dati contano", "Nginx + Certbot", "HA/Scalabilità"):
        assert name in italian
    for n in range(8):
        assert f"(docs/steps/step{n}.md)" in italian

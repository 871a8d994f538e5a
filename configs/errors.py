"""Config errors that name the stack-file key and say what to do."""
from pydantic import ValidationError

NAMESPACE = "odoo-ladder"


class ConfigError(ValueError):
    """Raised before any resource is registered; each line names one key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid stack config:\n" + "\n".join(f"  - {p}" for p in problems))


def key_name(loc: tuple) -> str:
    """('odoo', 'version') -> 'odoo-ladder:odoo.version', the spelling of the stack file."""
    head, *rest = [str(part) for part in loc] or ["(config)"]
    return f"{NAMESPACE}:{head}" + "".join(f".{part}" for part in rest)


def from_validation(err: ValidationError) -> ConfigError:
    problems = []
    for item in err.errors():
        key = key_name(item["loc"])
        if item["type"] == "extra_forbidden":
            problems.append(f"{key}: unknown setting; check its spelling against docs/config.md or remove it")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{key}: {message} (got {item.get('input')!r})")
    return ConfigError(problems)

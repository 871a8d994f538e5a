"""Jinja2 environment for the proxy templates beside this file."""
from pathlib import Path

import jinja2

TEMPLATE_DIR = Path(__file__).parent / "templates"

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,
)


def render_template(name: str, **values: object) -> str:
    return _ENV.get_template(name).render(**values)


def static_file(name: str) -> str:
    return (TEMPLATE_DIR / name).read_text()

"""odoo-ladder: load the stack's config, build its step of the ladder, export what it gives."""
import pulumi

from components.ladder import build
from configs.errors import ConfigError
from configs.load import from_pulumi

try:
    cfg = from_pulumi()
except ConfigError as err:
    # RunError ends `pulumi up` with the message alone: no traceback, nothing registered.
    raise pulumi.RunError(str(err)) from None

for key, value in build(cfg).items():
    pulumi.export(key, value)

"""odoo-ladder: load the stack's config, build its step of the ladder, export what it gives."""
import pulumi

from components.ladder import build
from configs.load import from_pulumi

for key, value in build(from_pulumi()).items():
    pulumi.export(key, value)

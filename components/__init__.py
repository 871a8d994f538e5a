"""odoo-ladder components: one package per concern, each owning its templates."""

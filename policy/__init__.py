"""odoo-ladder's CrossGuard policy pack (this folder) and its rules (policy.rules), which `ladder check` shares."""

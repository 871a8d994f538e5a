#!/usr/bin/env python3
"""Stand-in for Odoo in the entrypoint tests (NOT Odoo): report what it was started with.

Prints one JSON object: its argv, its environment, and the config file named by ODOO_RC as Odoo
would load it (RawConfigParser, like odoo.tools.config), with that file's mode and owner.
"""
import configparser
import json
import os
import stat
import sys

rc = os.environ.get("ODOO_RC", "")
report = {"argv": sys.argv, "env": dict(os.environ), "odoo_rc": rc}
if rc and os.path.exists(rc):
    info = os.stat(rc)
    parser = configparser.RawConfigParser()
    parser.read(rc)
    report.update(config_text=open(rc, encoding="utf-8").read(),
                  options=dict(parser.items("options")),
                  mode=stat.S_IMODE(info.st_mode), uid=info.st_uid, gid=info.st_gid)
print(json.dumps(report))

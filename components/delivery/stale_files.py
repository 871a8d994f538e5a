"""Files an earlier rollout installed in the project folder and this bundle no longer has.

A proxy switch (caddy <-> nginx) or a move down leaves the old component's files behind (its
Caddyfile, its nginx config and certbot script): harmless to compose, but misleading to whoever
reads the folder, and picked up again if a later file names them. Each rollout records what it
installed (MANIFEST) and removes what the previous one installed and this one does not. Only
listed relative paths are touched: the secrets the script writes itself, the certificates (in
named volumes) and anything a user put there are never in the list.
"""
from __future__ import annotations

MANIFEST = ".odoo-ladder-files"


def remove_stale_files(files: dict[str, str]) -> str:
    listed = "".join(f"{path}\n" for path in sorted(files))
    return f"""cat > {MANIFEST}.new <<'ODOO_LADDER_FILES'
{listed}ODOO_LADDER_FILES
if [ -f {MANIFEST} ]; then
    while IFS= read -r old; do
        case "$old" in ""|/*|*..*) continue ;; esac
        if ! grep -qxF -- "$old" {MANIFEST}.new; then
            rm -f -- "$old"
            rmdir -p --ignore-fail-on-non-empty "$(dirname "$old")" 2>/dev/null || true
        fi
    done < {MANIFEST}
fi
mv {MANIFEST}.new {MANIFEST}
"""

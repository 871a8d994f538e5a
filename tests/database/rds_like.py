"""A throwaway PostgreSQL cluster that plays RDS for the migration tests and the benchmark.

What matters about RDS here, reproduced: TLS only (`hostssl` lines alone in pg_hba, scram
passwords), a server certificate from a CA the client must verify (`sslmode=verify-full`, the
test CA standing in for the RDS bundle), and a master user that is NOT a superuser (CREATEROLE and
CREATEDB only, like rds_superuser's powers that matter to the move). The test itself reaches the
real superuser only through the cluster's Unix socket, as RDS's operators would.
"""
from __future__ import annotations

import os
import shutil
import subprocess

from tests.peers import PgCluster

MASTER = "ladder_admin"
MASTER_PASSWORD = "master-Pass-0123456789"


def make_ca(directory: str) -> tuple[str, str, str]:
    """A test CA and a server certificate for localhost and 127.0.0.1; returns (ca, cert, key)."""
    ca_key, ca, key, csr, cert = (os.path.join(directory, n) for n in
                                  ("ca.key", "ca.pem", "server.key", "server.csr", "server.crt"))
    openssl = ["openssl"]
    subprocess.run(openssl + ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
                              "-days", "2", "-subj", "/CN=odoo-ladder test RDS CA",
                              "-addext", "basicConstraints=critical,CA:TRUE",
                              "-addext", "keyUsage=critical,keyCertSign,cRLSign"], check=True, capture_output=True)
    subprocess.run(openssl + ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                              "-subj", "/CN=localhost"], check=True, capture_output=True)
    extensions = os.path.join(directory, "san.cnf")
    with open(extensions, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    subprocess.run(openssl + ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                              "-out", cert, "-days", "2", "-extfile", extensions], check=True, capture_output=True)
    return ca, cert, key


class RdsLikeCluster(PgCluster):
    def __init__(self):
        super().__init__(with_odoo_role=False)
        try:
            self.ca, cert, key = make_ca(self.dir)
            for path in (cert, key):
                shutil.chown(path, "postgres", "postgres")
            os.chmod(key, 0o600)
            self.psql_super(f"CREATE ROLE {MASTER} LOGIN CREATEROLE CREATEDB NOSUPERUSER "
                            f"PASSWORD '{MASTER_PASSWORD}';")
            self.stop()
            with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
                f.write(f"ssl = on\nssl_cert_file = '{cert}'\nssl_key_file = '{key}'\n"
                        "password_encryption = 'scram-sha-256'\n")
            with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
                f.write("local all postgres trust\n"
                        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                        "hostssl all all ::1/128 scram-sha-256\n")
            self.socket_only = True
            self.start()
            self.passfile = os.path.join(self.dir, "master.pgpass")
            with open(self.passfile, "w") as f:
                f.write(f"*:*:*:{MASTER}:{MASTER_PASSWORD}\n")
            os.chmod(self.passfile, 0o600)
        except BaseException:
            self.destroy()
            raise

    def env(self, user="odoo"):
        env = super().env(user)
        if getattr(self, "socket_only", False):
            env["PGHOST"] = self.dir  # the superuser's way in; TCP is TLS + scram only
        return env

    def conninfo(self, user=MASTER, passfile=None):
        """What a client of RDS uses: TLS verified against the CA, the password from a passfile."""
        return (f"host=localhost hostaddr=127.0.0.1 port={self.port} user={user} sslmode=verify-full "
                f"sslrootcert={self.ca} passfile={passfile or self.passfile}")

    def comment(self, database):
        return self.psql_super(f"SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                               f"WHERE datname = '{database}'")

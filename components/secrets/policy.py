"""IAM policy documents for the instance role: read the stack's secrets, nothing else.

Pure functions (input -> dict), no Pulumi: the `secrets` component json.dumps the result into an
`aws.iam.RolePolicy`. The role may read only the names under the stack's path and decrypt with the
stack's KMS key only when the store asks KMS on its behalf (kms:ViaService); it can write nothing.
"""
from components.secrets.inputs import KMS_KEY_ARN, check, check_account_place, check_path, check_store

# The names the image's entrypoint reads under the path (image/odoo_ladder_entrypoint.py).
SECRET_KEYS = ("db_password", "admin_passwd")

SSM_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")
SSM_LIST_ACTIONS = ("ssm:GetParametersByPath",)
# DescribeSecret: the rollout reads the current version id (never the value) to tell a rotation
# (image/odoo_ladder_entrypoint.py --versions).
SECRETSMANAGER_READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
KMS_DECRYPT_ACTIONS = ("kms:Decrypt",)


def parameter_path(stack: str) -> str:
    """The stack's one path in the store: everything the host may read is below it."""
    return f"/odoo-ladder/{stack}"


def secret_names(path: str) -> dict:
    """Parameter / secret name for each key, e.g. {'db_password': '/odoo-ladder/prod/db_password'}."""
    check_path(path)
    return {key: f"{path}/{key}" for key in SECRET_KEYS}


def read_policy(store: str, partition: str, region: str, account_id: str, path: str,
                kms_key_arn: str | None) -> dict:
    """The instance role's read-only policy for the secrets under `path` in `store`.

    kms_key_arn: the stack's customer-managed key; None when the store's AWS-managed key
    (aws/ssm, aws/secretsmanager) encrypts the values, whose key policy already lets the account
    decrypt through the service, so no KMS statement is needed.
    """
    check_store(store)
    check_account_place(partition, region, account_id)
    check_path(path)
    if store == "ssm":
        statements = _ssm_statements(partition, region, account_id, path)
    else:
        statements = _secretsmanager_statements(partition, region, account_id, path)
    if kms_key_arn is not None:
        check("kms_key_arn", kms_key_arn, KMS_KEY_ARN, "arn:<partition>:kms:<region>:<account>:key/<id>")
        statements.append(_kms_statement(store, region, kms_key_arn))
    return {"Version": "2012-10-17", "Statement": statements}


def _ssm_statements(partition: str, region: str, account_id: str, path: str) -> list:
    parameter = f"arn:{partition}:ssm:{region}:{account_id}:parameter"
    return [
        {"Sid": "ReadStackParameters", "Effect": "Allow", "Action": list(SSM_READ_ACTIONS),
         "Resource": [f"{parameter}{path}/*"]},
        # GetParametersByPath is authorized against the path itself (and its sub-paths).
        {"Sid": "ListStackParameters", "Effect": "Allow", "Action": list(SSM_LIST_ACTIONS),
         "Resource": [f"{parameter}{path}", f"{parameter}{path}/*"]},
    ]


def _secretsmanager_statements(partition: str, region: str, account_id: str, path: str) -> list:
    # Secret ARNs end in "-" plus six random characters, which "<path>/*" also matches.
    return [
        {"Sid": "ReadStackSecrets", "Effect": "Allow", "Action": list(SECRETSMANAGER_READ_ACTIONS),
         "Resource": [f"arn:{partition}:secretsmanager:{region}:{account_id}:secret:{path}/*"]},
    ]


def _kms_statement(store: str, region: str, kms_key_arn: str) -> dict:
    return {"Sid": "DecryptViaSecretStore", "Effect": "Allow", "Action": list(KMS_DECRYPT_ACTIONS),
            "Resource": [kms_key_arn],
            "Condition": {"StringEquals": {"kms:ViaService": f"{store}.{region}.amazonaws.com"}}}

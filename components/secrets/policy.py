"""IAM policy documents for the instance role: read the stack's secrets, nothing else.

Pure functions (input -> dict), no Pulumi: the `secrets` component json.dumps the result into an
`aws.iam.RolePolicy`. The role may read only the names under the stack's path and decrypt with the
stack's KMS key only when the store asks KMS on its behalf (kms:ViaService); it can write nothing.
"""
import re

# The names the image's entrypoint reads under the path (image/odoo_ladder_entrypoint.py).
SECRET_KEYS = ("db_password", "admin_passwd")
STORES = ("ssm", "secretsmanager")

SSM_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")
SSM_LIST_ACTIONS = ("ssm:GetParametersByPath",)
SECRETSMANAGER_READ_ACTIONS = ("secretsmanager:GetSecretValue",)
KMS_DECRYPT_ACTIONS = ("kms:Decrypt",)

_PARTITION = re.compile(r"^aws(-[a-z]+)*$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_ACCOUNT = re.compile(r"^\d{12}$")
# Segments of letters, digits and . _ - ; no wildcard, no trailing slash, no "//".
_PATH = re.compile(r"^(/[A-Za-z0-9._-]+)+$")
_KMS_KEY_ARN = re.compile(r"^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")


def secret_names(path: str) -> dict:
    """Parameter / secret name for each key, e.g. {'db_password': '/odoo-ladder/prod/db_password'}."""
    _check("path", path, _PATH, "like /odoo-ladder/<stack>, without a trailing '/' or '*'")
    return {key: f"{path}/{key}" for key in SECRET_KEYS}


def read_policy(store: str, partition: str, region: str, account_id: str, path: str,
                kms_key_arn: str | None) -> dict:
    """The instance role's read-only policy for the secrets under `path` in `store`.

    kms_key_arn: the stack's customer-managed key; None when the store's AWS-managed key
    (aws/ssm, aws/secretsmanager) encrypts the values, whose key policy already lets the account
    decrypt through the service, so no KMS statement is needed.
    """
    if store not in STORES:
        raise ValueError(f"store={store!r}: must be one of {', '.join(STORES)}")
    _check("partition", partition, _PARTITION, "like aws, aws-cn or aws-us-gov")
    _check("region", region, _REGION, "like eu-south-1")
    _check("account_id", account_id, _ACCOUNT, "12 digits")
    _check("path", path, _PATH, "like /odoo-ladder/<stack>, without a trailing '/' or '*'")
    if store == "ssm":
        statements = _ssm_statements(partition, region, account_id, path)
    else:
        statements = _secretsmanager_statements(partition, region, account_id, path)
    if kms_key_arn is not None:
        _check("kms_key_arn", kms_key_arn, _KMS_KEY_ARN, "arn:<partition>:kms:<region>:<account>:key/<id>")
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


def _check(name: str, value, pattern: re.Pattern, shape: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"{name}={value!r}: must be {shape}")

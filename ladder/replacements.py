"""Which input changes make Pulumi replace a resource instead of updating it in place.

pulumi-aws is bridged from hashicorp/terraform-provider-aws: an input whose Terraform schema says
`ForceNew: true` is a replacement in Pulumi (the bridge turns it into a replace diff). Pulumi's
schema.json does not carry that flag, so the Terraform source is the reference. Names below are
Pulumi's input names (camelCase; nested blocks as `block.field`). `*` means every input.

Where an entry comes from (terraform-provider-aws unless said; "read" = the schema block was read
in that file at that commit, a stored version, not one release; "docs" = from the provider's documented
behaviour, not re-read here):
- aws_instance: internal/service/ec2/ec2_instance.go @0015dfcd (read)
- aws_ebs_volume: internal/service/ec2/ebs_volume.go @0073593e (read)
- aws_volume_attachment: internal/service/ec2/ebs_volume_attachment.go @0620f2a6 (read)
- aws_security_group: internal/service/ec2/vpc_security_group.go @01606926 (read)
- aws_ssm_parameter: internal/service/ssm/parameter.go @0073593e (read)
- aws_ssm_document: internal/service/ssm/document.go @0105d219 (read)
- aws_iam_role: internal/service/iam/role.go @0040ea69 (read)
- aws_kms_alias: internal/service/kms/alias.go @01c08000 (read)
- aws_secretsmanager_secret: internal/service/secretsmanager/secret.go @00c21ced (read)
- aws_secretsmanager_secret_version: internal/service/secretsmanager/secret_version.go @0042e8ea (read)
- aws_eip: internal/service/ec2/ec2_eip.go @01606926 (read)
- aws_vpc: internal/service/ec2/vpc_.go @00081ce4 (read)
- aws_subnet: internal/service/ec2/vpc_subnet.go @00cda125 (read)
- aws_internet_gateway: internal/service/ec2/vpc_internet_gateway.go @08923b68 (read)
- aws_route_table_association: internal/service/ec2/vpc_route_table_association.go @0be71beb (read)
- aws_iam_role_policy: internal/service/iam/role_policy.go @02f97af8 (read)
- aws_iam_instance_profile: internal/service/iam/instance_profile.go @013f1736 (read)
- aws_iam_role_policy_attachment: internal/service/iam/role_policy_attachment.go @04c79849 (read)
- aws_ssm_association: internal/service/ssm/association.go @12565358 (read)
- aws_kms_key: internal/service/kms/key.go @00a35305 (read)
- aws_s3_bucket_versioning: internal/service/s3/bucket_versioning.go @01c08000 (read)
- aws_s3_bucket_public_access_block: internal/service/s3/bucket_public_access_block.go @01606926 (read)
- aws_s3_bucket_policy: internal/service/s3/bucket_policy.go @0073593e (read)
- aws_s3_bucket_server_side_encryption_configuration: internal/service/s3/
  bucket_server_side_encryption_configuration.go @01606926 (read)
- aws_s3_object (BucketObjectv2): internal/service/s3/object.go @033c721b (read)
- aws_route53_record: internal/service/route53/record.go @00655c16 (read)
- aws_db_instance: internal/service/rds/instance.go @00e4b238 (read; an older stored version)
- aws_db_parameter_group, aws_db_subnet_group: internal/service/rds/parameter_group.go,
  subnet_group.go (read, stored versions; commits not recorded)
- aws_s3_bucket_ownership_controls, aws_cloudwatch_dashboard, aws_cloudwatch_log_metric_filter:
  internal/service/s3/bucket_ownership_controls.go, cloudwatch/dashboard.go, logs/metric_filter.go (read,
  stored versions; commits not recorded)
- aws_sns_topic_subscription: internal/service/sns/topic_subscription.go (read, stored version); aws_sns_topic:
  topic.go (fifo_topic read; name and name_prefix from the docs)
- aws_appautoscaling_target: internal/service/appautoscaling/target.go (read, stored version)
- aws_efs_file_system: internal/service/efs/file_system.go (read, a stored version; commit not recorded);
  aws_efs_access_point @01606926, aws_efs_mount_target @0593466d, aws_efs_backup_policy @0053447c,
  aws_efs_file_system_policy @087097a6 (read)
- aws_ecr_repository: internal/service/ecr/repository.go @af55dfb9 (read)
- aws_ecr_lifecycle_policy: internal/service/ecr/lifecycle_policy.go @cde80b25 (read)
- aws_iam_policy: internal/service/iam/policy.go @fd91d1b7 (read)
- aws_iam_openid_connect_provider: internal/service/iam/openid_connect_provider.go @1265e584 (read; newer
  versions update client_id_list in place, so a replacement shown for it may be an update)
- aws_cloudwatch_log_group: internal/service/logs/group.go @0073593e (read)
- aws_cloudwatch_metric_alarm: internal/service/cloudwatch/metric_alarm.go @e33a89d0 (read)
- aws_s3_bucket: internal/service/s3/bucket.go @0070bcd1 (bucket, bucket_prefix read; object_lock_enabled
  from the docs); aws_route_table, aws_s3_bucket_lifecycle_configuration, the object lock configuration
  and the legacy aws_s3_bucket_object: from the docs, not re-read.
- Step 7's service (read, stored versions; a stored version is not one release, see each commit):
  aws_acm_certificate: acm/certificate.go @01661ea3; aws_acm_certificate_validation:
  acm/certificate_validation.go @004eea7f; aws_appautoscaling_policy: appautoscaling/policy.go @e33a89d0;
  aws_ecs_cluster: ecs/cluster.go @00a35305; aws_ecs_service: ecs/service.go @00a919d1 (schema and its
  capacityProviderStrategyCustomizeDiff read; a later stored version refuses such a change without
  force_new_deployment instead of replacing); aws_ecs_task_definition: ecs/task_definition.go @04fc21d5 (an
  older version: inputs added since, e.g. enable_fault_injection, volume.configure_at_launch, not read);
  aws_lb: elbv2/load_balancer.go @00edc94b (schema and its CustomizeDiff read); aws_lb_target_group:
  elbv2/target_group.go @013cfb4c (its CustomizeDiff functions read: they only validate); aws_lb_listener:
  elbv2/listener.go @01c08000 (an older version); aws_lb_listener_rule: elbv2/listener_rule.go @032c4f07;
  aws_scheduler_schedule: scheduler/schedule.go @02f524b9; aws_vpc_security_group_ingress_rule:
  ec2/vpc_security_group_ingress_rule.go @00a32209 (plugin framework: RequiresReplace plan modifier and
  ModifyPlan); aws_vpc_security_group_egress_rule: ec2/vpc_security_group_egress_rule.go @050ac111, which embeds
  the ingress rule's shared schema (read in the ingress file @00a32209, an older version).
tests/data/terraform_force_new.json holds the ForceNew fields read there, and a test checks
this table against it. pulumi-command: `triggers` is replaceOnChanges (pulumi_command/local/
command.py); without an `update` command any change re-creates. terraform-provider-random:
every argument of random_password is RequiresReplace.
"""
from __future__ import annotations

import json

ANY = "*"

FORCE_NEW: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    # aws_instance (read). userData is not ForceNew: AWS stops and starts the host to change it
    # (see CONDITIONAL for userDataReplaceOnChange).
    "aws:ec2/instance:Instance": {
        "ami", "associatePublicIpAddress", "availabilityZone", "cpuCoreCount", "cpuThreadsPerCore",
        "cpuOptions.amdSevSnp", "cpuOptions.coreCount", "cpuOptions.threadsPerCore", "ebsBlockDevices",
        "ebsOptimized", "enclaveOptions", "ephemeralBlockDevices", "hibernation", "hostId",
        "ipv6AddressCount", "ipv6Addresses", "keyName", "launchTemplate", "networkInterfaces",
        "placementGroup", "placementPartitionNumber", "privateDnsNameOptions", "privateIp",
        "rootBlockDevice.encrypted", "rootBlockDevice.kmsKeyId", "securityGroups", "subnetId", "tenancy"},
    # aws_ebs_volume (read): size, type, iops and throughput change in place (ModifyVolume).
    "aws:ebs/volume:Volume": {
        "availabilityZone", "encrypted", "kmsKeyId", "multiAttachEnabled", "outpostArn", "snapshotId"},
    # aws_volume_attachment (read): a new instance means a new attachment.
    "aws:ec2/volumeAttachment:VolumeAttachment": {"deviceName", "instanceId", "volumeId"},
    # aws_eip (read): `instance` re-associates in place.
    "aws:ec2/eip:Eip": {"address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"},
    # aws_security_group (read): the rules change in place, the description does not.
    "aws:ec2/securityGroup:SecurityGroup": {"description", "name", "namePrefix", "vpcId"},
    # Network: aws_vpc, aws_subnet, aws_internet_gateway, aws_route_table_association (read);
    # aws_route_table (docs). A changed zone replaces the subnet, and with it the host.
    "aws:ec2/vpc:Vpc": {"cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"},
    "aws:ec2/subnet:Subnet": {"availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId",
                              "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength",
                              "outpostArn", "vpcId"},
    "aws:ec2/internetGateway:InternetGateway": set(),
    "aws:ec2/routeTable:RouteTable": {"vpcId"},
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {"gatewayId", "subnetId"},
    # IAM (read): the role's policies and the profile's role change in place.
    "aws:iam/role:Role": {"name", "namePrefix", "path"},
    "aws:iam/rolePolicy:RolePolicy": {"name", "namePrefix", "role"},
    "aws:iam/instanceProfile:InstanceProfile": {"name", "namePrefix", "path"},
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"policyArn", "role"},
    # SSM (read): a new document content is a new version of the same document.
    "aws:ssm/parameter:Parameter": {"dataType", "name"},
    "aws:ssm/document:Document": {"name"},
    "aws:ssm/association:Association": {"instanceId", "name"},
    # Secrets Manager (read): a new value is a new secret version, the secret itself stays.
    "aws:secretsmanager/secret:Secret": {"name", "namePrefix"},
    "aws:secretsmanager/secretVersion:SecretVersion": {"secretBinary", "secretId", "secretString",
                                                       "secretStringWoVersion"},
    # KMS (read): the key's policy, description and rotation change in place.
    "aws:kms/key:Key": {"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion",
                        "xksKeyId"},
    "aws:kms/alias:Alias": {"name", "namePrefix"},
    # S3: the bucket's name and Object Lock; each sub-resource is tied to its bucket (see above).
    "aws:s3/bucket:Bucket": {"bucket", "bucketPrefix", "objectLockEnabled"},
    "aws:s3/bucketV2:BucketV2": {"bucket", "bucketPrefix", "objectLockEnabled"},
    "aws:s3/bucketVersioning:BucketVersioning": {"bucket", "expectedBucketOwner"},
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {"bucket", "expectedBucketOwner"},
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "bucket", "expectedBucketOwner"},
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {"bucket"},
    "aws:s3/bucketPolicy:BucketPolicy": {"bucket"},
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": {"bucket", "expectedBucketOwner"},
    # aws_s3_object (read): a delivery bundle object is replaced only when its bucket or key changes.
    "aws:s3/bucketObjectv2:BucketObjectv2": {"bucket", "key"},
    "aws:s3/bucketObject:BucketObject": {"bucket", "key"},
    # Route53 and CloudWatch Logs (read). A changed set_identifier is handled without a replace.
    "aws:route53/record:Record": {"name", "zoneId"},
    "aws:cloudwatch/logGroup:LogGroup": {"logGroupClass", "name", "namePrefix"},
    # ECR (read, Step 6): the key and the name are fixed at creation; scanning and mutability change in place.
    "aws:ecr/repository:Repository": {"encryptionConfigurations", "encryptionConfigurations.encryptionType",
                                      "encryptionConfigurations.kmsKey", "name"},
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {"policy", "repository"},
    # RDS (read, Steps 5-7): the class, storage, multi_az and the engine version change in place.
    # `name` is the provider's deprecated alias of db_name (pulumi-aws 7 has no such input).
    "aws:rds/instance:Instance": {
        "availabilityZone", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "identifier",
        "identifierPrefix", "kmsKeyId", "name", "ncharCharacterSetName", "restoreToPointInTime",
        "s3Import.bucketName", "s3Import.bucketPrefix", "s3Import.ingestionRole", "s3Import.sourceEngine",
        "s3Import.sourceEngineVersion", "snapshotIdentifier", "storageEncrypted", "timezone", "username"},
    # Step 7's ALB access-log bucket, dashboard and backup metric filter (read): only their names are fixed.
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {"bucket"},
    "aws:cloudwatch/dashboard:Dashboard": {"dashboardName"},
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {"logGroupName", "name"},
    # The web service's scalable target (read; role_arn, which the program does not set, not re-read).
    "aws:appautoscaling/target:Target": {"resourceId", "scalableDimension", "serviceNamespace"},
    # The alarms' topic (fifo_topic read; name and name_prefix from the docs) and its e-mail subscription (read):
    # a new alerts.email is a new subscription (AWS sends a new confirmation).
    "aws:sns/topic:Topic": {"fifoTopic", "name", "namePrefix"},
    "aws:sns/topicSubscription:TopicSubscription": {"endpoint", "protocol", "topicArn"},
    # RDS's groups (read): parameters and subnets change in place; a new family is a new group.
    "aws:rds/parameterGroup:ParameterGroup": {"description", "family", "name", "namePrefix"},
    "aws:rds/subnetGroup:SubnetGroup": {"name", "namePrefix"},
    # EFS (read, Step 7): throughput, lifecycle and protection change in place; the access point changes only
    # its tags in place (a new user or root directory is a new access point).
    "aws:efs/fileSystem:FileSystem": {"availabilityZoneName", "creationToken", "encrypted", "kmsKeyId",
                                      "performanceMode"},
    "aws:efs/accessPoint:AccessPoint": {
        "fileSystemId", "posixUser", "posixUser.gid", "posixUser.secondaryGids", "posixUser.uid", "rootDirectory",
        "rootDirectory.creationInfo", "rootDirectory.creationInfo.ownerGid", "rootDirectory.creationInfo.ownerUid",
        "rootDirectory.creationInfo.permissions", "rootDirectory.path"},
    "aws:efs/mountTarget:MountTarget": {"fileSystemId", "ipAddress", "subnetId"},
    "aws:efs/backupPolicy:BackupPolicy": {"fileSystemId"},
    "aws:efs/fileSystemPolicy:FileSystemPolicy": {"fileSystemId"},
    # IAM for CI (read): a managed policy's document is a new version; the provider's thumbprints update.
    "aws:iam/policy:Policy": {"description", "name", "namePrefix", "path"},
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"clientIdLists", "url"},
    # aws_cloudwatch_metric_alarm (read): only the alarm's name forces a new alarm.
    "aws:cloudwatch/metricAlarm:MetricAlarm": {"name"},
    # Step 7 (read). The certificate: a new domain or SAN list is a new certificate (re-validated through DNS);
    # its validation waits on one certificate and its records.
    "aws:acm/certificate:Certificate": {
        "certificateAuthorityArn", "domainName", "keyAlgorithm", "subjectAlternativeNames", "validationMethod",
        "validationOptions", "validationOptions.domainName", "validationOptions.validationDomain"},
    "aws:acm/certificateValidation:CertificateValidation": {"certificateArn", "validationRecordFqdns"},
    # The web service's scaling policy: its target-tracking settings change in place.
    "aws:appautoscaling/policy:Policy": {"name", "resourceId", "scalableDimension", "serviceNamespace"},
    # ECS: the cluster's settings and the service's task definition, counts, network and load balancers change in
    # place (a new task definition is a rolling deployment, not a new service); see CONDITIONAL for its capacity
    # provider strategy.
    "aws:ecs/cluster:Cluster": {"name"},
    "aws:ecs/service:Service": {"cluster", "deploymentController.type", "iamRole", "launchType", "name",
                                "schedulingStrategy"},
    # Every input but the tags is ForceNew: each change registers a new revision of the same family (a replacement
    # that loses nothing: the service moves to the new revision, the old one is deregistered). inferenceAccelerators
    # is in the version read; pulumi-aws 7 has no such input.
    "aws:ecs/taskDefinition:TaskDefinition": {
        "containerDefinitions", "cpu", "ephemeralStorage", "ephemeralStorage.sizeInGib", "executionRoleArn", "family",
        "inferenceAccelerators", "inferenceAccelerators.deviceName", "inferenceAccelerators.deviceType", "ipcMode",
        "memory", "networkMode", "pidMode", "placementConstraints", "placementConstraints.expression",
        "placementConstraints.type", "proxyConfiguration", "proxyConfiguration.containerName",
        "proxyConfiguration.properties", "proxyConfiguration.type", "requiresCompatibilities", "runtimePlatform",
        "runtimePlatform.cpuArchitecture", "runtimePlatform.operatingSystemFamily", "taskRoleArn", "volumes",
        "volumes.dockerVolumeConfiguration", "volumes.dockerVolumeConfiguration.autoprovision",
        "volumes.dockerVolumeConfiguration.driver", "volumes.dockerVolumeConfiguration.driverOpts",
        "volumes.dockerVolumeConfiguration.labels", "volumes.dockerVolumeConfiguration.scope",
        "volumes.efsVolumeConfiguration", "volumes.efsVolumeConfiguration.authorizationConfig",
        "volumes.efsVolumeConfiguration.authorizationConfig.accessPointId",
        "volumes.efsVolumeConfiguration.authorizationConfig.iam", "volumes.efsVolumeConfiguration.fileSystemId",
        "volumes.efsVolumeConfiguration.rootDirectory", "volumes.efsVolumeConfiguration.transitEncryption",
        "volumes.efsVolumeConfiguration.transitEncryptionPort", "volumes.fsxWindowsFileServerVolumeConfiguration",
        "volumes.fsxWindowsFileServerVolumeConfiguration.authorizationConfig",
        "volumes.fsxWindowsFileServerVolumeConfiguration.authorizationConfig.credentialsParameter",
        "volumes.fsxWindowsFileServerVolumeConfiguration.authorizationConfig.domain",
        "volumes.fsxWindowsFileServerVolumeConfiguration.fileSystemId",
        "volumes.fsxWindowsFileServerVolumeConfiguration.rootDirectory", "volumes.hostPath", "volumes.name"},
    # The ALB (a new one has a new DNS name; see CONDITIONAL for its subnet mappings), its target group, listeners
    # and rules: actions, certificates, health checks and priorities change in place.
    "aws:lb/loadBalancer:LoadBalancer": {"customerOwnedIpv4Pool", "internal", "loadBalancerType", "name",
                                         "namePrefix"},
    "aws:lb/targetGroup:TargetGroup": {"ipAddressType", "name", "namePrefix", "port", "protocol", "protocolVersion",
                                       "targetType", "vpcId"},
    "aws:lb/listener:Listener": {"loadBalancerArn"},
    "aws:lb/listenerRule:ListenerRule": {"listenerArn"},
    # The scheduled job: its expression, target and input change in place.
    "aws:scheduler/schedule:Schedule": {"groupName", "name", "namePrefix"},
    # Security group rules (plugin framework, RequiresReplace): the group; see CONDITIONAL for the source's kind.
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"securityGroupId"},
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {"securityGroupId"},
    # terraform-provider-random: every argument RequiresReplace.
    "random:index/randomPassword:RandomPassword": {ANY},
    # pulumi-command: see CONDITIONAL for a Command without an `update` command.
    "command:local:Command": {"triggers"},
}.items()}


def _instance(before: dict, after: dict) -> set[str]:
    # ForceNewIf("user_data", user_data_replace_on_change) in ec2_instance.go.
    if after.get("userDataReplaceOnChange"):
        return {"userData", "userDataBase64"}
    return set()


def _parameter(before: dict, after: dict) -> set[str]:
    # ForceNewIfChange("tier", Advanced -> Standard) in parameter.go: AWS cannot downgrade a tier.
    return {"tier"} if before.get("tier") == "Advanced" and after.get("tier") == "Standard" else set()


def _subnet(before: dict, after: dict) -> set[str]:
    # ForceNewIf("ipv6_cidr_block") in vpc_subnet.go, when the old subnet assigned IPv6 on creation.
    return {"ipv6CidrBlock"} if before.get("assignIpv6AddressOnCreation") else set()


def _command(before: dict, after: dict) -> set[str]:
    # pulumi-command: "If the `update` command was provided the resource will be updated,
    # otherwise it will be replaced using the `create` command."
    return set() if after.get("update") else {ANY}


_RULE_SOURCES = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")


def _security_group_rule(before: dict, after: dict) -> set[str]:
    # ModifyPlan in vpc_security_group_ingress_rule.go: "you cannot change the rule's source type", so a rule whose
    # source moves from one kind to another (a CIDR to a security group, ...) is replaced.
    old = next((k for k in _RULE_SOURCES if before.get(k)), None)
    new = next((k for k in _RULE_SOURCES if after.get(k)), None)
    return set(_RULE_SOURCES) if old != new else set()


def _items(value) -> list[str]:
    return sorted(json.dumps(v, sort_keys=True) for v in value or [])


def _ecs_service(before: dict, after: dict) -> set[str]:
    # capacityProviderStrategyCustomizeDiff in service.go: a changed strategy is a new service unless
    # force_new_deployment is set and the strategy neither appears nor disappears.
    old, new = _items(before.get("capacityProviderStrategies")), _items(after.get("capacityProviderStrategies"))
    if old == new or (after.get("forceNewDeployment") and bool(old) == bool(new)):
        return set()
    return {"capacityProviderStrategies"}


def _load_balancer(before: dict, after: dict) -> set[str]:
    # customizeDiffLoadBalancerALB/NLB in load_balancer.go (existing load balancers only).
    kind = after.get("loadBalancerType") or "application"
    old, new = set(_items(before.get("subnetMappings"))), set(_items(after.get("subnetMappings")))
    forced = set()
    if kind == "application" and old != new and not (old <= new or new <= old):
        forced.add("subnetMappings")  # a mapping itself changed; adding or removing whole mappings is in place
    if kind == "network":
        if old != new and (len(new) <= len(old) or not old <= new):
            forced.add("subnetMappings")
        subnets_old, subnets_new = _items(before.get("subnets")), _items(after.get("subnets"))
        if subnets_old != subnets_new and len(subnets_new) <= len(subnets_old):
            forced.add("subnets")  # an NLB only gains subnets in place
        if bool(before.get("securityGroups")) != bool(after.get("securityGroups")):
            forced.add("securityGroups")  # an NLB cannot gain its first security group or lose its last
    return forced


CONDITIONAL = {
    "aws:ec2/instance:Instance": _instance,
    "aws:ssm/parameter:Parameter": _parameter,
    "aws:ec2/subnet:Subnet": _subnet,
    "command:local:Command": _command,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _security_group_rule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _security_group_rule,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:ecs/service:Service": _ecs_service,
}


def _forces(entry: str, key: str, before: dict, after: dict) -> bool:
    """Does changed top-level input `key` hit `entry` (`key` itself or a nested `key.field`)?"""
    if entry in (ANY, key):
        return True
    head, _, field = entry.partition(".")
    if head != key or not field:
        return False
    old, new = before.get(key) or {}, after.get(key) or {}
    return isinstance(old, dict) and isinstance(new, dict) and old.get(field) != new.get(field)


def replacing_keys(type_: str, before: dict, after: dict, changed: list[str]) -> list[str]:
    """The changed inputs that force a replacement (empty: an update in place).

    A type missing from the table raises: a guess either way would mislead the user, and the
    test over every registered type catches the gap first.
    """
    if type_ not in FORCE_NEW:
        raise KeyError(f"{type_} has no entry in ladder/replacements.py FORCE_NEW; add its ForceNew inputs")
    entries = FORCE_NEW[type_] | CONDITIONAL.get(type_, lambda b, a: set())(before, after)
    return [key for key in changed if any(_forces(entry, key, before, after) for entry in entries)]


def is_component(type_: str) -> bool:
    """Component resources are groupings with no cloud object of their own: nothing to replace."""
    return type_.startswith("odoo-ladder:")

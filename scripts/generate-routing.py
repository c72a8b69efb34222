#!/usr/bin/env python3
"""Generates src/api/routing.generated.ts, the gateway's routing table, from the botocore models.

Usage: python3 scripts/generate-routing.py [--out FILE]
For each service in SERVICES (the most-used AWS APIs) it writes one compact JSON line: signing name,
endpoint prefix, target prefix, protocol, CloudTrail eventSource, API version, and per operation its
HTTP binding, the input members bound outside the body (uri, querystring, header, payload), the
output members bound to headers, whether CloudTrail calls the operation read-only, and whether it is
a data event. Never edit the generated file; re-run this script.

The only facts not in the models are the small tables below, each a documented CloudTrail behaviour:
eventSource names that differ from the signing name, Lambda's versioned eventNames, operations whose read-only nature a verb does not
show, and the data-event operations.
"""
import gzip
import json
import os
import re
import sys

import botocore

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "src", "api", "routing.generated.ts")

# The most-used AWS services (botocore model directory names).
SERVICES = [
    "acm", "apigateway", "apigatewayv2", "appsync", "athena", "autoscaling", "backup", "batch",
    "cloudformation", "cloudfront", "cloudtrail", "cloudwatch", "codebuild", "codecommit", "codepipeline",
    "cognito-identity", "cognito-idp", "config", "dynamodb", "dynamodbstreams", "ec2", "ecr", "ecs", "efs",
    "eks", "elasticache", "elasticbeanstalk", "elb", "elbv2", "emr", "es", "events", "firehose", "glue",
    "guardduty", "iam", "kafka", "kinesis", "kms", "lambda", "logs", "opensearch", "organizations", "rds",
    "redshift", "route53", "s3", "s3control", "sagemaker", "secretsmanager", "securityhub", "ses", "sesv2",
    "sns", "sqs", "ssm", "stepfunctions", "sts", "wafv2",
]

# CloudTrail's eventSource is <signing name>.amazonaws.com except for these (CloudWatch signs as
# "monitoring", which is also its eventSource; these differ from both names).
EVENT_SOURCE = {
    "sesv2": "ses.amazonaws.com",
    "apigatewayv2": "apigateway.amazonaws.com",
    "opensearch": "es.amazonaws.com",
    "elbv2": "elasticloadbalancing.amazonaws.com",
}

READ_VERBS = {
    "Describe", "Get", "List", "Head", "Lookup", "Search", "Scan", "Query", "Select", "Check", "Estimate",
    "Preview", "Verify", "Simulate", "View", "Download", "Retrieve", "Discover", "Batch Get", "Test",
}

# Operations whose read-only flag in CloudTrail differs from what their verb says.
READ_ONLY = {
    "sts": {"AssumeRole": True, "AssumeRoleWithSAML": True, "AssumeRoleWithWebIdentity": True, "GetSessionToken": True,
            "GetFederationToken": True, "DecodeAuthorizationMessage": True, "GetAccessKeyInfo": True},
    "kms": {"Encrypt": True, "Decrypt": True, "ReEncrypt": True, "GenerateDataKey": True, "GenerateDataKeyPair": True,
            "GenerateDataKeyWithoutPlaintext": True, "GenerateDataKeyPairWithoutPlaintext": True, "GenerateRandom": True,
            "GenerateMac": True, "Sign": True},
    "sqs": {"ReceiveMessage": True},
    "s3": {"SelectObjectContent": True},
    "dynamodb": {"BatchGetItem": True, "TransactGetItems": True},
    "lambda": {"Invoke": False, "InvokeAsync": False, "InvokeWithResponseStream": False},
    "ec2": {"GetPasswordData": True},
}

# Read-only operations whose replies CloudTrail still records as responseElements (the credentials
# they hand out, secrets hidden).
READ_ONLY_WITH_RESPONSE = {
    "sts": {"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken"},
}

# Data events (eventCategory Data, managementEvent false): CloudTrail's data-event resource types.
DATA_EVENTS = {
    "lambda": {"Invoke", "InvokeAsync", "InvokeWithResponseStream"},
    "dynamodb": {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "BatchWriteItem", "Query", "Scan",
                 "TransactGetItems", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"},
    "dynamodbstreams": {"GetRecords", "GetShardIterator", "DescribeStream"},
    "sqs": {"SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
            "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"},
    "sns": {"Publish", "PublishBatch"},
    "kinesis": {"PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard"},
    "s3": {"ListObjects", "ListObjectsV2", "ListObjectVersions", "DeleteObjects", "ListMultipartUploads"},
}


# Lambda records its versioned operations with the API date (and for some, "v2") in the eventName.
LAMBDA_V2 = {"UpdateFunctionConfiguration", "UpdateFunctionCode", "AddPermission", "RemovePermission", "GetPolicy"}
LAMBDA_PLAIN = {"Invoke", "InvokeAsync", "InvokeWithResponseStream"}


def event_name(service, name, uri):
    if service != "lambda" or name in LAMBDA_PLAIN:
        return None
    date = re.match(r"^/(\d{4})-(\d{2})-(\d{2})/", uri)
    if not date:
        return None
    return name + "".join(date.groups()) + ("v2" if name in LAMBDA_V2 else "")


def latest_model(data, service):
    versions = sorted(v for v in os.listdir(os.path.join(data, service)) if v[:1].isdigit())
    with gzip.open(os.path.join(data, service, versions[-1], "service-2.json.gz"), "rt") as f:
        return json.load(f)


def first_verb(name):
    words = re.findall(r"[A-Z][a-z]*", name)
    if words[:2] == ["Batch", "Get"]:
        return "Batch Get"
    return words[0] if words else ""


def is_read_only(service, name, method, protocol):
    override = READ_ONLY.get(service, {}).get(name)
    if override is not None:
        return override
    if first_verb(name) in READ_VERBS:
        return True
    # REST APIs: a GET or HEAD binding reads, whatever its name says.
    return protocol.startswith("rest") and method in ("GET", "HEAD")


def is_data_event(service, name, uri):
    if name in DATA_EVENTS.get(service, set()):
        return True
    # S3 object-level operations are the ones addressed to a key.
    return service == "s3" and "{Key+}" in uri


def wire_name(protocol, name, member):
    if protocol == "ec2":
        return member.get("queryName") or (member.get("locationName", name)[:1].upper() + member.get("locationName", name)[1:])
    return member.get("locationName", name)


def input_bindings(model, op, protocol):
    """[member, location, wireName] for members bound outside the body; [member, 'body', wireName] when renamed."""
    if "input" not in op:
        return [], None
    shape = model["shapes"][op["input"]["shape"]]
    out = []
    for name, member in shape.get("members", {}).items():
        location = member.get("location")
        if location:
            out.append([name, location, member.get("locationName", name)])
        elif protocol in ("query", "ec2") and wire_name(protocol, name, member) != name:
            out.append([name, "body", wire_name(protocol, name, member)])
        elif protocol in ("rest-json", "rest-xml", "json") and member.get("locationName", name) != name:
            out.append([name, "body", member["locationName"]])
    return out, shape.get("payload")


def required_names(model, op, location):
    """Wire names of the required members bound to `location` (they tell CopyObject from PutObject,
    AbortMultipartUpload from DeleteObject)."""
    if "input" not in op:
        return []
    shape = model["shapes"][op["input"]["shape"]]
    members = shape.get("members", {})
    return sorted(members[m]["locationName"] for m in shape.get("required", [])
                  if members.get(m, {}).get("location") == location)


def output_bindings(model, op):
    if "output" not in op:
        return []
    shape = model["shapes"][op["output"]["shape"]]
    out = []
    for name, member in shape.get("members", {}).items():
        if member.get("location") in ("header", "headers", "statusCode"):
            out.append([name, member["location"], member.get("locationName", name)])
    return out


def service_entry(data, service):
    model = latest_model(data, service)
    meta = model["metadata"]
    protocol = meta.get("protocol")
    protocols = meta.get("protocols", [protocol])
    signing = meta.get("signingName", meta["endpointPrefix"])
    operations = {}
    for name, op in sorted(model["operations"].items()):
        http = op.get("http", {})
        method, uri = http.get("method", "POST"), http.get("requestUri", "/")
        bindings, payload = input_bindings(model, op, protocol)
        entry = {"m": method, "u": uri}
        if bindings:
            entry["in"] = bindings
        if payload:
            entry["p"] = payload
            member = model["shapes"][op["input"]["shape"]]["members"][payload]
            entry["pk"] = model["shapes"][member["shape"]]["type"]
        required_headers = required_names(model, op, "header")
        if required_headers:
            entry["h"] = [h.lower() for h in required_headers]
        required_query = required_names(model, op, "querystring")
        if required_query:
            entry["q"] = required_query
        outputs = output_bindings(model, op)
        if outputs:
            entry["out"] = outputs
        recorded_name = event_name(service, name, uri)
        if recorded_name:
            entry["e"] = recorded_name
        if is_read_only(service, name, method, protocol):
            entry["ro"] = 1
        if name in READ_ONLY_WITH_RESPONSE.get(service, set()):
            entry["re"] = 1
        if is_data_event(service, name, uri):
            entry["d"] = 1
        operations[name] = entry
    return {
        "id": service,
        "signingName": signing,
        "endpointPrefix": meta["endpointPrefix"],
        "targetPrefix": meta.get("targetPrefix"),
        "protocol": protocol,
        "protocols": protocols,
        "jsonVersion": meta.get("jsonVersion"),
        "apiVersion": meta["apiVersion"],
        "globalEndpoint": meta.get("globalEndpoint"),
        "eventSource": EVENT_SOURCE.get(service, signing + ".amazonaws.com"),
        "operations": operations,
    }


def main():
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else OUT
    data = os.path.join(os.path.dirname(botocore.__file__), "data")
    lines = []
    for service in SERVICES:
        entry = service_entry(data, service)
        lines.append("  %s," % json.dumps(json.dumps(entry, separators=(",", ":"))))
    with open(out, "w") as f:
        f.write("// Generated by scripts/generate-routing.py from botocore %s (%d services). Do not edit.\n" % (botocore.__version__, len(SERVICES)))
        f.write("// One JSON document per service (parsed once at start); see src/api/routing.ts for the shape.\n")
        f.write("export const ROUTING_SERVICES: readonly string[] = [\n")
        f.write("\n".join(lines))
        f.write("\n];\n")
    print("wrote %s (%d services, %d bytes)" % (out, len(SERVICES), os.path.getsize(out)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Stands in for cfn-init on the Docker host of the end-to-end run: reads the
instance's AWS::CloudFormation::Init metadata, already resolved, from the JSON
file $E2E_CFN_METADATA and writes its `files` as cfn-init does (a string content
as it is, an object as JSON; mode, parent folders). It records its call in
$STUB_LOG as the other stubs do. It does not fetch metadata from
CloudFormation, and knows no packages, sources, users, commands or services.
"""
import json
import os
import sys

with open(os.environ["STUB_LOG"], "a") as log:
    log.write("\x1f".join(["cfn-init"] + sys.argv[1:]) + "\x1e")
with open(os.environ["E2E_CFN_METADATA"]) as handle:
    init = json.load(handle)["AWS::CloudFormation::Init"]
for path, spec in init["config"].get("files", {}).items():
    content = spec["content"]
    data = content if isinstance(content, str) else json.dumps(content)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(data)
    os.chmod(path, int(spec.get("mode", "000644"), 8))

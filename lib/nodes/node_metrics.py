"""How the nodes' metric publishers, the Docker host's and the swarm
managers', send their samples to CloudWatch: namespace DockerNodes, unit
Count, with the AWS CLI and the node's role. The metric data goes to the CLI
on stdin, so no command line holds it. A put that fails is logged with the
CLI's last error line and the CLI's exit status, and the publisher goes on:
the timer runs it again the next minute.

cfn-init writes this module to /usr/local/lib/docker-nodes/ from the metadata.
"""
import json
import subprocess
import sys

NAMESPACE = "DockerNodes"
# The most values one PutMetricData call takes.
BATCH = 1000


def datum(name, dimensions, value):
    """One value of a metric, its dimensions given as (name, value) pairs in order."""
    return {"MetricName": name, "Dimensions": [{"Name": key, "Value": text} for key, text in dimensions], "Value": value, "Unit": "Count"}


def publish(program, region, data):
    """Sends the values, at most BATCH a call; returns whether every call went through, logging each that did not."""
    sent = True
    for start in range(0, len(data), BATCH):
        args = ["aws", "cloudwatch", "put-metric-data", "--region", region, "--namespace", NAMESPACE, "--metric-data", "file:///dev/stdin"]
        try:
            result = subprocess.run(args, input=json.dumps(data[start:start + BATCH]).encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        except OSError as error:
            sys.stderr.write("%s: put-metric-data could not run the AWS CLI (%s)\n" % (program, error.strerror))
            return False
        if result.returncode != 0:
            errors = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            sys.stderr.write("%s: put-metric-data failed with exit status %d: %s\n" % (program, result.returncode, errors[-1] if errors else "(no output)"))
            sent = False
    return sent

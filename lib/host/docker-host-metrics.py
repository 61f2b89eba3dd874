#!/usr/bin/env python3
"""Publishes the state of a Docker host's containers to CloudWatch, one
sample each time it runs (a systemd timer runs it every minute).

For each container the host file lists (the one cfn-init wrote from the
metadata), in namespace DockerNodes with dimensions Stack (the stack name),
Host (the instance's logical id) and Container (its name):

- ContainerRunning: 1 when Docker says the container is running, 0 when it
  is not (exited, restarting, created, paused) or does not exist;
- ContainerRestarts: how many times Docker restarted it since the previous
  sample sent: the difference of Docker's RestartCount. A container whose id
  is not the one of the previous sample was recreated since (a deploy, a
  removal and a new one), so all its restarts are new: its own RestartCount.
  A count lower than before (the engine started it anew) is new too. The
  first sample of the host has nothing to compare with and says 0.

It samples with one `docker inspect` a run rather than following Docker's
events: a sample a minute is what the metrics carry, and a run that keeps no
connection open cannot miss events while it is not running. What it needs of
the previous sample, each container's id and RestartCount, it keeps in
STATE_FILE, written only once the sample was sent, so restarts of a sample
that could not be sent count in the next one. A put that fails is logged
and the program exits 0: the timer runs it again the next minute. It reads
only the names, the stack, the logical id and the region of the host file,
and publishes and logs nothing else.
"""
import json
import os
import subprocess
import sys

# The metric rules, shared with the swarm managers' publisher: cfn-init writes
# them to NODE_LIBRARY; a copy beside the program, as the tests run it, comes first.
NODE_LIBRARY = "/usr/local/lib/docker-nodes"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), NODE_LIBRARY]
from node_metrics import datum, publish

PROGRAM = "docker-host-metrics"
HOST_FILE = "/etc/docker-host/host.json"
STATE_FILE = "/var/lib/docker-host/metrics.json"


def inspect(names):
    """The listed containers that exist, by name, as `docker inspect` shows them; a missing one is left out."""
    result = subprocess.run(["docker", "inspect", "--type", "container", "--"] + names, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    try:
        found = json.loads(result.stdout.decode("utf-8") or "[]")
    except ValueError:
        found = []
    return {item["Name"].lstrip("/"): item for item in found}


def restarts(previous, name, container):
    """Restarts of the container since the previous sample (see the module's text)."""
    if previous is None:
        return 0
    count = container.get("RestartCount", 0)
    before = previous.get(name)
    if before is None or before["id"] != container["Id"] or count < before["restarts"]:
        return count
    return count - before["restarts"]


def read_state(path):
    """The previous sample's containers, by name; None when there was none."""
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))["containers"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(path, containers):
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path + ".tmp", "w") as handle:
        json.dump({"containers": containers}, handle)
    os.replace(path + ".tmp", path)


def main():
    host_path = os.environ.get("DOCKER_HOST_FILE", HOST_FILE)
    state_path = os.environ.get("DOCKER_HOST_METRICS_STATE", STATE_FILE)
    try:
        with open(host_path, "rb") as handle:
            host = json.loads(handle.read().decode("utf-8"))
        names = [container["name"] for container in host["containers"]]
        dimensions = [("Stack", host["stackName"]), ("Host", host["resource"])]
        region = host["region"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.stderr.write("%s: cannot read the host file %s (%s), so nothing is published\n" % (PROGRAM, host_path, type(error).__name__))
        return 0
    found = inspect(names) if names else {}
    previous = read_state(state_path)
    seen = dict(previous or {})
    data = []
    for name in names:
        container = found.get(name)
        running = 1 if container is not None and container["State"].get("Status") == "running" else 0
        restarted = restarts(previous, name, container) if container is not None else 0
        if container is not None:
            seen[name] = {"id": container["Id"], "restarts": container.get("RestartCount", 0)}
        data.append(datum("ContainerRunning", dimensions + [("Container", name)], running))
        data.append(datum("ContainerRestarts", dimensions + [("Container", name)], restarted))
    if data and publish(PROGRAM, region, data):
        write_state(state_path, {name: seen[name] for name in names if name in seen})
    return 0


if __name__ == "__main__":
    sys.exit(main())

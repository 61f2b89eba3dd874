#!/usr/bin/env python3
"""Publishes the state of a Docker swarm's services and nodes to CloudWatch,
one sample each time it runs (a systemd timer runs it every minute on every
manager). Only the leading manager publishes; on any other manager it does
nothing and says nothing.

In namespace DockerNodes, from the settings cfn-init wrote from the metadata
(CONFIG_FILE: the stack name, the region, the stack namespace of
`docker stack deploy`):

- per service of the stack namespace, dimensions Stack and Service (the
  swarm's service name, `<namespace>_<service>`): DesiredTasks, the tasks the
  swarm wants running (`docker service ls`: the replicas of a replicated
  service, for a global one a task per eligible node), and RunningTasks, the
  tasks that the swarm wants running, that run, and whose node is Ready
  (`docker node ps` of the Ready nodes, each task once by its id: the
  client lists the tasks of the first nodes again with each later node's).
  `docker service ls` alone would
  count a task on a node that went down as running until the node comes
  back;
- NodesDown, dimensions Stack and Swarm (the stack namespace): the nodes
  whose status is not Ready (Down, Unknown, Disconnected).

When docker cannot answer (the engine is down, the node left the swarm), the
failure is logged and nothing is published, so the metrics miss a sample
rather than show a wrong one. A put that fails is logged; the program exits
0 in every case, and the timer runs it again the next minute.
"""
import json
import os
import re
import subprocess
import sys

# The metric rules, shared with the Docker host's publisher: cfn-init writes
# them to NODE_LIBRARY; a copy beside the program, as the tests run it, comes first.
NODE_LIBRARY = "/usr/local/lib/docker-nodes"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), NODE_LIBRARY]
from node_metrics import datum, publish

PROGRAM = "docker-swarm-metrics"
CONFIG_FILE = "/etc/docker-swarm/metrics.json"
# `docker service ls` replicas: running/desired, then for some modes more in parentheses.
REPLICAS = re.compile(r"^(\d+)/(\d+)")


class SampleError(Exception):
    """Docker could not answer, so there is no sample."""


def docker(args):
    result = subprocess.run(["docker"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        errors = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        raise SampleError("docker %s failed: %s" % (" ".join(args[:2]), errors[-1] if errors else "exit status %d" % result.returncode))
    return [line.split("\t") for line in result.stdout.decode("utf-8", "replace").splitlines() if line.strip()]


def leads():
    """Whether this node is the swarm's leading manager."""
    return docker(["node", "inspect", "self", "--format", "{{.ManagerStatus.Leader}}"]) == [["true"]]


def sample(namespace):
    """The services' desired and running tasks, by service name, and the number of nodes not Ready."""
    nodes = docker(["node", "ls", "--format", "{{.ID}}\t{{.Status}}"])
    ready = [node[0] for node in nodes if node[1:] == ["Ready"]]
    desired = {}
    for name, replicas in docker(["service", "ls", "--filter", "label=com.docker.stack.namespace=" + namespace, "--format", "{{.Name}}\t{{.Replicas}}"]):
        counts = REPLICAS.match(replicas)
        if counts is None:
            raise SampleError("docker service ls shows service %s with replicas %s, which is not running/desired" % (json.dumps(name), json.dumps(replicas)))
        desired[name] = int(counts.group(2))
    running = dict.fromkeys(desired, 0)
    # docker node ps lists the tasks of the first nodes again with each later node's: each task counts once, by its id.
    tasks = docker(["node", "ps"] + ready + ["--filter", "desired-state=running", "--format", "{{.ID}}\t{{.Name}}\t{{.CurrentState}}"]) if ready else []
    for _, name, state in {task[0]: task for task in tasks if len(task) == 3}.values():
        # A task is <service>.<slot>, or <service>.<node id> for a global service.
        service = name.rsplit(".", 1)[0]
        if service in running and state.startswith("Running"):
            running[service] += 1
    return desired, running, len(nodes) - len(ready)


def main():
    config_path = os.environ.get("DOCKER_SWARM_METRICS_CONFIG", CONFIG_FILE)
    try:
        with open(config_path, "rb") as handle:
            config = json.loads(handle.read().decode("utf-8"))
        stack, region, namespace = config["stackName"], config["region"], config["swarm"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.stderr.write("%s: cannot read the settings %s (%s), so nothing is published\n" % (PROGRAM, config_path, type(error).__name__))
        return 0
    try:
        if not leads():
            return 0
        desired, running, down = sample(namespace)
    except (SampleError, OSError) as error:
        sys.stderr.write("%s: %s, so nothing is published\n" % (PROGRAM, error))
        return 0
    data = []
    for service in sorted(desired):
        dimensions = [("Stack", stack), ("Service", service)]
        data.append(datum("RunningTasks", dimensions, running[service]))
        data.append(datum("DesiredTasks", dimensions, desired[service]))
    data.append(datum("NodesDown", [("Stack", stack), ("Swarm", namespace)], down))
    publish(PROGRAM, region, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the env-files of a Docker swarm's services on a manager, which
`docker stack deploy` reads, from the JSON file cfn-init wrote from the stack
metadata: each service's environmentFile text, then a KEY=value line per
variable of its environment, by name. Everything is checked before any file
is written, as synth checks the stack, with the env-file rules the Docker
host's apply program uses (env_file.py): service and variable names, the
environmentFile's KEY=value lines, and each value, which must be text of one
line (a line break or NUL would add variables to the service). A refusal
names the service and the variable, never a value, and the deploy that runs
after it does not happen.

Usage: docker-swarm-env SOURCE DIRECTORY
"""
import json
import os
import sys

# The env-file rules, shared with the Docker host's apply program: cfn-init
# writes them to NODE_LIBRARY; a copy beside the program, as the tests run it, comes first.
NODE_LIBRARY = "/usr/local/lib/docker-nodes"
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), NODE_LIBRARY]
from env_file import EnvFileError, check_name, env_file_lines, quoted, render


def env_file(service, settings):
    check_name("service", service)
    if not isinstance(settings, dict):
        raise EnvFileError("service %s: its settings are not an object; deploy the stack again so the metadata holds what the stack writes" % quoted(service))
    return render(env_file_lines("service", service, "environment", settings.get("environmentFile"), settings.get("environment"), "the metadata"))


def main(argv):
    source, directory = argv
    with open(source, "rb") as handle:
        services = json.loads(handle.read().decode("utf-8"))
    try:
        files = {service: env_file(service, settings) for service, settings in services.items()}
    except EnvFileError as error:
        sys.stderr.write("docker-swarm-env: %s\n" % error)
        return 1
    os.umask(0o077)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for service, data in files.items():
        path = os.path.join(directory, service + ".env")
        with open(path + ".tmp", "wb") as handle:
            handle.write(data)
        os.replace(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

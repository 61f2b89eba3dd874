#!/bin/bash
# Runs the reload command of each service whose files changed in the service's tasks on this node.
## docker-swarm-reload, no arguments: every node's user data runs it once cfn-init wrote the
## services' files, its cfn-hup after each stack update. For each service with a reload command,
## when the checksum of its files differs from the one last applied on this node, it runs the
## command in each of the service's running tasks here and records the checksum; a task that does
## not reload leaves the checksum as it was, so the next run tries again.
## Exit status: 0 when every service is reloaded or unchanged; 1 when a task did not reload, so
## the stack update shows it.
## The user data writes this file with each @NAME@ filled in at synth time and the ## lines left out;
## the reload line is written once per service: SERVICE FOLDER COMMAND..., each a shell word.
set -euo pipefail
applied=/var/lib/docker-swarm/applied
install -d -m 0700 "$applied"
status=0
# reload SERVICE FOLDER COMMAND...
reload() {
  local service=$1 folder=$2 sum container
  shift 2
  sum=$(cd "$folder" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -d " " -f 1) || return 1
  if [ "$(cat "$applied/$service" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  for container in $(docker ps --quiet --filter "label=com.docker.swarm.service.name=$service"); do
    if docker exec "$container" "$@"; then
      echo "$service: reloaded task container $container"
    else
      echo "$service: task container $container did not reload" >&2
      return 1
    fi
  done
  echo "$sum" > "$applied/$service"
}
reload @RELOAD_ARGUMENTS@ || status=1
exit "$status"

#!/bin/bash
# Usage: docker-swarm-drain INSTANCE_ID AUTO_SCALING_GROUP LIFECYCLE_HOOK
## Run by the workers' scale-in lifecycle hook on every manager, through Run Command. The leader
## drains the worker of instance INSTANCE_ID, waits until none of its tasks runs there and every
## service runs as many tasks as it wants elsewhere (@DRAIN_LOOKS@ looks 5 s apart: the lifecycle
## hook's timeout, after which the instance ends anyway), removes the node, and completes the
## lifecycle action LIFECYCLE_HOOK of AUTO_SCALING_GROUP with CONTINUE so the instance ends.
## Exit status: 0 when the action was completed, or on a manager that does not lead; otherwise
## that of the first command that failed.
## The user data writes this file with each @NAME@ filled in at synth time and the ## lines left out.
set -euo pipefail
instance_id=$1 group=$2 hook=$3
if [ "$(docker node inspect self --format "{{.ManagerStatus.Leader}}")" != true ]; then
  exit 0
fi
node=$(docker node ls --quiet | xargs docker node inspect --format "{{.ID}} {{index .Description.Engine.Labels \"instance-id\"}}" \
  | awk -v id="$instance_id" '$2 == id { print $1; exit }')
# Tasks still running on the node, and services running fewer tasks than they want.
busy() {
  docker node ps "$node" --format "{{.CurrentState}}" | awk '/^Running/ { n++ } END { print n + 0 }'
}
short() {
  docker service ls --format "{{.Replicas}}" | awk '{ split($1, n, "/"); if (n[1] + 0 < n[2] + 0) short++ } END { print short + 0 }'
}
if [ -n "$node" ]; then
  docker node update --availability drain "$node" > /dev/null
  for _ in $(seq 1 @DRAIN_LOOKS@); do
    if [ "$(busy)" = 0 ] && [ "$(short)" = 0 ]; then
      break
    fi
    sleep 5
  done
  docker node rm --force "$node" > /dev/null
  echo "drained and removed node $node of instance $instance_id"
fi
aws autoscaling complete-lifecycle-action --region @REGION@ --auto-scaling-group-name "$group" --lifecycle-hook-name "$hook" \
  --instance-id "$instance_id" --lifecycle-action-result CONTINUE

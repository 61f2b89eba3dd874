#!/bin/bash
# Deploys @COMPOSE_FILE@ when this manager leads the swarm; other managers leave it to the leader.
## docker-swarm-deploy, no arguments: the managers' user data runs it at boot, their cfn-hup
## after each stack update. The leader creates each swarm secret it does not have yet from its
## SSM SecureString parameter, then runs docker stack deploy.
## Exit status: 0 when deployed, or when another manager leads; otherwise that of the first
## command that failed (a secret that could not be read or created, a deploy docker refused).
## The user data writes this file with each @NAME@ filled in at synth time and the ## lines left out;
## @CREATE_SECRETS@ stands for the lines that create each secret, none when there is none.
set -euo pipefail
if [ "$(docker node inspect self --format "{{.ManagerStatus.Leader}}")" != true ]; then
  echo "this manager does not lead the swarm; the leader deploys"
  exit 0
fi
@CREATE_SECRETS@
docker stack deploy --prune --compose-file @COMPOSE_FILE@ @STACK_NAMESPACE@

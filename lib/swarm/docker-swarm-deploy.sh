#!/bin/bash
# Deploys @COMPOSE_FILE@ when this manager leads the swarm and reports to CloudFormation; other managers leave it to the leader.
## docker-swarm-deploy [--refresh]: cfn-init writes it from the managers' metadata; the managers'
## user data runs it at boot, their cfn-hup after each stack update, their refresh timer with
## --refresh. The leader makes each swarm secret the swarm does not have yet, as
## <name>-v<version> from that version of its SSM SecureString parameter, and hands its name to
## docker stack deploy in the variable the compose file names it by; it removes the versions no
## service uses, nor would roll back to. Then the gate program (docker-swarm-gate) runs docker
## stack deploy, waits until every service the deploy changed has converged, and signals the
## wait condition of the services' digest, named in @DEPLOY_FILE@: SUCCESS, or FAILURE naming the
## service and its task's error when swarm rolls the update back or the time runs out, or with
## docker's message when docker refuses the deploy. Other managers signal nothing.
## With --refresh it signals nothing: it deploys only when a secret's parameter has a version the
## services do not use yet (keeping each service's image digest: --resolve-image changed), and
## rolls each service labelled docker-swarm.pull=always to the image its tag names now.
## A secret that cannot be read from its parameter or created in the swarm stops the run before
## anything is deployed: the gate signals FAILURE naming the swarm secret, its parameter and the
## error aws or docker printed; with --refresh that reason goes to stderr and nothing is signalled.
## Exit status: 0 when deployed (and SUCCESS reported), or when another manager leads; 3 once
## FAILURE is reported (a secret that could not be read or created, a deploy that failed);
## otherwise that of the first command that failed (a deploy docker refused with --refresh, a
## report that did not go through); with --refresh, 1 when a secret could not be read or created
## (the services keep running as they are) or an image could not be pulled (the service keeps
## running as it was).
## The metadata holds this file with each @NAME@ filled in at synth time and the ## lines left out;
## On the leader it runs one at a time, holding /run/docker-swarm-deploy.lock (or
## $DOCKER_SWARM_DEPLOY_LOCK); a second run waits for the first.
## @CREATE_SECRETS@ stands for the line per secret, secret REGION NAME PARAMETER VARIABLE, none when there is none.
set -euo pipefail
refresh=false
if [ "${1:-}" = --refresh ]; then
  refresh=true
fi
if [ "$(docker node inspect self --format "{{.ManagerStatus.Leader}}")" != true ]; then
  echo "this manager does not lead the swarm; the leader deploys"
  exit 0
fi
# One deploy at a time on the leader: the boot's, cfn-hup's, the pushed one's and the refresh
# timer's wait for each other, so no run signals the wait condition while another still waits.
exec 9> "${DOCKER_SWARM_DEPLOY_LOCK:-/run/docker-swarm-deploy.lock}"
if ! flock --nonblock 9; then
  echo "another deploy runs on this manager; waiting for it"
  flock 9
fi
secrets=()
current=()
# Why a secret could not be made (empty while every one could), and the errors aws and docker secret create printed.
unmade=""
secret_errors=$(mktemp)
create_errors=$(mktemp)
trap 'rm -f "$secret_errors" "$create_errors"' EXIT
# not_made NAME PARAMETER COMMAND STATUS ERRORS: records why the swarm secret NAME could not be made, with the
# error COMMAND printed in the file ERRORS (on one line); the first one recorded is the one reported.
not_made() {
  local printed
  printed=$(tr -s '\n\t ' ' ' < "$5")
  printed=${printed# }
  unmade="swarm secret $1 from SSM parameter $2 could not be made, so nothing was deployed: $3 failed (exit $4): ${printed% }"
}
# secret REGION NAME PARAMETER VARIABLE: makes NAME-v<version> of the parameter's version unless the swarm has it,
# and exports VARIABLE, which the compose file names the secret by. Once a secret could not be made, it does nothing.
secret() {
  local version status=0 piped
  [ -z "$unmade" ] || return 0
  version=$(aws ssm get-parameter --region "$1" --name "$3" --query Parameter.Version --output text 2> "$secret_errors") || status=$?
  if [ "$status" != 0 ]; then
    not_made "$2" "$3" "aws ssm get-parameter" "$status" "$secret_errors"
    return 0
  fi
  if ! docker secret inspect "$2-v$version" > /dev/null 2>&1; then
    piped=(0 0)
    aws ssm get-parameter --region "$1" --name "$3:$version" --with-decryption --query Parameter.Value --output text 2> "$secret_errors" \
      | docker secret create "$2-v$version" - > /dev/null 2> "$create_errors" || piped=("${PIPESTATUS[@]}")
    if [ "${piped[0]}" != 0 ]; then
      not_made "$2" "$3" "aws ssm get-parameter of version $version" "${piped[0]}" "$secret_errors"
      return 0
    fi
    if [ "${piped[1]}" != 0 ]; then
      not_made "$2" "$3" "docker secret create $2-v$version" "${piped[1]}" "$create_errors"
      return 0
    fi
    echo "created swarm secret $2-v$version"
  fi
  export "$4=$2-v$version"
  secrets+=("$2")
  current+=("$2-v$version")
}
# The swarm secrets the services name in their spec (Spec), or in the spec a rollback returns to (PreviousSpec).
named_secrets() {
  docker service ls --quiet | xargs -r docker service inspect \
    --format "{{with .$1}}{{range .TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}} {{end}}{{end}}" | xargs
}
# Removes each version of the secrets that is not current and that no service names.
remove_unused_secrets() {
  local named name base
  [ "${#secrets[@]}" -gt 0 ] || return 0
  named=" $(named_secrets Spec) $(named_secrets PreviousSpec) ${current[*]} "
  for name in $(docker secret ls --format "{{.Name}}"); do
    for base in "${secrets[@]}"; do
      if [[ $name == "$base"-v* && ${name#"$base"-v} =~ ^[0-9]+$ && $named != *" $name "* ]]; then
        docker secret rm "$name" > /dev/null
        echo "removed swarm secret $name, which no service uses"
      fi
    done
  done
}
# Rolls each service whose image is pulled always to the image its tag names now (docker service update
# resolves the tag to its digest; an unchanged digest replaces no task). A pull that fails leaves the service as it runs.
pull_always() {
  local service image errors status=0
  for service in $(docker service ls --filter "label=docker-swarm.pull=always" --filter "label=com.docker.stack.namespace=@STACK_NAMESPACE@" --format "{{.Name}}"); do
    image=$(docker service inspect --format '{{index .Spec.Labels "com.docker.stack.image"}}' "$service")
    if ! errors=$(docker pull --quiet "$image" 2>&1 > /dev/null); then
      echo "service $service: docker pull $image failed, so the service keeps its image: $errors" >&2
      status=1
      continue
    fi
    docker service update --quiet --detach --image "$image" "$service" > /dev/null
  done
  return "$status"
}
@CREATE_SECRETS@
if [ -n "$unmade" ]; then
  if [ "$refresh" = true ]; then
    echo "$unmade" >&2
    exit 1
  fi
  # The gate signals FAILURE with the reason, deploying nothing.
  rm -f "$secret_errors" "$create_errors"
  exec @GATE_PROGRAM@ @DEPLOY_FILE@ @STACK_NAMESPACE@ --fail "$unmade"
fi
if [ "$refresh" = true ]; then
  status=0
  if [ "${#current[@]}" -gt 0 ]; then
    named=" $(named_secrets Spec) "
    for name in "${current[@]}"; do
      if [[ $named != *" $name "* ]]; then
        docker stack deploy --prune --resolve-image changed --compose-file @COMPOSE_FILE@ @STACK_NAMESPACE@
        break
      fi
    done
  fi
  pull_always || status=1
  remove_unused_secrets
  exit "$status"
fi
remove_unused_secrets
@GATE_PROGRAM@ @DEPLOY_FILE@ @STACK_NAMESPACE@ docker stack deploy --prune --compose-file @COMPOSE_FILE@ @STACK_NAMESPACE@

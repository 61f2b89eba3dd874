import { Token } from 'aws-cdk-lib';
import { SWARM_DEPLOY_SCRIPT, SWARM_DRAIN_SCRIPT, SWARM_RELOAD_SCRIPT } from '../host-programs';

/** Where a node keeps what the swarm needs: the compose file, the env-files, the helper scripts. */
export const SWARM_DIRECTORY = '/etc/docker-swarm';
/** The compose file the leading manager deploys. */
export const COMPOSE_FILE = `${SWARM_DIRECTORY}/stack.yml`;
/**
 * Deploys the compose file when run on the leading manager and reports to the
 * services' wait condition; cfn-init writes it from the managers' metadata,
 * and runs it at boot and cfn-hup after each stack update, the refresh timer
 * with `--refresh`.
 */
export const DEPLOY_COMMAND = '/usr/local/sbin/docker-swarm-deploy';
/** The wait condition handle and id of the services' digest, which cfn-init writes on the managers from the stack metadata. */
export const DEPLOY_FILE = `${SWARM_DIRECTORY}/deploy.json`;
/** Runs docker stack deploy, waits until the services converged and signals the wait condition; cfn-init writes it on the managers. */
export const GATE_PROGRAM = '/usr/local/sbin/docker-swarm-gate';
/** Drains a leaving worker and lets its instance end; the scale-in lifecycle hook runs it on the managers. */
export const DRAIN_COMMAND = '/usr/local/sbin/docker-swarm-drain';

/** The services' env-files' parts, which cfn-init writes on the managers from the stack metadata. */
export const ENV_SOURCE = `${SWARM_DIRECTORY}/env.json`;
/** Where the env-file writer writes the services' env-files. */
export const ENV_DIRECTORY = `${SWARM_DIRECTORY}/env`;
/** The env-file writer, which cfn-init writes on the managers from the stack metadata. */
export const ENV_PROGRAM = '/usr/local/sbin/docker-swarm-env';
/**
 * Writes the services' env-files, refusing a deploy-time value that holds a
 * line break; the managers run it before deploying, at boot and after each stack update.
 */
export const ENV_COMMAND = `${ENV_PROGRAM} ${ENV_SOURCE} ${ENV_DIRECTORY}`;

/** Runs the reload commands of the services whose files changed in their tasks on the node; cfn-hup runs it after each stack update. */
export const RELOAD_COMMAND = '/usr/local/sbin/docker-swarm-reload';

/** A service whose tasks take a rewritten file with a command instead of being replaced. */
export interface ServiceReload {
  /** The service's name in the swarm, `<stack>_<service>`. */
  readonly service: string;
  /** The folder on the node that holds the service's files. */
  readonly folder: string;
  /** The command run in each of the service's tasks on the node, such as `nginx -s reload`. */
  readonly command: readonly string[];
}

/**
 * The variable through which the deploy helper gives `docker stack deploy`
 * the swarm secret of the parameter's current version, `<name>-v<version>`:
 * `SWARM_SECRET_` and the name, each character but a letter or digit
 * written `_` and its code in hex, so that no two names share one.
 */
export function secretVariable(name: string): string {
  return `SWARM_SECRET_${name.replace(/[^A-Za-z0-9]/g, (character) => `_${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

/** A swarm secret the leading manager creates from an SSM SecureString parameter before it deploys. */
export interface ScriptSecret {
  readonly name: string;
  readonly parameterName: string;
}

export interface NodeScriptOptions {
  readonly role: 'manager' | 'worker';
  /** The stack, the Auto Scaling group's logical id and the region, for `cfn-signal` and `cfn-init`. */
  readonly stackName: string;
  readonly resource: string;
  readonly region: string;
  /** The parameter path holding the join tokens and the managers' addresses, without a trailing `/`. */
  readonly parameterPath: string;
  /** Engine labels of the node besides `instance-id`, `key=value` each. */
  readonly labels: readonly string[];
  /** On managers: the `docker stack deploy` stack name. */
  readonly stackNamespace: string;
  /** On managers: the secrets to create before deploying. */
  readonly secrets: readonly ScriptSecret[];
  /** On managers: services have variables, whose env-files `ENV_COMMAND` writes before deploying. */
  readonly envFiles: boolean;
  /**
   * On workers: the group has cfn-init metadata (the services' files and
   * cfn-hup), applied before the node joins, so its tasks find their files.
   */
  readonly workerMetadata: boolean;
  /** The services whose tasks reload rewritten files. */
  readonly reloads: readonly ServiceReload[];
  /** On managers: how long the drain helper waits for a leaving worker's tasks to move, in seconds; the lifecycle hook's timeout. */
  readonly drainSeconds: number;
}

/**
 * A swarm node's user data: installs Docker with the node's engine labels,
 * then the first manager starts the swarm and stores the join tokens under
 * the parameter path, and every other node joins through one of the managers
 * whose addresses are stored there, retrying with growing waits until the
 * swarm exists. A manager removes the managers that are unreachable and whose
 * instance Auto Scaling no longer has in service (a replaced manager's
 * predecessor), stores the reachable managers' addresses, writes the services' files with
 * cfn-init, their env-files with the env-file writer, and deploys them. When services have `files`, a worker writes them with
 * cfn-init before it joins. The exit status goes to CloudFormation.
 */
export function renderNodeScript(options: NodeScriptOptions): string {
  const manager = options.role === 'manager';
  const lines = [
    '#!/bin/bash',
    `# Docker swarm ${options.role}: installs Docker and joins the swarm${manager ? ' (the first manager starts it), then deploys the services' : ''}.`,
    '# The exit status goes to CloudFormation, so a node that cannot join fails the stack.',
    'set -euo pipefail',
    '',
    'signal_cloudformation() {',
    '  local status=$?',
    `  cfn-signal --exit-code "$status" --stack ${quote(options.stackName)} --resource ${quote(options.resource)} --region ${quote(options.region)} \\`,
    '    || echo "cfn-signal could not report exit status $status" >&2',
    '}',
    'trap signal_cloudformation EXIT',
    'export PATH="$PATH:/opt/aws/bin"',
    '',
    `region=${quote(options.region)}`,
    `parameters=${quote(options.parameterPath)}`,
    'address=$(ec2-metadata --local-ipv4 | cut -d " " -f 2)',
    'instance_id=$(ec2-metadata --instance-id | cut -d " " -f 2)',
    '',
    'dnf install -y docker aws-cfn-bootstrap',
    '# Engine labels, for placement constraints such as engine.labels.public==yes.',
    'install -d -m 0755 /etc/docker',
    `printf '{"labels": [${['instance-id=%s', ...options.labels].map((label) => `"${label}"`).join(', ')}]}\\n' "$instance_id" > /etc/docker/daemon.json`,
    'systemctl enable --now docker',
    '',
    'parameter() {',
    '  aws ssm get-parameter --region "$region" --name "$parameters/$1" --with-decryption --query Parameter.Value --output text',
    '}',
    '',
    '# Joins as $1 (manager or worker) through the first manager that answers, retrying until the first',
    '# manager has stored the token and the managers\' addresses: the waits double from 2 s to 30 s, each',
    '# shortened at random by up to half so that nodes booting together spread out, 10 minutes in all.',
    'join_swarm() {',
    '  local attempt=1 waited=0 delay=2 pause token managers manager',
    '  while :; do',
    '    if token=$(parameter "$1-token") && managers=$(parameter manager-addresses); then',
    '      for manager in $managers; do',
    '        if docker swarm join --advertise-addr "$address" --listen-addr "$address:2377" --token "$token" "$manager"; then',
    '          return 0',
    '        fi',
    '        # A join that timed out goes on in the background: done if it got through, else stopped before the next manager.',
    '        if [ "$(docker info --format "{{.Swarm.LocalNodeState}}")" = active ]; then',
    '          return 0',
    '        fi',
    '        docker swarm leave --force > /dev/null 2>&1 || true',
    '      done',
    '    fi',
    '    [ "$waited" -lt 600 ] || break',
    '    pause=$((delay - RANDOM % (delay / 2 + 1)))',
    '    pause=$((pause < 600 - waited ? pause : 600 - waited))',
    '    echo "the swarm cannot be joined yet (attempt $attempt); retrying in $pause s" >&2',
    '    sleep "$pause"',
    '    waited=$((waited + pause)) attempt=$((attempt + 1)) delay=$((delay * 2 < 30 ? delay * 2 : 30))',
    '  done',
    '  echo "could not join the swarm in 10 minutes" >&2',
    '  return 1',
    '}',
    '',
  ];
  if (manager) {
    lines.push(...managerLines(options));
  } else {
    if (options.workerMetadata) lines.push(...metadataLines(options, '# The services\' files and the cfn-hup configuration, from the stack metadata, before tasks can land here.'));
    lines.push('if [ "$(docker info --format "{{.Swarm.LocalNodeState}}")" != active ]; then', '  join_swarm worker', 'fi', '');
  }
  return lines.join('\n');
}

/** Writes the reload helper, applies the group's cfn-init metadata, records the files' state and starts cfn-hup. */
function metadataLines(options: NodeScriptOptions, comment: string): string[] {
  const reloads = options.reloads.length > 0;
  return [
    `install -d -m 0700 ${SWARM_DIRECTORY}`,
    ...(reloads ? [`cat > ${RELOAD_COMMAND} <<'END_OF_RELOAD'`, renderReloadScript(options.reloads), 'END_OF_RELOAD', `chmod 0755 ${RELOAD_COMMAND}`] : []),
    comment,
    `cfn-init -v --stack ${quote(options.stackName)} --resource ${quote(options.resource)} --region ${quote(options.region)}`,
    ...(reloads ? [RELOAD_COMMAND] : []),
    'systemctl enable --now cfn-hup',
    '',
  ];
}

/** The reload helper, its reload line written once per service. */
function renderReloadScript(reloads: readonly ServiceReload[]): string {
  return renderScriptFile(RELOAD_COMMAND, SWARM_RELOAD_SCRIPT, {
    RELOAD_ARGUMENTS: reloads.map((reload) => [reload.service, reload.folder, ...reload.command].map(quote).join(' ')),
  });
}

function managerLines(options: NodeScriptOptions): string[] {
  return [
    '# Stores $2 as the SecureString $1, handing the value over on stdin so that no command line holds it.',
    'store() {',
    '  printf "%s" "$2" | aws ssm put-parameter --region "$region" --name "$parameters/$1" --type SecureString --overwrite --value file:///dev/stdin > /dev/null',
    '}',
    '',
    'if [ "$(docker info --format "{{.Swarm.LocalNodeState}}")" != active ]; then',
    '  # Creating the init parameter succeeds for one manager only: that one starts the swarm.',
    '  if aws ssm put-parameter --region "$region" --name "$parameters/init" --type String --value "$instance_id" > /dev/null; then',
    '    # swarm init prints the worker join command, token included: it stays out of the boot log.',
    '    docker swarm init --advertise-addr "$address" --listen-addr "$address:2377" > /dev/null',
    '    store worker-token "$(docker swarm join-token --quiet worker)"',
    '    store manager-token "$(docker swarm join-token --quiet manager)"',
    '  else',
    '    join_swarm manager',
    '  fi',
    'fi',
    '',
    '# The instance ids among $@ that Auto Scaling no longer has in service: in no group, or terminating,',
    '# terminated, detaching or detached. Fails when Auto Scaling cannot be asked.',
    'instances_out_of_service() {',
    '  local states',
    '  states=$(aws autoscaling describe-auto-scaling-instances --region "$region" --instance-ids "$@" \\',
    '    --query "AutoScalingInstances[].[InstanceId,LifecycleState]" --output text) || return 1',
    '  printf "%s\\n" "$@" | grep -vxF -f <(awk \'$2 !~ /^(Terminat|Detach)/ { print $1 }\' <<< "$states") || true',
    '}',
    '',
    '# Removes node $1 once its demotion has gone through: the swarm refuses to remove a member of the raft cluster.',
    'remove_node() {',
    '  for _ in $(seq 1 12); do',
    '    if docker node rm --force "$1" > /dev/null 2>&1; then return 0; fi',
    '    sleep 5',
    '  done',
    '  docker node rm --force "$1"',
    '}',
    '',
    '# Demotes and removes the managers this node replaces: unreachable, with an instance Auto Scaling no longer',
    '# has in service, so the raft quorum counts live managers only. A manager whose instance is in service stays,',
    '# however long it is unreachable. A replaced manager the swarm still counts reachable (the leader has not',
    '# noticed its death yet), or a swarm that cannot list its managers, is looked at again every 5 s, for 5 minutes at most.',
    'remove_replaced_managers() {',
    '  local managers instances gone id reachability instance waiting',
    '  for _ in $(seq 1 60); do',
    '    if ! managers=$(docker node ls --quiet --filter role=manager | xargs docker node inspect \\',
    '      --format \'{{.ID}} {{.ManagerStatus.Reachability}} {{index .Description.Engine.Labels "instance-id"}}\' \\',
    '      | awk -v self="$instance_id" \'NF == 3 && $3 != self\'); then',
    '      sleep 5',
    '      continue',
    '    fi',
    '    [ -n "$managers" ] || return 0',
    '    mapfile -t instances < <(cut -d " " -f 3 <<< "$managers")',
    '    if ! gone=$(instances_out_of_service "${instances[@]}"); then',
    '      echo "Auto Scaling cannot tell which managers\' instances are in service: no manager removed" >&2',
    '      return 0',
    '    fi',
    '    waiting=0',
    '    while read -r -u 3 id reachability instance; do',
    '      if ! grep -qxF "$instance" <<< "$gone"; then continue; fi',
    '      if [ "$reachability" = reachable ]; then',
    '        waiting=1',
    '      elif docker node demote "$id" && remove_node "$id"; then',
    '        echo "removed manager $id: $reachability, and its instance $instance is out of service" >&2',
    '      else',
    '        echo "could not remove manager $id ($reachability, instance $instance out of service); the swarm counts it in its quorum" >&2',
    '      fi',
    '    done 3<<< "$managers"',
    '    if [ "$waiting" = 0 ]; then return 0; fi',
    '    sleep 5',
    '  done',
    '  echo "after 5 minutes the swarm still cannot list its managers, or counts a replaced one reachable: no manager removed" >&2',
    '}',
    'remove_replaced_managers',
    '# This manager\'s address and the other reachable managers\': a joining node tries each, so one dead manager does not stop it.',
    'store manager-addresses "$(docker node ls --quiet --filter role=manager | xargs docker node inspect \\',
    '  --format "{{if eq .ManagerStatus.Reachability \\"reachable\\"}}{{.ManagerStatus.Addr}}{{end}}" \\',
    '  | awk -v self="$address:2377" \'BEGIN { print self } NF && $0 != self\' | xargs)"',
    '',
    `cat > ${DRAIN_COMMAND} <<'END_OF_DRAIN'`,
    renderDrainScript(options.region, options.drainSeconds),
    'END_OF_DRAIN',
    `chmod 0755 ${DRAIN_COMMAND}`,
    ...metadataLines(options, '# The compose file, the env-files\' parts, the services\' files, the deploy helper and the cfn-hup configuration, from the stack metadata.'),
    ...(options.envFiles ? [ENV_COMMAND] : []),
    DEPLOY_COMMAND,
    '',
  ];
}

/** What the deploy helper is rendered with: the region, the `docker stack deploy` stack name, the secrets to create. */
export interface DeployScriptOptions {
  readonly region: string;
  readonly stackNamespace: string;
  readonly secrets: readonly ScriptSecret[];
}

/**
 * The deploy helper, with a line per swarm secret that creates the version
 * of its parameter the swarm does not have yet and sets the variable the
 * compose file names it by; the managers' metadata holds it, so cfn-init
 * writes it again at each stack update, before cfn-hup runs it.
 */
export function renderDeployScript(options: DeployScriptOptions): string {
  const secrets = [...new Map(options.secrets.map((secret) => [secret.name, secret])).values()];
  return renderScriptFile(DEPLOY_COMMAND, SWARM_DEPLOY_SCRIPT, {
    COMPOSE_FILE,
    DEPLOY_FILE,
    GATE_PROGRAM,
    STACK_NAMESPACE: quote(options.stackNamespace),
    CREATE_SECRETS: secrets.map((secret) => ['secret', options.region, secret.name, secret.parameterName, secretVariable(secret.name)].map(quote).join(' ')),
  });
}

/** The drain helper, which waits for a leaving worker's tasks at most `drainSeconds`, the lifecycle hook's timeout. */
function renderDrainScript(region: string, drainSeconds: number): string {
  return renderScriptFile(DRAIN_COMMAND, SWARM_DRAIN_SCRIPT, {
    REGION: quote(region),
    DRAIN_LOOKS: `${Math.max(1, Math.ceil(drainSeconds / 5))}`,
  });
}

/**
 * A helper script file as the user data writes it: without the lines that
 * start with `##`, which document the file for its readers, and with each
 * `@NAME@` replaced by its value. A line holding a name whose value is a
 * list is written once per item, not at all for an empty list.
 */
function renderScriptFile(helper: string, source: string, values: Readonly<Record<string, string | readonly string[]>>): string {
  const unused = new Set(Object.keys(values));
  const fill = (line: string, name: string, item: string) => line.split(`@${name}@`).join(item);
  const lines = source
    .replace(/\n$/, '')
    .split('\n')
    .filter((line) => !line.startsWith('##'))
    .flatMap((line) => {
      let written = [line];
      for (const [, name] of line.matchAll(/@([A-Z_]+)@/g)) {
        const value = values[name];
        if (value === undefined) throw new Error(`${helper}: the script has @${name}@, which has no value`);
        unused.delete(name);
        written = written.flatMap((text) => (typeof value === 'string' ? [fill(text, name, value)] : value.map((item) => fill(text, name, item))));
      }
      return written;
    });
  if (unused.size > 0) throw new Error(`${helper}: the script has no ${[...unused].map((name) => `@${name}@`).join(', ')}`);
  return lines.join('\n');
}

/**
 * One shell word: bare when it holds only characters the shell leaves alone,
 * else in single quotes. Deploy-time values reach here only as the stack
 * name, logical ids, the region and parameter paths, which CloudFormation
 * restricts to letters, digits, `/`, `_` and `-`.
 */
export function quote(word: string): string {
  if (!Token.isUnresolved(word) && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

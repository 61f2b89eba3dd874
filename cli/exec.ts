import type { Clients } from './clients';
import { CliError } from './errors';
import { findContainer } from './find-container';
import type { Io } from './io';
import { composeName, failureMessage, readNodes } from './node-status';
import { OUTPUT_LIMIT, runOnInstances, shellQuote } from './run-command';
import { readStack } from './stack';

/** Where the command runs: the instance, and the container's name or a swarm task's id there. */
export interface ExecTarget {
  readonly instanceId: string;
  readonly container: string;
}

/**
 * `exec <stack> <container> -- <command…>`: runs the command in the
 * container with `docker exec` through Run Command on the node that runs
 * it (for a swarm service, the first node running one of its tasks), prints
 * its output and exits with its exit status. Without a command, prints the
 * Session Manager command that opens an interactive shell there.
 */
export async function exec(clients: Clients, io: Io, options: { stackName: string; container: string; command: readonly string[] }): Promise<number> {
  const stack = await readStack(clients, options.stackName);
  const { deployment, container } = findContainer(stack, options.container);
  let target: ExecTarget;
  if (deployment.kind === 'host') {
    const node = deployment.nodes[0];
    if (!node) throw new CliError(`Docker host ${deployment.name} has no instance yet: wait for the stack to create it`);
    target = { instanceId: node.instanceId, container: container.name };
  } else {
    const { statuses, failures } = await readNodes(clients, io, deployment.nodes);
    const running = [...statuses.values()].flatMap((node) =>
      node.containers.filter((each) => composeName(each) === container.name && each.state === 'running').map((each) => ({ instanceId: node.instanceId, container: each.id })),
    );
    if (running.length === 0) {
      if (failures.length > 0) {
        throw new CliError(`no node of swarm ${deployment.name} that answered runs a task of service ${container.name}, and ${failures.map(failureMessage).join('\n')}`);
      }
      throw new CliError(`no node of swarm ${deployment.name} runs a task of service ${container.name}: \`status ${options.stackName}\` shows its tasks`);
    }
    target = running[0];
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target.container)) throw new CliError(`unexpected container name or id "${target.container}" on ${target.instanceId}`);

  if (options.command.length === 0) {
    io.err(
      'An interactive shell needs the Session Manager plugin for the AWS CLI (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html). Run:\n',
    );
    io.out(`${startSessionCommand(clients, target)}\n`);
    return 0;
  }
  const script = execScript(target.container, options.command);
  const [result] = await runOnInstances(clients, io, { instanceIds: [target.instanceId], script, comment: 'docker-host-dependencies exec', timeoutSeconds: 600 });
  io.out(result.stdout);
  io.err(result.stderr);
  if (result.stdout.length >= OUTPUT_LIMIT || result.stderr.length >= OUTPUT_LIMIT) {
    io.err(`(Run Command keeps the first ${OUTPUT_LIMIT} characters of each output: the rest is cut)\n`);
  }
  return result.exitCode;
}

/** `docker exec` of the command in the container, every word single-quoted, so no word is read by the node's shell. */
function execScript(container: string, command: readonly string[]): string {
  return ['docker', 'exec', container, ...command].map(shellQuote).join(' ');
}

/** The AWS CLI command that opens a shell in the container through Session Manager. */
function startSessionCommand(clients: Clients, target: ExecTarget): string {
  return [
    'aws ssm start-session',
    `--region ${clients.region}`,
    ...(clients.profile === undefined ? [] : [`--profile ${shellQuote(clients.profile)}`]),
    `--target ${target.instanceId}`,
    '--document-name AWS-StartInteractiveCommand',
    `--parameters 'command="sudo docker exec -it ${target.container} sh"'`,
  ].join(' ');
}

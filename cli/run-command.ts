import { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { Clients } from './clients';
import { awsErrorName, CliError } from './errors';
import type { Io } from './io';

/** The Run Command document that runs shell commands on Linux. */
const SHELL_DOCUMENT = 'AWS-RunShellScript';
/** How often the commands ask how a Run Command is going. */
const POLL_MS = 1000;
/** How often a long wait says so on stderr. */
const PROGRESS_MS = 5000;
/** Run Command keeps this many characters of a command's output; the rest needs an S3 bucket. */
export const OUTPUT_LIMIT = 24000;

/** What a command run on one instance printed, and its exit status. */
export interface CommandResult {
  readonly instanceId: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A word for the shell: single-quoted, each `'` written `'\''`, so the shell reads it as it is. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** States of an invocation that end it without the command's own exit status. */
const ENDED_WITHOUT_STATUS: ReadonlySet<string> = new Set(['Cancelled', 'Cancelling', 'TimedOut']);

/**
 * Runs `script` with `AWS-RunShellScript` on each instance through Session
 * Manager's Run Command, waits for every invocation, and resolves what each
 * printed. A long wait prints progress on stderr.
 */
export async function runOnInstances(
  clients: Clients,
  io: Io,
  options: { instanceIds: readonly string[]; script: string; comment: string; timeoutSeconds: number },
): Promise<CommandResult[]> {
  let commandId: string;
  try {
    const sent = await clients.ssm.send(
      new SendCommandCommand({
        DocumentName: SHELL_DOCUMENT,
        InstanceIds: [...options.instanceIds],
        Comment: options.comment,
        Parameters: { commands: [options.script], executionTimeout: [String(options.timeoutSeconds)] },
      }),
    );
    commandId = sent.Command!.CommandId!;
  } catch (error) {
    if (awsErrorName(error) === 'InvalidInstanceId') {
      throw new CliError(
        `Run Command cannot reach ${options.instanceIds.join(', ')}: the instance is not registered with Session Manager, or is not running. ` +
          `Check that it runs (\`aws ec2 describe-instances --instance-ids ${options.instanceIds[0]}\`), that it is listed by \`aws ssm describe-instance-information --region ${clients.region}\`, ` +
          'and that it reaches the ssm and ssmmessages endpoints (a NAT gateway, or VPC interface endpoints); its SSM agent registers within minutes of boot.',
      );
    }
    throw error;
  }
  io.err(`waiting for ${options.instanceIds.join(', ')} to run the command (Run Command ${commandId})\n`);
  const started = io.now();
  let lastProgress = started;
  const results = new Map<string, CommandResult>();
  while (results.size < options.instanceIds.length) {
    for (const instanceId of options.instanceIds.filter((id) => !results.has(id))) {
      const result = await invocation(clients, commandId, instanceId);
      if (result) results.set(instanceId, result);
    }
    if (results.size === options.instanceIds.length) break;
    if (io.now() - lastProgress >= PROGRESS_MS) {
      lastProgress = io.now();
      const waiting = options.instanceIds.filter((id) => !results.has(id));
      io.err(`still waiting for ${waiting.join(', ')} (${Math.round((io.now() - started) / 1000)} s)\n`);
    }
    await io.sleep(POLL_MS);
    if (io.signal.aborted) {
      throw new CliError(
        `stopped while waiting; the command may still run on ${options.instanceIds.filter((id) => !results.has(id)).join(', ')}: \`aws ssm list-command-invocations --command-id ${commandId} --details --region ${clients.region}\` shows it`,
        130,
      );
    }
  }
  return options.instanceIds.map((id) => results.get(id)!);
}

/** The invocation's result once it has ended, undefined while it runs. */
async function invocation(clients: Clients, commandId: string, instanceId: string): Promise<CommandResult | undefined> {
  try {
    const answer = await clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
    const status = answer.Status ?? 'Pending';
    if (status === 'Success' || status === 'Failed') {
      return { instanceId, stdout: answer.StandardOutputContent ?? '', stderr: answer.StandardErrorContent ?? '', exitCode: answer.ResponseCode ?? 1 };
    }
    if (ENDED_WITHOUT_STATUS.has(status)) {
      throw new CliError(
        `the command on ${instanceId} ended ${status}${answer.StatusDetails && answer.StatusDetails !== status ? ` (${answer.StatusDetails})` : ''}: ` +
          (status === 'TimedOut'
            ? 'the SSM agent did not take it; check that the instance runs and is listed by `aws ssm describe-instance-information`'
            : `see \`aws ssm list-command-invocations --command-id ${commandId} --details\``),
      );
    }
    return undefined;
  } catch (error) {
    // Right after SendCommand, the invocation may not exist yet.
    if (awsErrorName(error) === 'InvocationDoesNotExist') return undefined;
    throw error;
  }
}

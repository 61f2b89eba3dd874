import type { FakeAccount, FakeCommandOutput } from './account';
import { answerJson, epochSeconds, type JsonActions } from './json';
import { AwsError, type AwsAnswer, type AwsRequest } from './protocol';

/** A command sent, and how often each instance's invocation was asked for: the first answer is `InProgress`, as the agent takes a moment. */
interface SentCommand {
  readonly commandId: string;
  readonly instanceIds: readonly string[];
  readonly script: string;
  readonly requestedAt: Date;
  readonly polls: Map<string, number>;
}

/** The commands sent to each fake account, kept for its invocations. */
const SENT = new WeakMap<FakeAccount, SentCommand[]>();

const SSM: JsonActions<FakeAccount> = {
  SendCommand: (input, account) => {
    if (input.DocumentName !== 'AWS-RunShellScript') throw new AwsError('InvalidDocument', `Document ${String(input.DocumentName)} does not exist in your account.`);
    const instanceIds = Array.isArray(input.InstanceIds) ? input.InstanceIds.map(String) : [];
    if (instanceIds.length === 0) throw new AwsError('ValidationException', 'Either InstanceIds or Targets must be specified.');
    const unknown = instanceIds.filter((id) => !(account.managedInstances ?? []).some((instance) => instance.instanceId === id));
    // SSM names the instances in this form, and says nothing of why.
    if (unknown.length > 0) throw new AwsError('InvalidInstanceId', `Instances [[${unknown.join(', ')}]] not in a valid state for account ${account.accountId}`);
    const parameters = (input.Parameters ?? {}) as Record<string, unknown>;
    const commands = Array.isArray(parameters.commands) ? parameters.commands.map(String) : [];
    if (commands.length === 0) throw new AwsError('InvalidParameters', 'Parameter "commands" is required.');
    const sent: SentCommand = { commandId: `e2e0c0de-0000-4000-8000-${String((SENT.get(account)?.length ?? 0) + 1).padStart(12, '0')}`, instanceIds, script: commands.join('\n'), requestedAt: new Date(), polls: new Map() };
    SENT.set(account, [...(SENT.get(account) ?? []), sent]);
    return {
      Command: {
        CommandId: sent.commandId,
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: instanceIds,
        Parameters: parameters,
        Comment: input.Comment,
        RequestedDateTime: epochSeconds(sent.requestedAt),
        Status: 'Pending',
        TargetCount: instanceIds.length,
      },
    };
  },
  GetCommandInvocation: (input, account) => {
    const sent = (SENT.get(account) ?? []).find((command) => command.commandId === input.CommandId);
    const instanceId = String(input.InstanceId);
    if (!sent || !sent.instanceIds.includes(instanceId)) throw new AwsError('InvocationDoesNotExist', '');
    const polls = (sent.polls.get(instanceId) ?? 0) + 1;
    sent.polls.set(instanceId, polls);
    const base = { CommandId: sent.commandId, InstanceId: instanceId, DocumentName: 'AWS-RunShellScript', PluginName: 'aws:runShellScript' };
    if (polls === 1) return { ...base, Status: 'InProgress', StatusDetails: 'InProgress', ResponseCode: -1, StandardOutputContent: '', StandardErrorContent: '' };
    const output = outputOf(account, instanceId, sent.script);
    const exitCode = output.exitCode ?? 0;
    return {
      ...base,
      Status: exitCode === 0 ? 'Success' : 'Failed',
      StatusDetails: exitCode === 0 ? 'Success' : 'Failed',
      ResponseCode: exitCode,
      StandardOutputContent: output.stdout.slice(0, 24000),
      StandardErrorContent: (output.stderr ?? '').slice(0, 8000),
    };
  },
};

/** What the instance prints for the script; one it holds nothing for fails as a shell would with a command it lacks. */
function outputOf(account: FakeAccount, instanceId: string, script: string): FakeCommandOutput {
  const instance = (account.managedInstances ?? []).find((candidate) => candidate.instanceId === instanceId);
  const found = instance?.outputs.find((output) => output.script === script);
  return found ?? { script, stdout: '', stderr: `/var/lib/amazon/ssm/${instanceId}/document/orchestration/_script.sh: line 1: ${script.split(' ')[0]}: command not found\nfailed to run commands: exit status 127`, exitCode: 127 };
}

/** Systems Manager's JSON 1.1 API: Run Command's `SendCommand` and `GetCommandInvocation`, for the instances the account registers. */
export function answerSsm(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerJson('AmazonSSM', SSM, request, account);
}

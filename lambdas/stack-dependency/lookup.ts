import {
  DescribeStacksCommand,
  type CloudFormationClient,
  type Output,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { toData } from '../shared/data';
import { LookupError } from '../shared/errors';
import { listSome } from '../../contracts/text';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/stack-dependency/contract';

/** The properties of a `Custom::StackDependency`, parsed. */
export type StackProperties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface StackClients {
  readonly cloudformation: CloudFormationClient;
}

/** The attribute that holds the outputs as an env-file; `Excludes` may name it to leave it out. */
const ENVIRONMENT = 'Environment';

/** The states in which a stack's outputs are settled and usable. */
const STABLE_STATUSES: readonly string[] = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
];

/** How many names a message lists before it says how many more there are. */
const NAMES_SHOWN = 20;

/**
 * Finds the stack by name or id with one call and answers with its outputs,
 * the outputs as an env-file, its id and its status.
 */
export async function lookupStack(
  clients: StackClients,
  props: StackProperties,
  { abortSignal }: LookupContext,
): Promise<LookupResult> {
  const stack = await describeStack(clients.cloudformation, props.StackName, abortSignal);
  const name = stack.StackName ?? props.StackName;
  const status = stack.StackStatus ?? 'in an unknown state';
  if (!STABLE_STATUSES.includes(status)) throw new LookupError(unstableReason(name, status));

  const excludes = props.Excludes ?? [];
  const outputs = selectOutputs(name, stack.Outputs ?? [], props.Includes, excludes);
  refuseLineBreaks(name, outputs);
  const environment = excludes.includes(ENVIRONMENT) ? undefined : renderEnvFile(outputs);
  return { id: stack.StackId ?? props.StackName, data: stackData(stack, outputs, environment) };
}

async function describeStack(
  cloudformation: CloudFormationClient,
  stackName: string,
  abortSignal: AbortSignal,
): Promise<Stack> {
  try {
    const answer = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }), { abortSignal });
    const stack = answer.Stacks?.[0];
    if (stack) return stack;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ValidationError' && error.message.includes('does not exist'))) {
      throw error;
    }
  }
  const what = stackName.startsWith('arn:') ? `has the id "${stackName}"` : `is named "${stackName}"`;
  throw new LookupError(
    `no stack ${what} in this account and region; ` +
      'check StackName (stacks in other regions or accounts cannot be looked up)',
  );
}

/** Why a stack in `status` cannot be used, and what to do about it. */
function unstableReason(name: string, status: string): string {
  let advice: string;
  if (status.endsWith('_IN_PROGRESS')) {
    advice = 'its outputs may still change. Deploy again when it has finished';
  } else if (status === 'ROLLBACK_COMPLETE') {
    advice = 'its creation failed, so it has no outputs. Delete it and create it again';
  } else if (status === 'DELETE_COMPLETE') {
    advice = 'it was deleted. Create it again, or correct StackName';
  } else {
    advice = 'its last operation failed. Repair the stack, then deploy again';
  }
  return `stack "${name}" is ${status}, not one of the stable states ${STABLE_STATUSES.join(', ')}; ${advice}`;
}

/**
 * The outputs `Includes` names (all when it is not given), in the stack's
 * order, without those `Excludes` names. An included key the stack does not
 * have is an error naming the keys it has.
 */
export function selectOutputs(
  stackName: string,
  outputs: readonly Output[],
  includes: readonly string[] | undefined,
  excludes: readonly string[],
): Output[] {
  const keys = outputs.map((output) => output.OutputKey ?? '');
  if (includes) {
    const missing = includes.filter((key) => !keys.includes(key));
    if (missing.length > 0) {
      const has = keys.length === 0 ? 'it has no outputs' : `its outputs are ${listSome(keys, NAMES_SHOWN)}`;
      throw new LookupError(
        `Includes names ${missing.length === 1 ? 'an output' : 'outputs'} that stack "${stackName}" does not have: ` +
          `${listSome(missing, NAMES_SHOWN)}; ${has}. Correct Includes`,
      );
    }
  }
  return outputs.filter((output) => {
    const key = output.OutputKey ?? '';
    return (includes === undefined || includes.includes(key)) && !excludes.includes(key);
  });
}

/**
 * Throws a `LookupError` naming the first output whose value holds a line
 * break: an env-file cannot hold one, and any output may end up in one (as
 * `Environment`, or as a single value a container's environment takes).
 */
export function refuseLineBreaks(stackName: string, outputs: readonly Output[]): void {
  const broken = outputs.find(({ OutputValue: value = '' }) => /[\r\n]/.test(value));
  if (broken) {
    const key = broken.OutputKey ?? '';
    throw new LookupError(
      `output ${key} of stack "${stackName}" holds a line break, which no output of this lookup may hold, ` +
        `as an env-file cannot; add ${key} to Excludes (or leave it out of Includes)`,
    );
  }
}

/** The outputs as a `docker run --env-file` file: one `KEY=value` line each, in order. */
export function renderEnvFile(outputs: readonly Output[]): string {
  return outputs.map(({ OutputKey: key = '', OutputValue: value = '' }) => `${key}=${value}\n`).join('');
}

/** One attribute per output, then `Environment` (when given), `StackId` and `StackStatus`. */
export function stackData(stack: Stack, outputs: readonly Output[], environment: string | undefined): Data {
  return toData({
    ...Object.fromEntries(outputs.map((output) => [output.OutputKey ?? '', output.OutputValue ?? ''])),
    [ENVIRONMENT]: environment,
    StackId: stack.StackId,
    StackStatus: stack.StackStatus,
  });
}


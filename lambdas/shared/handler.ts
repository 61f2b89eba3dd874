import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { recordingCalls } from './clients';
import { Deadline, within } from './deadline';
import { eventFields, readEvent, type Request, resourceProperties } from './event';
import { log } from './log';
import { parseNoEcho, parseProperties, type Schema } from '../../contracts/properties';
import { show } from '../../contracts/text';
import { putResponse } from './put';
import { describeError, describeSetupError, describeTimeout } from './reason';
import { type Answer, buildResponse, checkAnswerable, keptId } from './response';
import type { LookupDefinition } from './definition';
import { ALLOWED_HOSTS_VARIABLE, checkResponseUrl, loggableUrl } from './url';

type Setup<C> = { readonly ok: true; readonly clients: C } | { readonly ok: false; readonly error: unknown };

/**
 * Turns a lookup into a Lambda handler for a CloudFormation custom resource.
 * The clients are created once, now; if that throws, every Create and Update
 * is answered `FAILED` saying so, rather than the Lambda dying unanswered.
 *
 * Each event gets exactly one answer, PUT to its ResponseURL before the
 * Lambda times out. An event that cannot be answered (fields missing, or a
 * ResponseURL outside the allowed hosts) is logged and fails the invocation.
 */
export function makeHandler<S extends Schema, C>(
  definition: LookupDefinition<S, C>,
): (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void> {
  const setup = createClients(definition);

  return async (event, context) => {
    const deadline = new Deadline(remainingTimeOf(context));
    const calls: string[] = [];

    let request: Request;
    let url: URL;
    try {
      request = readEvent(event);
      log('INFO', 'received', {
        ...eventFields(event),
        resourceType: request.ResourceType ?? definition.resourceType,
        responseUrl: loggableUrl(request.ResponseURL),
      });
      url = checkResponseUrl(request.ResponseURL, process.env[ALLOWED_HOSTS_VARIABLE], process.env.AWS_REGION);
      checkAnswerable(request);
    } catch (error) {
      log('ERROR', 'cannot answer', { ...eventFields(event), problem: error instanceof Error ? error.message : show(error) });
      throw error;
    }

    const answer = await recordingCalls(calls, () => decide(definition, setup, request, deadline));
    const { body, json } = buildResponse(request, answer, context);
    const delivery = await putResponse(url, json, () => deadline.answerMs());

    log(body.Status === 'SUCCESS' && delivery.delivered ? 'INFO' : 'ERROR', 'answered', {
      ...eventFields(event),
      status: body.Status,
      physicalResourceId: body.PhysicalResourceId,
      durationMs: deadline.elapsedMs(),
      awsCalls: calls.length,
      calls,
      reason: body.Status === 'FAILED' ? body.Reason : undefined,
      attributes: body.Data && Object.keys(body.Data),
      noEcho: body.NoEcho,
      ...delivery,
    });
  };
}

/** The context's clock, when it has one; `Deadline` copes with one that misbehaves. */
function remainingTimeOf(context: Context | undefined): (() => unknown) | undefined {
  return typeof context?.getRemainingTimeInMillis === 'function' ? () => context.getRemainingTimeInMillis() : undefined;
}

function createClients<S extends Schema, C>(definition: LookupDefinition<S, C>): Setup<C> {
  try {
    return { ok: true, clients: definition.clients() };
  } catch (error) {
    return { ok: false, error };
  }
}

async function decide<S extends Schema, C>(
  definition: LookupDefinition<S, C>,
  setup: Setup<C>,
  request: Request,
  deadline: Deadline,
): Promise<Answer> {
  switch (request.RequestType) {
    case 'Delete':
      return { status: 'SUCCESS', id: keptId(request) };
    case 'Create':
    case 'Update':
      break;
    default:
      return {
        status: 'FAILED',
        sentence: `unknown RequestType ${show(request.RequestType)}; expected Create, Update or Delete`,
      };
  }
  if (!setup.ok) return { status: 'FAILED', sentence: describeSetupError(definition.resourceType, setup.error) };

  try {
    const raw = resourceProperties(request);
    const props = parseProperties(definition.schema, raw);
    const noEcho = parseNoEcho(raw);
    const outcome = await within(deadline.lookupMs(), (abortSignal) =>
      definition.lookup(setup.clients, props, { abortSignal }),
    );
    if (outcome.timedOut) {
      return {
        status: 'FAILED',
        sentence: describeTimeout(definition.resourceType, deadline.elapsedMs(), deadline.leftMs()),
      };
    }
    // An id from a malformed AWS answer may not be text; CloudFormation reads only a string.
    if (typeof outcome.value.id !== 'string' || outcome.value.id === '') {
      return { status: 'FAILED', sentence: `the ${definition.resourceType} lookup found no id to answer` };
    }
    return { status: 'SUCCESS', id: outcome.value.id, data: outcome.value.data, noEcho, tooLarge: definition.tooLarge };
  } catch (error) {
    return { status: 'FAILED', sentence: describeError(error) };
  }
}

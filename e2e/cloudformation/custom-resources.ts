import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeAws } from '../../testkit/fake-aws/server';
import { invokeFunction, type InvokeOptions, type LambdaFunction } from '../lambda/invoke';
import { customResourceEvent } from '../../testkit/lambda';
import type { ReceivedPut, ResponseServer } from '../../testkit/response-server';
import { stackId, type Resolver } from '../../testkit/cloudformation/intrinsics';
import type { ResourceNode } from './order';
import { isCustomResource, type CfnResource, type StackModel } from '../../testkit/cloudformation/template';

/** A custom resource CloudFormation sent a Create for: what it sent, and the id the handler answered. */
export interface SentResource {
  readonly node: ResourceNode;
  readonly fn: LambdaFunction;
  readonly serviceToken: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly physicalId: string;
}

/** A custom resource created with SUCCESS, with the attributes the handler answered. */
export interface CreatedResource extends SentResource {
  readonly data: Readonly<Record<string, string>>;
  readonly awsCalls: number;
  readonly durationMs: number;
}

/** The body of a custom resource answer, as the handler PUT it. */
interface ResponseBody {
  readonly Status?: unknown;
  readonly Reason?: unknown;
  readonly PhysicalResourceId?: unknown;
  readonly StackId?: unknown;
  readonly RequestId?: unknown;
  readonly LogicalResourceId?: unknown;
  readonly Data?: unknown;
  readonly NoEcho?: unknown;
}

/** A step of the run that went wrong; the message says which resource and what. */
class CustomResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomResourceError';
  }
}

/**
 * Plays CloudFormation's part for custom resources: builds each event with
 * the resource's properties resolved, invokes the function the ServiceToken
 * names, and reads the one answer the handler PUT to the ResponseURL.
 */
export class CustomResources {
  /**
   * What a Delete must go to, as CloudFormation deletes on rollback or stack
   * deletion: each resource answered SUCCESS, and one answered FAILED with
   * an id, in the order they were created.
   */
  readonly toDelete: SentResource[] = [];

  constructor(
    private readonly resolver: Resolver,
    private readonly responses: ResponseServer,
    private readonly fakeAws: FakeAws,
    private readonly invokeOptions: InvokeOptions,
    /** Where each invocation's output (the handler's log lines) is appended, if anywhere. */
    private readonly logFile?: string,
  ) {}

  /** Creates the custom resources among `nodes`, in order, and records each answer for later `Ref`/`Fn::GetAtt`. */
  async createAll(nodes: readonly ResourceNode[], onCreated: (created: CreatedResource) => void): Promise<CreatedResource[]> {
    const created: CreatedResource[] = [];
    for (const node of nodes) {
      if (!isCustomResource(node.resource)) continue;
      if (!this.resolver.condition(node.stack, node.resource.Condition, `${node.logicalId}.Condition`)) continue;
      const resource = await this.create(node);
      this.resolver.answer(node.stack, node.logicalId, { physicalId: resource.physicalId, data: resource.data });
      created.push(resource);
      onCreated(resource);
    }
    return created;
  }

  /** Deletes what was created, in reverse order; each answer must be SUCCESS with the id echoed and no AWS call made. */
  async deleteAll(): Promise<number> {
    const resources = this.toDelete.splice(0).reverse();
    for (const resource of resources) {
      const callsBefore = this.fakeAws.calls.length;
      const { body } = await this.send('Delete', resource.node, resource.fn, resource.serviceToken, resource.properties, resource.physicalId);
      const label = describeNode(resource.node);
      if (body.Status !== 'SUCCESS') throw new CustomResourceError(`${label} answered ${String(body.Status)} to Delete: ${String(body.Reason)}`);
      if (body.PhysicalResourceId !== resource.physicalId) {
        throw new CustomResourceError(`${label} answered Delete with PhysicalResourceId ${String(body.PhysicalResourceId)}, not ${resource.physicalId}`);
      }
      const calls = this.fakeAws.calls.slice(callsBefore);
      if (calls.length > 0) {
        throw new CustomResourceError(`${label} called AWS while deleting: ${calls.map((call) => `${call.service} ${call.action}`).join(', ')}`);
      }
    }
    return resources.length;
  }

  private async create(node: ResourceNode): Promise<CreatedResource> {
    const label = describeNode(node);
    const where = `${node.logicalId}.Properties`;
    const properties = cloudFormationStrings(this.resolver.resolve(node.stack, node.resource.Properties ?? {}, where)) as Record<string, unknown>;
    const serviceToken = properties.ServiceToken;
    if (typeof serviceToken !== 'string') throw new CustomResourceError(`${label} has no ServiceToken`);
    const fn = this.functionFor(node, serviceToken);
    const callsBefore = this.fakeAws.calls.length;
    const started = Date.now();
    const { body, output } = await this.send('Create', node, fn, serviceToken, properties, undefined);
    const physicalId = typeof body.PhysicalResourceId === 'string' && body.PhysicalResourceId !== '' ? body.PhysicalResourceId : undefined;
    const sent = { node, fn, serviceToken, properties, physicalId: physicalId ?? '' };
    if (physicalId) this.toDelete.push(sent);
    if (body.Status !== 'SUCCESS') {
      const noId = physicalId ? '' : ' (and no PhysicalResourceId)';
      throw new CustomResourceError(`${label} answered ${String(body.Status)}${noId}: ${String(body.Reason)}`);
    }
    if (!physicalId) throw new CustomResourceError(`${label} answered SUCCESS without a PhysicalResourceId`);
    const data = stringData(label, body.Data);
    if (String(properties.NoEcho).toLowerCase() === 'true') {
      const problems = noEchoProblems(data, physicalId, body.NoEcho, output);
      if (problems.length > 0) throw new CustomResourceError(`${label} asked for NoEcho, but ${problems.join('; ')}`);
    }
    return {
      ...sent,
      data,
      awsCalls: this.fakeAws.calls.length - callsBefore,
      durationMs: Date.now() - started,
    };
  }

  private async send(
    requestType: 'Create' | 'Delete',
    node: ResourceNode,
    fn: LambdaFunction,
    serviceToken: string,
    properties: Readonly<Record<string, unknown>>,
    physicalId: string | undefined,
  ): Promise<{ body: ResponseBody; response: ReceivedPut; output: string }> {
    const label = describeNode(node);
    const requestId = randomUUID();
    const signature = randomBytes(32).toString('hex');
    const responsePath = `/${encodeURIComponent(node.stack.stackName)}/${encodeURIComponent(node.logicalId)}/${requestId}`;
    const event = customResourceEvent({
      requestType,
      responseUrl: this.responses.url(responsePath, signature),
      serviceToken,
      stackId: stackId(node.stack, this.resolver.target),
      requestId,
      logicalResourceId: node.logicalId,
      resourceType: node.resource.Type,
      physicalResourceId: physicalId,
      properties,
    });
    const invocation = await invokeFunction(fn, event, this.invokeOptions);
    if (this.logFile) {
      appendFileSync(this.logFile, `== ${requestType} ${label}: exit ${invocation.exitCode} after ${invocation.durationMs} ms\n${invocation.output}\n`);
    }
    const answers = this.responses.to(responsePath);
    const output = invocation.output.trim();
    if (output.includes(signature)) throw new CustomResourceError(`${label}: the handler logged the ResponseURL's signature while answering ${requestType}`);
    if (answers.length !== 1) {
      throw new CustomResourceError(
        `${label} sent ${answers.length} answers to ${requestType}, not exactly one` +
          `; the handler exited with code ${invocation.exitCode}${output ? `; its output:\n${output}` : ''}`,
      );
    }
    const [response] = answers;
    const problems = wireProblems(response);
    if (problems.length > 0) throw new CustomResourceError(`${label}: the answer to ${requestType} ${problems.join('; ')}`);
    const body = JSON.parse(response.rawBody) as ResponseBody;
    for (const [field, expected] of [
      ['StackId', event.StackId],
      ['RequestId', requestId],
      ['LogicalResourceId', node.logicalId],
    ] as const) {
      if (body[field] !== expected) throw new CustomResourceError(`${label}: the answer to ${requestType} has ${field} ${String(body[field])}, not ${expected}`);
    }
    return { body, response, output };
  }

  /** The function a ServiceToken names: a Lambda function of one of the app's stacks, with its code folder. */
  private functionFor(node: ResourceNode, serviceToken: string): LambdaFunction {
    const label = describeNode(node);
    const found = this.resolver.functionAt(serviceToken);
    if (!found) throw new CustomResourceError(`${label}: its ServiceToken ${serviceToken} names no Lambda function of the app`);
    const resource = found.stack.template.Resources[found.logicalId];
    const props = resource.Properties ?? {};
    const where = `${found.logicalId}.Properties`;
    const functionName = this.resolver.resolveString(found.stack, { Ref: found.logicalId }, where);
    const variables = this.resolver.resolve(found.stack, (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}, `${where}.Environment`);
    return {
      codeDir: codeDir(found.stack, found.logicalId, resource, this.resolver),
      handler: this.resolver.resolveString(found.stack, props.Handler ?? 'index.handler', `${where}.Handler`),
      functionName,
      timeoutSeconds: Number(this.resolver.resolve(found.stack, props.Timeout ?? 3, `${where}.Timeout`)),
      memoryMb: Number(this.resolver.resolve(found.stack, props.MemorySize ?? 128, `${where}.MemorySize`)),
      environment: cloudFormationStrings(variables) as Record<string, string>,
    };
  }
}

/** `Custom::VpcDependency Vpc (in stack Example)`: how messages name a resource. */
export function describeNode(node: ResourceNode): string {
  return `${node.resource.Type} ${node.logicalId} (stack ${node.stack.stackName})`;
}

/**
 * CloudFormation hands custom resources every scalar property as a string:
 * numbers and booleans of the template arrive as "180" and "true".
 */
export function cloudFormationStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloudFormationStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, cloudFormationStrings(item)]));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

/** What is wrong with how an answer was sent, as CloudFormation's S3 URL would see it. */
export function wireProblems(response: Pick<ReceivedPut, 'method' | 'headers' | 'bytes' | 'rawBody'>): string[] {
  const problems: string[] = [];
  if (response.method !== 'PUT') problems.push(`was sent with ${response.method}, not PUT`);
  if (response.headers['content-type'] !== '') problems.push(`has content-type ${JSON.stringify(response.headers['content-type'])}, not ""`);
  if (Number(response.headers['content-length']) !== response.bytes) {
    problems.push(`says content-length ${response.headers['content-length']} but has ${response.bytes} bytes`);
  }
  try {
    JSON.parse(response.rawBody);
  } catch {
    problems.push('is not JSON');
  }
  return problems;
}

/**
 * What breaks a NoEcho answer's secrecy: `NoEcho` not set in the response,
 * or an attribute value (other than the id, which CloudFormation shows
 * anyway) in the handler's logs. Values under six characters are not
 * looked for, as they turn up in logs by chance.
 */
export function noEchoProblems(data: Readonly<Record<string, string>>, physicalId: string, noEcho: unknown, output: string): string[] {
  const problems: string[] = [];
  if (noEcho !== true) problems.push(`the answer has NoEcho ${JSON.stringify(noEcho)}, not true`);
  for (const [name, value] of Object.entries(data)) {
    if (value.length >= 6 && value !== physicalId && output.includes(value)) problems.push(`the handler logged the value of attribute ${name}`);
  }
  return problems;
}

function stringData(label: string, data: unknown): Record<string, string> {
  if (data === undefined) return {};
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new CustomResourceError(`${label} answered Data that is not a map: ${JSON.stringify(data)}`);
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'string') throw new CustomResourceError(`${label} answered attribute ${name} as ${JSON.stringify(value)}, not a string`);
  }
  return data as Record<string, string>;
}

/** The folder of a function's code: its `aws:asset:path` metadata, or the asset its `Code.S3Key` names. */
function codeDir(stack: StackModel, logicalId: string, resource: CfnResource, resolver: Resolver): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string') return path.resolve(stack.assemblyDir ?? '.', assetPath);
  const code = (resource.Properties?.Code ?? {}) as { S3Key?: unknown };
  const key = code.S3Key === undefined ? undefined : resolver.resolve(stack, code.S3Key, `${logicalId}.Properties.Code.S3Key`);
  const folder = typeof key === 'string' ? stack.assets?.[key] : undefined;
  if (!folder) throw new CustomResourceError(`function ${logicalId} of stack ${stack.stackName}: no asset folder for its code ${JSON.stringify(resource.Properties?.Code)}`);
  return folder;
}

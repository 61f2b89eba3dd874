import { resolveIntrinsics } from '../../testkit/cloudformation/intrinsics';

/** The account, region and partition a template's policies are resolved in. */
export const ACCOUNT = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' } as const;

/** One statement of an IAM policy, with its intrinsics resolved. */
export interface Statement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, unknown>;
}

/** What a role may do: the managed policies attached to it and every statement of its inline and attached policies. */
export interface RolePermissions {
  readonly managedPolicies: unknown[];
  readonly statements: Statement[];
}

/**
 * Whether an IAM pattern (`*` any run of characters, `?` one character)
 * matches `value`, as IAM matches a statement's Action (`caseless`) or Resource.
 */
export function iamMatches(pattern: string, value: string, caseless = false): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, caseless ? 'is' : 's').test(value);
}

/** The part of an IAM pattern before its first wildcard: every value it matches starts with this. */
export function literalPrefix(pattern: string): string {
  const wildcard = pattern.search(/[*?]/);
  return wildcard === -1 ? pattern : pattern.slice(0, wildcard);
}

/**
 * A template value with every intrinsic resolved to a concrete value:
 * pseudo parameters from `ACCOUNT` and `stackName`, a resource's `Ref` to
 * `<logical id>-physical`, `Fn::GetAtt` to `<logical id>.<attribute>`.
 */
export function resolvePolicyValue(value: unknown, stackName: string): any {
  const pseudo: Record<string, string> = {
    'AWS::Partition': ACCOUNT.partition,
    'AWS::Region': ACCOUNT.region,
    'AWS::AccountId': ACCOUNT.accountId,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${ACCOUNT.region}:${ACCOUNT.accountId}:stack/${stackName}/1`,
  };
  return resolveIntrinsics(
    value,
    {
      ref: (name) => pseudo[name] ?? `${name}-physical`,
      getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
      importValue: (name) => `import:${name}`,
    },
    'policy',
  );
}

/** The logical ids of the template's roles that EC2 instances assume. */
export function instanceRoles(template: Record<string, any>): string[] {
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .filter(([, role]) =>
      [role.Properties.AssumeRolePolicyDocument.Statement]
        .flat()
        .some((statement: any) => [statement.Principal?.Service].flat().includes('ec2.amazonaws.com')),
    )
    .map(([id]) => id);
}

/** Everything the role `roleId` of the template may do: its managed policies (named in the role or attaching themselves) and every statement, resolved. */
export function rolePermissions(template: Record<string, any>, roleId: string, stackName: string): RolePermissions {
  const resources = Object.entries<any>(template.Resources ?? {});
  const role = template.Resources[roleId];
  const attachedTo = (properties: any) => (properties.Roles ?? []).some((ref: unknown) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }));
  const documents = [
    ...(role.Properties.Policies ?? []).map((policy: any) => policy.PolicyDocument),
    ...resources.filter(([, resource]) => resource.Type === 'AWS::IAM::Policy' && attachedTo(resource.Properties)).map(([, policy]) => policy.Properties.PolicyDocument),
  ];
  return {
    managedPolicies: [
      ...(role.Properties.ManagedPolicyArns ?? []),
      ...resources.filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy' && attachedTo(resource.Properties)).map(([id]) => ({ Ref: id })),
    ].map((arn) => resolvePolicyValue(arn, stackName)),
    statements: documents.flatMap((document) => [resolvePolicyValue(document, stackName).Statement].flat()),
  };
}

/** Every action of the IAM service prefix `ssm` that reads, writes or lists parameters. */
export const SSM_PARAMETER_ACTIONS = [
  'ssm:DeleteParameter',
  'ssm:DeleteParameters',
  'ssm:DescribeParameters',
  'ssm:GetParameter',
  'ssm:GetParameterHistory',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ssm:LabelParameterVersion',
  'ssm:PutParameter',
  'ssm:UnlabelParameterVersion',
];

/** Who may touch which parameters: ARNs a statement may name exactly, and ARN prefixes under which it may name anything. */
export interface ParameterAllowance {
  readonly exactly: readonly string[];
  readonly under: readonly string[];
}

/**
 * Why the permissions let the role touch parameters beyond the allowance or
 * use a KMS key itself, one line each; none when they do not. An Allow
 * statement with `NotAction` or `NotResource` counts as allowing everything
 * else, so it is reported too.
 */
export function parameterProblems(role: string, permissions: RolePermissions, allowance: ParameterAllowance): string[] {
  const problems = permissions.managedPolicies.map((arn) => `${role}: managed policy ${JSON.stringify(arn)} attached`);
  for (const statement of permissions.statements) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      problems.push(`${role}: allows with NotAction or NotResource: ${JSON.stringify(statement)}`);
      continue;
    }
    const actions = [statement.Action ?? []].flat();
    const parameterActions = SSM_PARAMETER_ACTIONS.filter((action) => actions.some((pattern) => iamMatches(pattern, action, true)));
    const kmsActions = actions.filter((pattern) => iamMatches(pattern, 'kms:Decrypt', true) || /^kms:/i.test(pattern));
    if (kmsActions.length > 0) problems.push(`${role}: allows ${kmsActions.join(', ')} on ${JSON.stringify(statement.Resource)}`);
    if (parameterActions.length === 0) continue;
    for (const resource of [statement.Resource ?? []].flat()) {
      const allowed = allowance.exactly.includes(resource) || allowance.under.some((prefix) => literalPrefix(resource).startsWith(prefix));
      if (!allowed) problems.push(`${role}: allows ${parameterActions.join(', ')} on ${resource}`);
    }
  }
  return problems;
}

/** The one statement that lets a node role publish its metrics: PutMetricData, which names no resource, in namespace DockerNodes only. */
export const PUT_NODE_METRICS: Statement = {
  Effect: 'Allow',
  Action: 'cloudwatch:PutMetricData',
  Resource: '*',
  Condition: { StringEquals: { 'cloudwatch:namespace': 'DockerNodes' } },
};

/** The CloudWatch agent's statement on a Docker host: its memory and disk use, in its own namespace. */
export const PUT_AGENT_METRICS: Statement = { ...PUT_NODE_METRICS, Condition: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } } };

/**
 * Why the permissions let the role put CloudWatch metrics other than as
 * `PUT_NODE_METRICS` or `PUT_AGENT_METRICS` allows, one line each; and, when the role `publishes`,
 * that it lacks that statement. A statement that allows
 * `cloudwatch:PutMetricData` (by name or wildcard) in any other shape, with
 * another action beside it or without the namespace condition, is reported.
 */
export function metricProblems(role: string, permissions: RolePermissions, publishes: boolean): string[] {
  const problems: string[] = [];
  let granted = false;
  for (const statement of permissions.statements) {
    if (statement.Effect !== 'Allow') continue;
    const actions = [statement.Action ?? []].flat();
    if (!actions.some((pattern) => iamMatches(pattern, 'cloudwatch:PutMetricData', true))) continue;
    if (canonical(statement) === canonical(PUT_NODE_METRICS)) granted = true;
    else if (canonical(statement) !== canonical(PUT_AGENT_METRICS)) {
      problems.push(`${role}: allows cloudwatch:PutMetricData other than in namespace DockerNodes or CWAgent alone: ${JSON.stringify(statement)}`);
    }
  }
  if (publishes && !granted) problems.push(`${role}: cannot put its metrics in namespace DockerNodes`);
  if (!publishes && granted) problems.push(`${role}: may put metrics in DockerNodes, though it publishes none`);
  return problems;
}

/** JSON text of a value with every object's keys in order, so that two statements compare whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );
}

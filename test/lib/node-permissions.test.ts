import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { PullPolicy } from '../../lib/containers';
import { VpcDependency } from '../../lib/dependencies';
import { DockerHost } from '../../lib/host';
import { DockerSwarm } from '../../lib/swarm';
import { ACCOUNT, instanceRoles, metricProblems, parameterProblems, PUT_NODE_METRICS, resolvePolicyValue, rolePermissions, SSM_PARAMETER_ACTIONS, type ParameterAllowance, type Statement } from '../helpers/iam';

/** The context of the project's cdk.json, as `cdk synth` passes it. */
const CONTEXT = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/**
 * What each EC2 role of the app may do with SSM parameters, and every
 * permission beyond that, one line each: a swarm's managers anything under
 * their swarm's parameter path (and `secretParameters`, read), its workers
 * the worker token and the managers' addresses, every other instance role
 * (a Docker host's) no parameter at all; no instance role a managed policy or
 * a KMS action. A Docker host's role and a swarm's managers' put metrics in
 * namespace DockerNodes with exactly `PUT_NODE_METRICS`; no other role puts
 * any, nor any role in any other way.
 */
function problemsOf(app: App, secretParameters: readonly string[] = []): { roles: number; problems: string[] } {
  const assembly = app.synth();
  const allowances = new Map<string, ParameterAllowance>();
  const publishers = new Set<string>();
  for (const host of app.node.findAll().filter((construct): construct is DockerHost => construct instanceof DockerHost)) {
    const stack = Stack.of(host);
    publishers.add(`${stack.artifactId}/${stack.getLogicalId(host.instance.role.node.defaultChild as CfnResource)}`);
  }
  for (const swarm of app.node.findAll().filter((construct): construct is DockerSwarm => construct instanceof DockerSwarm)) {
    const stack = Stack.of(swarm);
    const parameterPath = resolvePolicyValue(stack.resolve(swarm.parameterPath), stack.stackName);
    const under = `arn:${ACCOUNT.partition}:ssm:${ACCOUNT.region}:${ACCOUNT.accountId}:parameter${parameterPath}/`;
    const logicalId = (role: typeof swarm.managerRole) => `${stack.artifactId}/${stack.getLogicalId(role.node.defaultChild as CfnResource)}`;
    allowances.set(logicalId(swarm.managerRole), { exactly: secretParameters, under: [under] });
    publishers.add(logicalId(swarm.managerRole));
    allowances.set(logicalId(swarm.workerRole), { exactly: [`${under}worker-token`, `${under}manager-addresses`], under: [] });
  }
  let roles = 0;
  const problems: string[] = [];
  for (const artifact of assembly.stacks) {
    for (const roleId of instanceRoles(artifact.template)) {
      roles++;
      const role = `${artifact.id}/${roleId}`;
      const permissions = rolePermissions(artifact.template, roleId, artifact.stackName);
      problems.push(...parameterProblems(role, permissions, allowances.get(role) ?? { exactly: [], under: [] }));
      problems.push(...metricProblems(role, permissions, publishers.has(role)));
    }
  }
  return { roles, problems };
}

describe('instance roles', () => {
  it.each(Object.keys(CONTEXT.environments))('in the %s environment, touch only their own swarm\'s parameters, with no managed policy and no KMS key of their own, and put metrics in DockerNodes only where they publish', (env) => {
    // GIVEN the app of that cdk.json environment
    const app = buildApp(new App({ context: { ...CONTEXT, env } }));
    // WHEN
    const { roles, problems } = problemsOf(app);
    // THEN
    expect(roles).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it.each(Object.keys(CONTEXT.environments))('in the %s environment, let the SSM agent take Run Command and sessions through the control channel, and call nothing else of Systems Manager', (env) => {
    // GIVEN the app of that cdk.json environment
    const assembly = buildApp(new App({ context: { ...CONTEXT, env } })).synth();
    // WHEN
    const agentActions = assembly.stacks.flatMap((artifact) =>
      instanceRoles(artifact.template).map((roleId) => {
        const { statements } = rolePermissions(artifact.template, roleId, artifact.stackName);
        const actions = statements.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => [statement.Action ?? []].flat() as string[]);
        const agent = actions.filter((action) => /^(ssmmessages|ec2messages|ssm):/i.test(action) && !SSM_PARAMETER_ACTIONS.includes(action));
        return `${artifact.id}/${roleId}: ${[...new Set(agent)].sort().join(', ')}`;
      }),
    );
    // THEN
    expect(agentActions.length).toBeGreaterThan(0);
    for (const line of agentActions) expect(line).toMatch(/: ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel$/);
  });

  it('let a swarm\'s managers read its services\' secrets, each version of them on every refresh, and nothing outside the swarm\'s path besides', () => {
    // GIVEN a swarm whose service has a secret, which the managers' refresh reads by version, and an image pulled always
    const app = new App();
    const stack = new Stack(app, 'Web');
    new DockerSwarm(stack, 'Swarm', {
      vpc: new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      managers: 1,
      services: [{ name: 'web', image: 'nginx:1.27-alpine', pull: PullPolicy.ALWAYS, secrets: [{ name: 'db-password', parameterName: '/web/db-password' }] }],
    });
    // THEN
    const secret = `arn:aws:ssm:${ACCOUNT.region}:${ACCOUNT.accountId}:parameter/web/db-password`;
    expect(problemsOf(app, [secret]).problems).toEqual([]);
    expect(problemsOf(app).problems).toEqual([`Web/${managerRoleId(app)}: allows ssm:GetParameter on ${secret}`]);
  });

  it('are reported when a statement reaches past the allowance with wildcards, NotResource or a managed policy', () => {
    // GIVEN a role's permissions as a careless change could leave them
    const under = 'arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/Swarm/';
    const allowance = { exactly: [`${under}worker-token`], under: [] };
    const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });
    // WHEN
    const problems = parameterProblems(
      'Workers',
      {
        managedPolicies: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
        statements: [
          allow('ssm:GetParameter', `${under}worker-token`),
          allow('ssm:Get*', `${under}manager-token`),
          allow(['ssm:UpdateInstanceInformation', 'SSM:getparameters'], '*'),
          allow('*', `${under}worker-toke?`),
          allow('ssm:GetParameter', 'arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/*'),
          allow('kms:Decrypt', '*'),
          { Effect: 'Allow', Action: 'ssm:GetParameter', NotResource: 'arn:aws:ssm:*:*:parameter/other' },
          { Effect: 'Deny', Action: 'ssm:*', Resource: '*' },
        ],
      },
      allowance,
    );
    // THEN
    expect(problems).toEqual([
      'Workers: managed policy "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" attached',
      `Workers: allows ssm:GetParameter, ssm:GetParameterHistory, ssm:GetParameters, ssm:GetParametersByPath on ${under}manager-token`,
      'Workers: allows ssm:GetParameters on *',
      'Workers: allows * on "arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/Swarm/worker-toke?"',
      expect.stringMatching(/^Workers: allows ssm:DeleteParameter, .*ssm:UnlabelParameterVersion on arn:aws:ssm:eu-west-1:123456789012:parameter\/docker-swarm\/cache-prod\/Swarm\/worker-toke\?$/),
      'Workers: allows ssm:GetParameter on arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/*',
      'Workers: allows kms:Decrypt on "*"',
      expect.stringMatching(/^Workers: allows with NotAction or NotResource/),
    ]);
  });
});

describe('metric permissions', () => {
  it('are reported when PutMetricData is allowed in any other shape than in namespace DockerNodes alone, or where a role lacks or needs not it', () => {
    // GIVEN statements as a careless change could leave them
    const allow = (extra: Partial<Statement>): Statement => ({ ...PUT_NODE_METRICS, ...extra });
    const permissions = {
      managedPolicies: [],
      statements: [
        allow({ Condition: undefined }),
        allow({ Condition: { StringEquals: { 'cloudwatch:namespace': 'AWS/EC2' } } }),
        allow({ Condition: { StringLike: { 'cloudwatch:namespace': 'DockerNodes*' } } }),
        allow({ Action: 'cloudwatch:*' }),
        allow({ Action: ['cloudwatch:PutMetricData', 'cloudwatch:PutMetricAlarm'] }),
        allow({ Resource: 'arn:aws:cloudwatch:eu-west-1:123456789012:*' }),
        { Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
        { Effect: 'Deny', Action: 'cloudwatch:PutMetricData', Resource: '*' },
      ],
    };
    // WHEN
    const problems = metricProblems('Host', permissions, true);
    // THEN
    const beyond = 'Host: allows cloudwatch:PutMetricData other than in namespace DockerNodes or CWAgent alone: ';
    expect(problems).toEqual([
      `${beyond}{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*"}`,
      `${beyond}{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"AWS/EC2"}}}`,
      `${beyond}{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringLike":{"cloudwatch:namespace":"DockerNodes*"}}}`,
      `${beyond}{"Effect":"Allow","Action":"cloudwatch:*","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"DockerNodes"}}}`,
      `${beyond}{"Effect":"Allow","Action":["cloudwatch:PutMetricData","cloudwatch:PutMetricAlarm"],"Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"DockerNodes"}}}`,
      `${beyond}{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"arn:aws:cloudwatch:eu-west-1:123456789012:*","Condition":{"StringEquals":{"cloudwatch:namespace":"DockerNodes"}}}`,
      'Host: cannot put its metrics in namespace DockerNodes',
    ]);
    expect(metricProblems('Host', { managedPolicies: [], statements: [PUT_NODE_METRICS] }, true)).toEqual([]);
    expect(metricProblems('Workers', { managedPolicies: [], statements: [PUT_NODE_METRICS] }, false)).toEqual(['Workers: may put metrics in DockerNodes, though it publishes none']);
  });
});

function managerRoleId(app: App): string {
  const template = Template.fromStack(app.node.findChild('Web') as Stack).toJSON();
  return instanceRoles(template).find((id) => id.startsWith('SwarmManagerRole'))!;
}

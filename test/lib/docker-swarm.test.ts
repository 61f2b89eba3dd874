import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ContainerLogging, PullPolicy } from '../../lib/containers';
import { StackDependency, VpcDependency } from '../../lib/dependencies';
import { PropError } from '../../lib/errors';
import { ENV_FILE_SOURCE, SWARM_ENV_SOURCE, SWARM_GATE_SOURCE } from '../../lib/host-programs';
import { DockerSwarm, EndpointMode, PublishMode, type DockerSwarmProps, type SwarmServiceDefinition } from '../../lib/swarm';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { ACCOUNT, iamMatches, rolePermissions } from '../helpers/iam';
import { thrownBy } from '../helpers/thrown';
import { renderIntrinsic, resolveAll } from './user-data';

const SAMPLES = { 'AWS::StackName': 'cache-prod', 'AWS::Region': 'eu-west-1', 'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cache-prod/1' };

const ALPHA: SwarmServiceDefinition = {
  name: 'alpha',
  image: 'memcached:1.6-alpine',
  command: ['memcached', '-m', '64'],
  memoryMiB: 96,
  cpus: 0.5,
  replicas: 2,
  constraints: ['node.role == worker', 'engine.labels.public == no'],
  ports: [{ hostPort: 11211, allowFrom: ['10.0.1.0/24'] }],
};

let stack: Stack;
let template: Template;

beforeAll(() => {
  ({ stack } = swarmStack({ workers: { minCapacity: 2, desiredCapacity: 3, maxCapacity: 5, labels: { public: 'no' } }, services: [ALPHA] }));
  template = Template.fromStack(stack);
});

describe('nodes', () => {
  it('has three managers, one group of one each, spread over three subnets', () => {
    // GIVEN the swarm above, THEN
    const managers = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup', { Properties: { MinSize: '1', MaxSize: '1' } }));
    expect(managers).toHaveLength(3);
    const subnets = managers.map((group) => JSON.stringify(group.Properties.VPCZoneIdentifier));
    expect(new Set(subnets).size).toBe(3);
  });

  it('has the workers in one group with the given least, desired and most instances', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', DesiredCapacity: '3', MaxSize: '5' });
  });

  it('refuses an even number of managers, naming the choices', () => {
    expect(() => swarmStack({ managers: 2, services: [ALPHA] })).toThrow(/managers: must be 1 or 3 .* got 2/);
  });

  it('hardens every node: Amazon Linux 2023 looked up at deploy time, IMDSv2 with hop limit 1, encrypted gp3 volume, no key pair, Session Manager', () => {
    const templates = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    expect(templates).toHaveLength(4);
    template.hasResourceProperties('Custom::ImageDependency', { ImageName: 'al2023-ami-2023.*-kernel-*-arm64', Owners: 'amazon', Architecture: 'arm64' });
    for (const launchTemplate of templates) {
      const data = launchTemplate.Properties.LaunchTemplateData;
      expect(data.ImageId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SwarmImage/), 'ImageId'] });
      expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
      expect(data.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 20 } }]);
      expect(data.KeyName).toBeUndefined();
    }
    const roles = Object.values(template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] } } }));
    expect(roles).toHaveLength(2);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('waits for every node to signal that it joined, and lets nodes signal only their own stack', () => {
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', { CreationPolicy: { ResourceSignal: { Count: 2, Timeout: 'PT15M' } } });
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if ([statement.Action].flat().includes('cloudformation:SignalResource')) expect(statement.Resource).toEqual({ Ref: 'AWS::StackId' });
      }
    }
  });
});

describe('security group', () => {
  it('opens the swarm ports only to the nodes themselves', () => {
    const swarmPorts = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => rule.Properties);
    expect(swarmPorts.map((rule) => `${rule.IpProtocol}/${rule.FromPort}`).sort()).toEqual(['tcp/2377', 'tcp/7946', 'udp/4789', 'udp/7946']);
    for (const rule of swarmPorts) {
      expect(rule.SourceSecurityGroupId).toEqual(rule.GroupId);
      expect(rule.CidrIp).toBeUndefined();
    }
  });

  it('opens a published port only to the ranges allowed for it, and never SSH', () => {
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '10.0.1.0/24', Description: 'alpha 11211/tcp from 10.0.1.0/24', FromPort: 11211, IpProtocol: 'tcp', ToPort: 11211 },
    ]);
  });
});

describe('join parameters', () => {
  const TOKENS = {
    worker: 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx',
    manager: 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-7p73s1dx5in4tatdymyhg9hu2',
  };
  /** What a Docker engine prints, with the join command and its token, on `swarm init` and `swarm join-token <role>`. */
  const DOCKER = [
    'case "$*" in',
    '  "info --format {{.Swarm.LocalNodeState}}") echo inactive ;;',
    '  "swarm init"*) printf "Swarm initialized: current node (dxn1zf6l61qsb1josjja83ngz) is now a manager.\\n\\nTo add a worker to this swarm, run the following command:\\n\\n    docker swarm join --token %s 10.0.1.10:2377\\n\\n" "$WORKER_TOKEN" ;;',
    '  "swarm join-token --quiet worker") echo "$WORKER_TOKEN" ;;',
    '  "swarm join-token --quiet manager") echo "$MANAGER_TOKEN" ;;',
    '  "swarm join-token worker") printf "To add a worker to this swarm, run the following command:\\n\\n    docker swarm join --token %s 10.0.1.10:2377\\n\\n" "$WORKER_TOKEN" ;;',
    '  "swarm join-token manager") printf "To add a manager to this swarm, run the following command:\\n\\n    docker swarm join --token %s 10.0.1.10:2377\\n\\n" "$MANAGER_TOKEN" ;;',
    '  "swarm join "*) echo "This node joined a swarm as a worker." ;;',
    '  "node ls --filter role=manager --format {{.ID}} {{.Status}}") echo "m1 Ready" ;;',
    '  "node ls --quiet --filter role=manager") echo m1 ;;',
    '  "node inspect self --format {{.ManagerStatus.Leader}}") echo true ;;',
    '  "node inspect"*Engine.Labels*) printf "m1 reachable i-0aaaaaaaaaaaaaaa1\\nm2 reachable i-0123456789abcdef0\\n" ;;',
    '  "node inspect"*) echo 10.0.1.10:2377 ;;',
    'esac',
  ].join('\n');
  /**
   * Parameter Store as files of $STORE: a value given on the command line or, with file:///dev/stdin, on stdin;
   * an existing parameter is written again only with --overwrite. Auto Scaling has the other manager in service.
   */
  const AWS = [
    'name= value= previous= overwrite=',
    'for arg in "$@"; do',
    '  case "$previous" in --name) name=$arg ;; --value) value=$arg ;; esac',
    '  [ "$arg" = --overwrite ] && overwrite=yes',
    '  previous=$arg',
    'done',
    'case "$2" in',
    '  put-parameter)',
    '    if [ -e "$STORE/${name##*/}" ] && [ -z "$overwrite" ]; then',
    '      echo "An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: The parameter already exists." >&2',
    '      exit 254',
    '    fi',
    '    if [ "$value" = file:///dev/stdin ]; then cat > "$STORE/${name##*/}"; else printf "%s" "$value" > "$STORE/${name##*/}"; fi ;;',
    '  describe-auto-scaling-instances) printf "i-0aaaaaaaaaaaaaaa1\\tInService\\n" ;;',
    '  get-parameter) cat "$STORE/${name##*/}" && echo ;;',
    'esac',
  ].join('\n');

  /**
   * Runs a node's whole user data, its system folders moved into a folder of
   * the test, with recording stubs for docker (a new swarm, printing tokens
   * as the engine does), the AWS CLI (Parameter Store as files), ec2-metadata,
   * dnf, systemctl, cfn-init and cfn-signal; returns its exit status, what it
   * printed, every call with its arguments, and the parameters stored.
   */
  function boot(role: 'manager' | 'worker', stored: Record<string, string> = {}) {
    const work = mkdtempSync(path.join(tmpdir(), 'swarm-boot-'));
    const [bin, root, store] = ['bin', 'root', 'store'].map((name) => path.join(work, name));
    for (const folder of [bin, store, `${root}/etc`, `${root}/usr/local/sbin`, `${root}/var/lib`]) mkdirSync(folder, { recursive: true });
    for (const [name, value] of Object.entries(stored)) writeFileSync(path.join(store, name), value);
    const bodies: Record<string, string> = {
      docker: DOCKER,
      aws: AWS,
      'ec2-metadata': 'case "$1" in --local-ipv4) echo "local-ipv4: 10.0.1.10" ;; --instance-id) echo "instance-id: i-0123456789abcdef0" ;; esac',
    };
    const moved = (text: string) => text.replace(/(^|[\s'"=>])\/(etc|usr\/local\/sbin|var\/lib)\//gm, `$1${root}/$2/`);
    if (role === 'manager') {
      // cfn-init writes the deploy helper, its gate program and the deploy file from the managers' metadata.
      const files = managerInitFiles(template);
      const staged = path.join(work, 'init');
      for (const file of ['/usr/local/sbin/docker-swarm-deploy', '/usr/local/sbin/docker-swarm-gate', '/etc/docker-swarm/deploy.json']) {
        const content = resolveAll(files[file].content, { ...SAMPLES, [waitHandleId(template)]: 'https://cloudformation-waitcondition-eu-west-1.s3.eu-west-1.amazonaws.com/handle' });
        mkdirSync(path.dirname(`${staged}${file}`), { recursive: true });
        writeFileSync(`${staged}${file}`, moved(typeof content === 'string' ? content : JSON.stringify(content)), { mode: 0o700 });
      }
      bodies['cfn-init'] = `cp -R ${staged}/etc/. ${root}/etc/ && cp -R ${staged}/usr/local/sbin/. ${root}/usr/local/sbin/`;
    }
    for (const name of ['docker', 'aws', 'ec2-metadata', 'dnf', 'systemctl', 'cfn-init', 'cfn-signal', 'sleep']) {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n{ printf '%s\\037' "\${0##*/}" "$@"; printf '\\036'; } >> "$LOG"\n${bodies[name] ?? ''}\n`, { mode: 0o755 });
    }
    const script = moved(userData(role));
    if (/(^|[\s'"=>])\/(etc|usr|var)\//m.test(script)) throw new Error('the user data writes to a system folder this test does not move');
    writeFileSync(path.join(work, 'user-data.sh'), script);
    const log = path.join(work, 'calls.log');
    const result = runHostProgram('bash', [path.join(work, 'user-data.sh')], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${HOST_PATH}`, LOG: log, STORE: store, WORKER_TOKEN: TOKENS.worker, MANAGER_TOKEN: TOKENS.manager },
    });
    const calls = readFileSync(log, 'utf8').split('\x1e').filter(Boolean).map((call) => call.split('\x1f').slice(0, -1));
    const parameters = Object.fromEntries(readdirSync(store).map((name) => [name, readFileSync(path.join(store, name), 'utf8')]));
    return { status: result.status, output: result.stdout + result.stderr, calls, parameters };
  }

  itRunning('bash', 'python3')('has the first manager store the join tokens as SecureString without printing them or putting them on a command line, then deploy and signal', () => {
    // WHEN the first manager boots and starts the swarm
    const { status, output, calls, parameters } = boot('manager');
    // THEN
    expect(status).toBe(0);
    expect(parameters).toEqual({ init: 'i-0123456789abcdef0', 'worker-token': TOKENS.worker, 'manager-token': TOKENS.manager, 'manager-addresses': '10.0.1.10:2377' });
    expect(calls.filter((call) => call.includes('--type')).map((call) => `${call[call.indexOf('--name') + 1]} ${call[call.indexOf('--type') + 1]}`)).toEqual([
      '/docker-swarm/cache-prod/Swarm/init String',
      '/docker-swarm/cache-prod/Swarm/worker-token SecureString',
      '/docker-swarm/cache-prod/Swarm/manager-token SecureString',
      '/docker-swarm/cache-prod/Swarm/manager-addresses SecureString',
    ]);
    expect(calls).toContainEqual(['docker', 'swarm', 'init', '--advertise-addr', '10.0.1.10', '--listen-addr', '10.0.1.10:2377']);
    expect(calls.filter(([program]) => program === 'cfn-signal').map((call) => call.slice(0, 3))).toEqual([['cfn-signal', '--exit-code', '0'], ['cfn-signal', '--exit-code', '0']]);
    expect(output).not.toContain('SWMTKN-');
    expect(calls.filter(([program]) => program === 'aws').flat().filter((arg) => arg.includes('SWMTKN-'))).toEqual([]);
  });

  itRunning('bash')('has a worker join with the stored token without printing it, the token given to docker swarm join only', () => {
    // WHEN a worker boots after the first manager stored the parameters
    const { status, output, calls } = boot('worker', { 'worker-token': TOKENS.worker, 'manager-addresses': '10.0.1.10:2377' });
    // THEN
    expect(status).toBe(0);
    expect(output).not.toContain('SWMTKN-');
    expect(calls.filter((call) => call.some((arg) => arg.includes('SWMTKN-')))).toEqual([
      ['docker', 'swarm', 'join', '--advertise-addr', '10.0.1.10', '--listen-addr', '10.0.1.10:2377', '--token', TOKENS.worker, '10.0.1.10:2377'],
    ]);
  });
  itRunning('bash')('has a manager that boots after the first join the swarm as a manager, with the manager token', () => {
    // WHEN a manager boots after the first manager started the swarm and stored the parameters
    const { status, calls } = boot('manager', { init: 'i-0aaaaaaaaaaaaaaa1', 'worker-token': TOKENS.worker, 'manager-token': TOKENS.manager, 'manager-addresses': '10.0.1.10:2377' });
    // THEN it starts no swarm of its own and joins with the manager token only
    expect(status).toBe(0);
    expect(calls.filter((call) => call[0] === 'docker' && call[1] === 'swarm' && call[2] !== 'join-token')).toEqual([
      ['docker', 'swarm', 'join', '--advertise-addr', '10.0.1.10', '--listen-addr', '10.0.1.10:2377', '--token', TOKENS.manager, '10.0.1.10:2377'],
    ]);
  });
});

describe('scale-in', () => {
  it('lets the managers complete the lifecycle actions of the workers\' group, whose ARN holds the id AWS gives it, and of no other group', () => {
    // GIVEN the ARNs of the groups as AWS forms them, with the names CloudFormation gave them
    const json = template.toJSON();
    const groupArn = (logicalId: string) => `arn:aws:autoscaling:${ACCOUNT.region}:${ACCOUNT.accountId}:autoScalingGroup:8e1c0d7a-4f4b-4c4e-9f0a-1b2c3d4e5f60:autoScalingGroupName/${logicalId}-physical`;
    const [workers, ...managers] = ['SwarmWorkersASG', 'SwarmManager1ASG', 'SwarmManager2ASG'].map((prefix) => groupArn(Object.keys(json.Resources).find((id) => id.startsWith(prefix))!));
    const managerRole = Object.keys(json.Resources).find((id) => id.startsWith('SwarmManagerRole') && json.Resources[id].Type === 'AWS::IAM::Role')!;
    const { statements } = rolePermissions(json, managerRole, 'cache-prod');
    const mayComplete = (arn: string) =>
      statements.some((statement) =>
        [statement.Action ?? []].flat().some((action) => iamMatches(action, 'autoscaling:CompleteLifecycleAction', true)) &&
        [statement.Resource ?? []].flat().some((resource) => iamMatches(resource, arn)));
    // THEN
    expect(mayComplete(workers)).toBe(true);
    expect(managers.map(mayComplete)).toEqual([false, false]);
    expect(mayComplete(workers.replace(/-physical$/, '-physical-2'))).toBe(false);
  });

  it('holds a leaving worker with a lifecycle hook until the managers drained it', () => {
    template.hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      DefaultResult: 'CONTINUE',
      HeartbeatTimeout: 600,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-terminate Lifecycle Action'] },
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({ InputTemplate: '{"commands": ["/usr/local/sbin/docker-swarm-drain <instance> <group> <hook>"]}' }),
          RunCommandParameters: { RunCommandTargets: [{ Key: 'tag:aws:autoscaling:groupName', Values: Match.anyValue() }] },
        }),
      ],
    });
  });
});

describe('roles', () => {
  /** The role's one policy has exactly these statements, each with exactly these keys. */
  const allows = (role: string, statements: Record<string, unknown>[]) =>
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp(`^${role}`) }],
      PolicyDocument: { Statement: statements.map((statement) => Match.objectEquals({ Effect: 'Allow', ...statement })) },
    });
  const arn = (service: string, resource: unknown[]) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...resource]],
  });

  /** Everything the role whose logical id starts with `role` may do, managed and inline, with sample deploy-time values. */
  const permissions = (role: string) => {
    const json = template.toJSON();
    return rolePermissions(json, Object.keys(json.Resources).find((id) => id.startsWith(role) && json.Resources[id].Type === 'AWS::IAM::Role')!, 'cache-prod');
  };
  const sessionManager = {
    Effect: 'Allow',
    Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
    Resource: '*',
  };
  const stackArn = SAMPLES['AWS::StackId'];

  it('lets the managers use Session Manager, ask Auto Scaling which instances are in service, keep the swarm\'s parameters, read the stack\'s metadata, signal, complete the workers\' lifecycle actions, and put metrics in DockerNodes, nothing more', () => {
    const { managedPolicies, statements } = permissions('SwarmManagerRole');
    expect(managedPolicies).toEqual([]);
    expect(statements).toHaveLength(6);
    expect(statements).toEqual(expect.arrayContaining([
      { ...sessionManager, Action: ['autoscaling:DescribeAutoScalingInstances', ...sessionManager.Action] },
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'DockerNodes' } } },
      { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:PutParameter'], Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/Swarm/*' },
      { Effect: 'Allow', Action: 'cloudformation:DescribeStackResource', Resource: stackArn },
      { Effect: 'Allow', Action: 'cloudformation:SignalResource', Resource: stackArn },
      {
        Effect: 'Allow',
        Action: 'autoscaling:CompleteLifecycleAction',
        Resource: expect.stringMatching(/^arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:\*:autoScalingGroupName\/SwarmWorkersASG\w+-physical$/),
      },
    ]));
  });

  it('lets the workers use Session Manager, read the worker token and the managers\' addresses, and signal, nothing more', () => {
    const { managedPolicies, statements } = permissions('SwarmWorkerRole');
    expect(managedPolicies).toEqual([]);
    expect(statements).toHaveLength(3);
    expect(statements).toEqual(expect.arrayContaining([
      sessionManager,
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: ['manager-addresses', 'worker-token'].map((name) => `arn:aws:ssm:eu-west-1:123456789012:parameter/docker-swarm/cache-prod/Swarm/${name}`),
      },
      { Effect: 'Allow', Action: 'cloudformation:SignalResource', Resource: stackArn },
    ]));
  });

  it('lets the drain rule run only the shell document, only on the managers\' instances', () => {
    allows('SwarmDrainRole', [
      { Action: 'ssm:SendCommand', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, '::document/AWS-RunShellScript']] } },
      {
        Action: 'ssm:SendCommand',
        Resource: arn('ec2', [':instance/*']),
        Condition: { StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': [1, 2, 3].map((i) => ({ Ref: Match.stringLikeRegexp(`^SwarmManager${i}ASG`) })) } },
      },
    ]);
  });
});

describe('services', () => {
  it('renders one compose file with replicas, limits, constraints, start-first updates and rollback', () => {
    const [metadata] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup', { Metadata: Match.anyValue() })).map(
      (group) => group.Metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-swarm/stack.yml'].content,
    );
    expect(metadata.services.alpha).toEqual({
      image: 'memcached:1.6-alpine',
      command: ['memcached', '-m', '64'],
      ports: [{ target: 11211, published: 11211, protocol: 'tcp', mode: 'ingress' }],
      deploy: {
        mode: 'replicated',
        replicas: 2,
        endpoint_mode: 'vip',
        placement: { constraints: ['node.role == worker', 'engine.labels.public == no'] },
        resources: { limits: { memory: '96M', cpus: '0.5' } },
        restart_policy: { condition: 'any' },
        update_config: { parallelism: 1, delay: '10s', order: 'start-first', failure_action: 'rollback', monitor: '10s' },
        rollback_config: { parallelism: 1, order: 'start-first' },
      },
    });
  });

  it('publishes on the nodes running a task with DNS round robin when the kernel has no IPVS', () => {
    const { swarm } = swarmStack({ publishMode: PublishMode.HOST, endpointMode: EndpointMode.DNSRR, services: [ALPHA] });
    const service = (swarm.compose.services as Record<string, any>).alpha;
    expect(service.ports[0].mode).toBe('host');
    expect(service.deploy.endpoint_mode).toBe('dnsrr');
  });

  itRunning('bash', 'python3', 'flock')('runs a global service with its health check, the env-file of a StackDependency, and swarm secrets the leader creates from SSM', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Web');
    const swarm = new DockerSwarm(scope, 'Swarm', {
      vpc: new VpcDependency(scope, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      managers: 1,
      services: [{
        name: 'web',
        image: 'nginx:1.27-alpine',
        globalMode: true,
        healthCheck: { command: ['wget', '-q', '-O-', 'http://127.0.0.1/'], interval: Duration.seconds(15) },
        environmentFile: new StackDependency(scope, 'Datastores', { stackName: 'datastores-prod' }).environment,
        environment: { APP_ENV: 'prod' },
        secrets: [{ name: 'db-password', parameterName: '/web/db-password' }],
      }],
    });
    const web = Template.fromStack(scope);
    // THEN the compose file
    expect((swarm.compose.services as Record<string, any>).web).toMatchObject({
      env_file: ['/etc/docker-swarm/env/web.env'],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O-', 'http://127.0.0.1/'], interval: '15s', timeout: '5s', retries: 3, start_period: '0s' },
      secrets: ['db-password'],
      deploy: { mode: 'global' },
    });
    expect((swarm.compose.services as Record<string, any>).web.deploy.replicas).toBeUndefined();
    expect(swarm.compose.secrets).toEqual({ 'db-password': { external: true, name: '${SWARM_SECRET_db_2Dpassword:-db-password}' } });
    // THEN the env-file the managers write, with the looked-up outputs first
    const written = writeEnvFiles(web, { ...SAMPLES, Environment: 'QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs' });
    expect(written.status).toBe(0);
    expect(written.files).toEqual({ 'web.env': 'QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs\nAPP_ENV=prod\n' });
    // THEN the managers may read the secret's parameter, and the leader makes the swarm secret of it before deploying
    web.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SwarmManagerRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/web/db-password']] } }]) },
    });
    const { status, calls } = runScript(deployHelper(web), {
      aws: 'case "$*" in *Parameter.Version*) echo 1 ;; *) echo "s3cr3t p4ss" ;; esac',
      docker: 'case "$*" in "node inspect self"*) echo true ;; "secret inspect"*) exit 1 ;; "secret create"*) echo "stdin $(cat)" >> "$LOG" ;; "stack deploy"*) echo "with $SWARM_SECRET_db_2Dpassword" >> "$LOG" ;; esac',
    }, ['--refresh']);
    expect(status).toBe(0);
    expect(calls.slice(1, 3)).toEqual([
      'aws ssm get-parameter --region eu-west-1 --name /web/db-password --query Parameter.Version --output text',
      'docker secret inspect db-password-v1',
    ]);
    expect(calls.slice(3, 6).sort()).toEqual([
      'aws ssm get-parameter --region eu-west-1 --name /web/db-password:1 --with-decryption --query Parameter.Value --output text',
      'docker secret create db-password-v1 -',
      'stdin s3cr3t p4ss',
    ]);
    expect(calls.filter((call) => call.startsWith('docker stack') || call.startsWith('with'))).toEqual([
      'docker stack deploy --prune --resolve-image changed --compose-file /etc/docker-swarm/stack.yml app',
      'with db-password-v1',
    ]);
  });

  it('gives the tasks the service\'s volumes, user, read-only root file system and rotated log files', () => {
    // GIVEN
    const { swarm } = swarmStack({
      services: [{
        ...ALPHA,
        volumes: [{ source: 'cache-data', containerPath: '/data' }, { source: '/srv/seed', containerPath: '/seed', readOnly: true }],
        user: '11211:11211',
        readOnlyRootFilesystem: true,
        logging: ContainerLogging.jsonFile({ maxSize: '5m', maxFiles: 2 }),
      }],
    });
    // THEN
    const service = (swarm.compose.services as Record<string, any>).alpha;
    expect(service.volumes).toEqual([
      { type: 'volume', source: 'cache-data', target: '/data' },
      { type: 'bind', source: '/srv/seed', target: '/seed', read_only: true },
    ]);
    expect(swarm.compose.volumes).toEqual({ 'cache-data': {} });
    expect(service).toMatchObject({ user: '11211:11211', read_only: true, logging: { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } } });
  });

  it.each([
    [{ secretEnvironment: { TOKEN: 'x' } }, 'services[0].secretEnvironment: is for DockerHost; a swarm service cannot have it: use secrets (files under /run/secrets)'],
    [{ secretEnvironmentFile: 'TOKEN=x' }, 'services[0].secretEnvironmentFile: is for DockerHost'],
    [{ needsInstanceRole: true }, 'services[0].needsInstanceRole: is for DockerHost; a swarm service cannot have it: use credentials of its own'],
    [{ logging: ContainerLogging.awsLogs() }, 'services[0].logging: awslogs needs the log group a DockerHost creates; a swarm service takes ContainerLogging.jsonFile()'],
  ] as const)('refuses %j, which only a Docker host gives, instead of dropping it', (change, message) => {
    expect(() => swarmStack({ services: [{ ...ALPHA, ...change }] })).toThrow(message);
  });

  it('refuses replicas together with global', () => {
    expect(() => swarmStack({ services: [{ ...ALPHA, globalMode: true }] })).toThrow(/replicas and globalMode exclude each other/);
  });
});

describe('secrets that change and tags that move', () => {
  const WEB: SwarmServiceDefinition = { name: 'web', image: 'registry.example.com/team/web:stable', secrets: [{ name: 'db-password', parameterName: '/web/db-password' }] };

  /** The manager's deploy helper of a swarm of `services`, and a folder for the state its stubs keep. */
  const helper = (services: SwarmServiceDefinition[]) => ({ script: deployHelper(Template.fromStack(swarmStack({ services }).stack)), state: mkdtempSync(path.join(tmpdir(), 'swarm-state-')) });

  /**
   * Stubs as the swarm and Parameter Store answer: the parameter's version is the file `version`,
   * the swarm's secrets the lines of `secrets`, the services' spec and the spec they would roll back
   * to name the secrets in `spec` and `previous`; docker stack deploy moves `spec` to `previous`
   * and names, in `spec`, the secret the compose file asks for with its variable.
   */
  const swarmStubs = (state: string, pullAlways = '') => ({
    aws: `case "$*" in *Parameter.Version*) cat ${state}/version ;; *) echo "value of \${6##*:}" ;; esac`,
    docker: [
      `S=${state}`,
      'case "$*" in',
      '  "node inspect self"*) echo true ;;',
      '  "secret inspect "*) grep -qx "$3" "$S/secrets" || { echo "Error response from daemon: secret $3 not found" >&2; exit 1; } ;;',
      '  "secret create "*) echo "$3" >> "$S/secrets"; echo "stdin $(cat)" >> "$LOG" ;;',
      '  "secret ls"*) cat "$S/secrets" ;;',
      '  "secret rm "*) grep -vx "$3" "$S/secrets" > "$S/kept" || true; mv "$S/kept" "$S/secrets" ;;',
      '  "service ls --quiet") echo s1 ;;',
      `  "service ls --filter"*) echo "${pullAlways}" ;;`,
      '  "service inspect --format {{with .Spec}}"*) cat "$S/spec" ;;',
      '  "service inspect --format {{with .PreviousSpec}}"*) cat "$S/previous" 2>/dev/null || true ;;',
      '  "service inspect --format {{index"*) echo registry.example.com/team/web:stable ;;',
      '  "pull "*) if [ -e "$S/pull-error" ]; then cat "$S/pull-error" >&2; exit 1; fi ;;',
      '  "stack deploy"*) echo "with $SWARM_SECRET_db_2Dpassword" >> "$LOG"; mv "$S/spec" "$S/previous"; echo "$SWARM_SECRET_db_2Dpassword " > "$S/spec" ;;',
      'esac',
    ].join('\n'),
  });

  itRunning('bash', 'flock')('makes <name>-v2 when the parameter moves to version 2, deploys the services with it, and removes a version once no service would roll back to it', () => {
    // GIVEN a swarm whose service runs secret db-password-v1, and a refresh
    const { script, state } = helper([WEB]);
    writeFileSync(path.join(state, 'secrets'), 'db-password-v1\nother-v1\n');
    writeFileSync(path.join(state, 'spec'), 'db-password-v1 ');
    // WHEN the parameter is overwritten (version 2) and the timer runs the refresh
    writeFileSync(path.join(state, 'version'), '2\n');
    const second = runScript(script, swarmStubs(state), ['--refresh']);
    // AND again once it is overwritten once more (version 3)
    writeFileSync(path.join(state, 'version'), '3\n');
    const third = runScript(script, swarmStubs(state), ['--refresh']);
    // THEN version 2 is made from that version of the parameter and deployed, version 1 kept for a rollback
    expect(second.status).toBe(0);
    const made = second.calls.filter((call) => /^(aws|docker (secret (create|rm)|stack)|stdin|with)/.test(call));
    // (the two ends of the pipe from the parameter to the secret start together, in either order)
    expect([made[0], ...made.slice(1, 3).sort(), ...made.slice(3)]).toEqual([
      'aws ssm get-parameter --region eu-west-1 --name /web/db-password --query Parameter.Version --output text',
      'aws ssm get-parameter --region eu-west-1 --name /web/db-password:2 --with-decryption --query Parameter.Value --output text',
      'docker secret create db-password-v2 -',
      'stdin value of 2',
      'docker stack deploy --prune --resolve-image changed --compose-file /etc/docker-swarm/stack.yml app',
      'with db-password-v2',
    ]);
    // THEN version 3 is deployed, and version 1, which no service names any more, removed; another secret is left alone
    expect(third.status).toBe(0);
    expect(third.calls.filter((call) => /^(docker (secret (create|rm)|stack)|with)/.test(call))).toEqual([
      'docker secret create db-password-v3 -',
      'docker stack deploy --prune --resolve-image changed --compose-file /etc/docker-swarm/stack.yml app',
      'with db-password-v3',
      'docker secret rm db-password-v1',
    ]);
    expect(readFileSync(path.join(state, 'secrets'), 'utf8')).toBe('other-v1\ndb-password-v2\ndb-password-v3\n');
  });

  itRunning('bash', 'flock')('deploys nothing, makes and removes no secret, when the parameter\'s version did not move', () => {
    // GIVEN a swarm whose services run the parameter's version
    const { script, state } = helper([WEB]);
    writeFileSync(path.join(state, 'secrets'), 'db-password-v2\n');
    writeFileSync(path.join(state, 'spec'), 'db-password-v2 ');
    writeFileSync(path.join(state, 'version'), '2\n');
    // WHEN
    const { status, calls } = runScript(script, swarmStubs(state), ['--refresh']);
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => /^docker (secret (create|rm)|stack|service update)/.test(call))).toEqual([]);
  });

  it('names each secret in the compose file by the variable the deploy helper sets, and by its own name for a helper that sets none', () => {
    // GIVEN
    const { swarm } = swarmStack({ services: [WEB, { ...ALPHA, secrets: [{ name: 'db-password', parameterName: '/web/db-password' }, { name: 'api_key.v2', parameterName: '/web/api' }] }] });
    // WHEN compose interpolates the file as docker stack deploy does
    const read = (environment: Record<string, string>) => interpolateCompose(swarm.compose, environment).secrets;
    // THEN
    expect(read({ SWARM_SECRET_db_2Dpassword: 'db-password-v7', SWARM_SECRET_api_5Fkey_2Ev2: 'api_key.v2-v1' })).toEqual({
      'db-password': { external: true, name: 'db-password-v7' },
      'api_key.v2': { external: true, name: 'api_key.v2-v1' },
    });
    expect(read({})).toEqual({ 'db-password': { external: true, name: 'db-password' }, 'api_key.v2': { external: true, name: 'api_key.v2' } });
  });

  it('refuses a secret name that would pass Docker\'s 64 characters with its version', () => {
    expect(() => swarmStack({ services: [{ ...WEB, secrets: [{ name: 'd'.repeat(53), parameterName: '/web/db' }] }] })).toThrow(
      `DockerSwarm Cluster/Swarm: services[0].secrets[0].name: must be at most 52 characters, so that with "-v" and the parameter's version it stays within Docker's 64, got "${'d'.repeat(53)}" (53); give a shorter name`,
    );
    expect(() => swarmStack({ services: [{ ...WEB, secrets: [{ name: 'd'.repeat(52), parameterName: '/web/db' }] }] })).not.toThrow();
  });

  itRunning('bash', 'flock')('rolls a service pulled always to the image its tag names now on a refresh, and leaves it as it runs when the pull fails', () => {
    // GIVEN a service pulled always, labelled so in the compose file, and one pulled when missing, not labelled
    const { swarm } = swarmStack({ services: [{ ...WEB, pull: PullPolicy.ALWAYS }, { ...ALPHA, pull: PullPolicy.MISSING }] });
    expect((swarm.compose.services as Record<string, any>).web.deploy.labels).toEqual({ 'docker-swarm.pull': 'always' });
    expect((swarm.compose.services as Record<string, any>).alpha.deploy.labels).toBeUndefined();
    const { script, state } = helper([{ ...WEB, pull: PullPolicy.ALWAYS }]);
    writeFileSync(path.join(state, 'secrets'), 'db-password-v2\n');
    writeFileSync(path.join(state, 'spec'), 'db-password-v2 ');
    writeFileSync(path.join(state, 'version'), '2\n');
    // WHEN the timer runs the refresh, and again when the registry cannot be reached
    const pulled = runScript(script, swarmStubs(state, 'app_web'), ['--refresh']);
    writeFileSync(path.join(state, 'pull-error'), 'Error response from daemon: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host\n');
    const failed = runScript(script, swarmStubs(state, 'app_web'), ['--refresh']);
    // THEN the service is updated to its tag, which docker resolves to the digest it names now
    expect(pulled.status).toBe(0);
    expect(pulled.calls.filter((call) => /^docker (service ls --filter|pull|service update|stack)/.test(call))).toEqual([
      'docker service ls --filter label=docker-swarm.pull=always --filter label=com.docker.stack.namespace=app --format {{.Name}}',
      'docker pull --quiet registry.example.com/team/web:stable',
      'docker service update --quiet --detach --image registry.example.com/team/web:stable app_web',
    ]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toBe('service app_web: docker pull registry.example.com/team/web:stable failed, so the service keeps its image: Error response from daemon: Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host\n');
    expect(failed.calls.filter((call) => call.startsWith('docker service update'))).toEqual([]);
  });

  it('has a timer on the managers run the deploy helper with --refresh every minute, or at refreshInterval', () => {
    // GIVEN
    const init = (refreshInterval?: Duration) => {
      const json = Template.fromStack(swarmStack({ services: [WEB], refreshInterval }).stack).toJSON();
      return (prefix: string) => Object.entries<any>(json.Resources).find(([id, resource]) => id.startsWith(prefix) && resource.Type === 'AWS::AutoScaling::AutoScalingGroup')![1].Metadata?.['AWS::CloudFormation::Init']?.config;
    };
    // WHEN
    const every = init();
    const five = init(Duration.minutes(5));
    const off = init(Duration.seconds(0));
    // THEN
    expect(every('SwarmManager1').files['/etc/systemd/system/docker-swarm-refresh.service'].content).toBe(
      '[Unit]\nDescription=Docker swarm: deploys rotated secrets and moved image tags to the services\nAfter=docker.service\n\n' +
        '[Service]\nType=oneshot\nExecStart=/usr/local/sbin/docker-swarm-deploy --refresh\n',
    );
    expect(every('SwarmManager1').files['/etc/systemd/system/docker-swarm-refresh.timer'].content).toContain('[Timer]\nOnActiveSec=60\nOnUnitActiveSec=60\nAccuracySec=1s\n');
    expect(every('SwarmManager1').commands).toEqual({
      'docker-swarm-refresh-timer': { command: 'systemctl daemon-reload && systemctl enable docker-swarm-refresh.timer && systemctl restart docker-swarm-refresh.timer' },
    });
    expect(five('SwarmManager1').files['/etc/systemd/system/docker-swarm-refresh.timer'].content).toContain('OnUnitActiveSec=300\n');
    expect(Object.keys(off('SwarmManager1').files).filter((file) => file.includes('refresh'))).toEqual([]);
    expect(off('SwarmManager1').commands['docker-swarm-refresh-timer'].command).toMatch(/^if \[ -e \/etc\/systemd\/system\/docker-swarm-refresh.timer \]; then systemctl disable --now/);
    expect(every('SwarmWorkers')).toBeUndefined();
  });
});

describe('deploy gate', () => {
  /** The wait conditions of a swarm's stack, by logical id, and the deploy file of its first manager. */
  function gate(props: Omit<DockerSwarmProps, 'vpc'>): { conditions: Record<string, any>; handles: string[]; deployFile: any; resources: string[] } {
    const of = Template.fromStack(swarmStack(props).stack);
    return {
      conditions: of.findResources('AWS::CloudFormation::WaitCondition'),
      handles: Object.keys(of.findResources('AWS::CloudFormation::WaitConditionHandle')),
      deployFile: managerInitFiles(of)['/etc/docker-swarm/deploy.json'],
      resources: Object.keys(of.toJSON().Resources),
    };
  }

  it('waits for the leader to report the services converged, on a wait condition named after their digest, after the managers\' groups', () => {
    // GIVEN the swarm above
    const conditions = template.findResources('AWS::CloudFormation::WaitCondition');
    const [id] = Object.keys(conditions);
    const digest = /^SwarmDeployed([0-9a-f]{12})[0-9A-F]{8}$/.exec(id)![1];
    // THEN
    expect(Object.keys(conditions)).toHaveLength(1);
    expect(conditions[id].Properties).toEqual({ Handle: { Ref: expect.stringMatching(new RegExp(`^SwarmDeployed${digest}Handle`)) }, Timeout: '900', Count: 1 });
    const managers = Object.keys(template.findResources('AWS::AutoScaling::AutoScalingGroup')).filter((group) => group.startsWith('SwarmManager'));
    expect(managers).toHaveLength(3);
    expect([...conditions[id].DependsOn].sort()).toEqual(expect.arrayContaining(managers));
    // THEN the managers get the handle and the id in their metadata, with the time the leader waits
    for (const manager of managers) {
      const files = template.toJSON().Resources[manager].Metadata['AWS::CloudFormation::Init'].config.files;
      expect(files['/etc/docker-swarm/deploy.json']).toEqual({
        content: { waitHandle: conditions[id].Properties.Handle, deployId: digest, waitSeconds: 780, envDirectory: '/etc/docker-swarm/env' },
        mode: '000600',
        owner: 'root',
        group: 'root',
      });
      expect(files['/usr/local/sbin/docker-swarm-gate']).toEqual({ content: SWARM_GATE_SOURCE, mode: '000700', owner: 'root', group: 'root' });
      expect(files['/usr/local/sbin/docker-swarm-deploy']).toMatchObject({ mode: '000700' });
    }
    // THEN the user data no longer writes the deploy helper: cfn-init does, also at each stack update
    expect(userData('manager')).not.toContain('END_OF_DEPLOY');
  });

  it('keeps the same logical ids when nothing changes, and makes a new wait condition when what the leader deploys changes', () => {
    // GIVEN
    const props: Omit<DockerSwarmProps, 'vpc'> = { services: [{ ...ALPHA, environment: { MODE: 'a' }, files: [{ path: '/etc/a.conf', content: 'a' }], secrets: [{ name: 's', parameterName: '/s' }] }] };
    const first = gate(props);
    const ids = (of: ReturnType<typeof gate>) => [...Object.keys(of.conditions), ...of.handles];
    // WHEN synthesized again unchanged, THEN every resource keeps its logical id
    const again = gate(props);
    expect(ids(again)).toEqual(ids(first));
    expect(again.resources).toEqual(first.resources);
    // WHEN the compose file, an env-file's parts, a file, the secrets or the timeout change, THEN each makes new ids
    const service = props.services[0];
    const changed = [
      { services: [{ ...service, replicas: 3 }] },
      { services: [{ ...service, environment: { MODE: 'b' } }] },
      { services: [{ ...service, files: [{ path: '/etc/a.conf', content: 'b' }] }] },
      { services: [{ ...service, secrets: [{ name: 's', parameterName: '/t' }] }] },
      { ...props, signalTimeout: Duration.minutes(20) },
    ].map((change) => ids(gate(change)));
    for (const other of changed) expect(other.filter((id) => ids(first).includes(id))).toEqual([]);
    expect(new Set(changed.map((other) => other.join())).size).toBe(changed.length);
  });

  it('has the leader give up before CloudFormation does: 2 minutes before the signal timeout, or a quarter of a short one', () => {
    expect(gate({ services: [ALPHA], signalTimeout: Duration.minutes(30) }).deployFile.content.waitSeconds).toBe(1680);
    expect(gate({ services: [ALPHA], signalTimeout: Duration.minutes(4) }).deployFile.content.waitSeconds).toBe(180);
  });
});

describe('service DNS names', () => {
  it('gives the name Docker\'s DNS answers with a service\'s running tasks, under the stack name', () => {
    // GIVEN
    const { swarm } = swarmStack({ stackName: 'paas', services: [ALPHA, { name: 'www', image: 'nginx:1.27-alpine' }] });
    // THEN
    expect(swarm.serviceDnsName('alpha')).toBe('tasks.paas_alpha');
    expect(swarm.serviceDnsName('www')).toBe('tasks.paas_www');
  });

  it('refuses a service the swarm does not run, naming it and the services it runs', () => {
    // GIVEN
    const { swarm } = swarmStack({ services: [ALPHA, { name: 'www', image: 'nginx:1.27-alpine' }] });
    // THEN
    expect(() => swarm.serviceDnsName('blog')).toThrow('DockerSwarm Cluster/Swarm: serviceDnsName.serviceName: no service is named "blog"; the services are "alpha", "www"');
  });
});

describe('files of services', () => {
  const SITE: SwarmServiceDefinition = {
    name: 'site',
    image: 'nginx:1.27-alpine',
    network: 'web',
    files: [{ path: '/etc/nginx/conf.d/site.conf', content: 'server { listen 80; }\n' }],
    reload: ['nginx', '-s', 'reload'],
  };

  it('writes the files on every node and mounts their folder read-only into the tasks, on the service\'s overlay network', () => {
    // GIVEN
    const { stack: withFiles, swarm } = swarmStack({ services: [SITE] });
    // THEN
    const service = (swarm.compose.services as Record<string, any>).site;
    expect(service.volumes).toEqual([{ type: 'bind', source: '/etc/docker-swarm/files/site/etc/nginx/conf.d', target: '/etc/nginx/conf.d', read_only: true }]);
    expect(service.networks).toEqual(['web']);
    expect(swarm.compose.networks).toEqual({ web: { driver: 'overlay' } });
    const groups = Object.values(Template.fromStack(withFiles).findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(groups).toHaveLength(4);
    for (const group of groups) {
      expect(group.Metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-swarm/files/site/etc/nginx/conf.d/site.conf'].content).toBe('server { listen 80; }\n');
    }
  });

  it('replaces the tasks of a service without a reload command when its files change, and not otherwise', () => {
    // GIVEN
    const plain = { ...SITE, reload: undefined };
    const label = (service: SwarmServiceDefinition) => (swarmStack({ services: [service] }).swarm.compose.services as Record<string, any>).site.labels;
    // THEN
    expect(label(SITE)).toBeUndefined();
    expect(label(plain)['docker-swarm.files-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(label(plain)).toEqual(label({ ...plain }));
    expect(label(plain)).not.toEqual(label({ ...plain, files: [{ ...SITE.files![0], content: 'server { listen 81; }\n' }] }));
  });

  itRunning('bash')('reloads the service\'s tasks on the node once per change of its files, and fails when a task does not reload', () => {
    // GIVEN the reload helper of the user data, a files folder, and a docker that runs two tasks of the service
    const { stack: withFiles } = swarmStack({ services: [SITE] });
    const work = mkdtempSync(path.join(tmpdir(), 'swarm-reload-'));
    const folder = path.join(work, 'files');
    mkdirSync(path.join(folder, 'etc/nginx/conf.d'), { recursive: true });
    const config = path.join(folder, 'etc/nginx/conf.d/site.conf');
    writeFileSync(config, 'one\n');
    const script = /cat > \/usr\/local\/sbin\/docker-swarm-reload <<'END_OF_RELOAD'\n([\s\S]*?)\nEND_OF_RELOAD/.exec(userData('worker', Template.fromStack(withFiles)))![1]
      .replace('/var/lib/docker-swarm/applied', path.join(work, 'applied'))
      .replace('/etc/docker-swarm/files/site', folder);
    writeFileSync(path.join(work, 'reload'), script, { mode: 0o755 });
    mkdirSync(path.join(work, 'bin'));
    writeFileSync(
      path.join(work, 'bin/docker'),
      '#!/bin/sh\necho "$*" >> "$DOCKER_LOG"\ncase "$1" in ps) printf "c1\\nc2\\n" ;; exec) [ "$2" != "$FAIL_IN" ] ;; esac\n',
    );
    chmodSync(path.join(work, 'bin/docker'), 0o755);
    const log = path.join(work, 'docker.log');
    const reload = (failIn = '') => {
      writeFileSync(log, '');
      const result = runHostProgram('bash', [path.join(work, 'reload')], { encoding: 'utf8', env: { PATH: `${path.join(work, 'bin')}:${HOST_PATH}`, DOCKER_LOG: log, FAIL_IN: failIn } });
      return { status: result.status, execs: readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('exec')) };
    };
    // WHEN / THEN
    expect(reload()).toEqual({ status: 0, execs: ['exec c1 nginx -s reload', 'exec c2 nginx -s reload'] });
    expect(reload()).toEqual({ status: 0, execs: [] });
    writeFileSync(config, 'two\n');
    expect(reload('c2')).toEqual({ status: 1, execs: ['exec c1 nginx -s reload', 'exec c2 nginx -s reload'] });
    expect(reload()).toEqual({ status: 0, execs: ['exec c1 nginx -s reload', 'exec c2 nginx -s reload'] });
  });

  it('opens a published port to a security group it names', () => {
    // GIVEN
    const { stack: open } = swarmStack({ services: [{ ...ALPHA, ports: [{ hostPort: 8443, allowFrom: [], allowFromSecurityGroups: ['sg-0123456789abcdef0'] }] }] });
    // THEN
    const [group] = Object.values(Template.fromStack(open).findResources('AWS::EC2::SecurityGroup'));
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { Description: 'alpha 8443/tcp from a security group', FromPort: 8443, IpProtocol: 'tcp', SourceSecurityGroupId: 'sg-0123456789abcdef0', ToPort: 8443 },
    ]);
  });
});

describe('user data', () => {
  it.each([
    ['deploy', 'manager', 'metadata', { COMPOSE_FILE: '/etc/docker-swarm/stack.yml', DEPLOY_FILE: '/etc/docker-swarm/deploy.json', GATE_PROGRAM: '/usr/local/sbin/docker-swarm-gate', STACK_NAMESPACE: 'app', CREATE_SECRETS: undefined }],
    ['drain', 'manager', 'user data', { REGION: "'eu-west-1'", DRAIN_LOOKS: '120' }],
    ['reload', 'worker', 'user data', { RELOAD_ARGUMENTS: 'app_site /etc/docker-swarm/files/site nginx -s reload' }],
  ] as const)('writes the %s helper of the %ss, in their %s, as its script file in lib/swarm/ ships it, without the lines for its readers, its words filled in at synth time', (helper, role, where, words) => {
    // GIVEN the shipped file and a swarm with a service whose files reload
    const file = readFileSync(path.join(__dirname, '..', '..', 'lib', 'swarm', `docker-swarm-${helper}.sh`), 'utf8');
    const site: SwarmServiceDefinition = { name: 'site', image: 'nginx:1.27-alpine', files: [{ path: '/etc/nginx/conf.d/site.conf', content: 'server { listen 80; }\n' }], reload: ['nginx', '-s', 'reload'] };
    const withReload = Template.fromStack(swarmStack({ services: [site] }).stack);
    // WHEN
    const marker = `END_OF_${helper.toUpperCase()}`;
    const written = where === 'metadata'
      ? renderIntrinsic(managerInitFiles(withReload)[`/usr/local/sbin/docker-swarm-${helper}`].content, SAMPLES).replace(/\n$/, '')
      : new RegExp(`cat > /usr/local/sbin/docker-swarm-${helper} <<'${marker}'\\n([\\s\\S]*?)\\n${marker}\\n`).exec(userData(role, withReload))![1];
    // THEN
    const expected = file
      .split('\n')
      .filter((line) => !line.startsWith('##'))
      .flatMap((line) => (Object.entries(words).some(([name, value]) => value === undefined && line.includes(`@${name}@`)) ? [] : [line]))
      .map((line) => Object.entries(words).reduce((text, [name, value]) => text.replaceAll(`@${name}@`, value ?? ''), line))
      .join('\n')
      .replace(/\n$/, '');
    expect(file).toMatch(/^#!\/bin\/bash\n# \S.*\n(## .*\n)+set -euo pipefail\n/);
    expect(written).toBe(expected);
    expect(written).not.toMatch(/@[A-Z_]+@|^##/m);
  });

  it('labels the workers\' engines with the group\'s labels and the instance id', () => {
    expect(userData('worker')).toContain(`printf '{"labels": ["instance-id=%s", "public=no"]}\\n' "$instance_id" > /etc/docker/daemon.json`);
  });

  itRunning('bash')('joins through the next stored manager when one does not answer, stopping the join that timed out first', () => {
    // GIVEN the worker's join function, two stored managers, and a first manager whose join times out
    const script = [
      'region=eu-west-1 parameters=/docker-swarm/cache-prod/Swarm address=10.0.2.20',
      ...['parameter', 'join_swarm'].map((name) => new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(userData('worker'))![0]),
      'join_swarm worker',
    ].join('\n');
    // WHEN
    const { status, calls } = runScript(script, {
      aws: 'case "$*" in *worker-token*) echo SWMTKN-1-worker ;; *manager-addresses*) echo 10.0.1.10:2377 10.0.3.10:2377 ;; esac',
      docker: 'case "$*" in *10.0.1.10:2377) exit 1 ;; info*) echo pending ;; esac',
    });
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => call.startsWith('docker'))).toEqual([
      'docker swarm join --advertise-addr 10.0.2.20 --listen-addr 10.0.2.20:2377 --token SWMTKN-1-worker 10.0.1.10:2377',
      'docker info --format {{.Swarm.LocalNodeState}}',
      'docker swarm leave --force',
      'docker swarm join --advertise-addr 10.0.2.20 --listen-addr 10.0.2.20:2377 --token SWMTKN-1-worker 10.0.3.10:2377',
    ]);
  });

  itRunning('bash')('waits for the swarm with waits that double from 2 s to 30 s, shortened at random by up to half, 10 minutes in all', () => {
    // GIVEN the join function, and a swarm whose first manager never stores the token
    const script = [
      'region=eu-west-1 parameters=/docker-swarm/cache-prod/Swarm address=10.0.2.20',
      ...['parameter', 'join_swarm'].map((name) => new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(userData('worker'))![0]),
      'join_swarm worker',
    ].join('\n');
    const aws = 'echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: " >&2; exit 254';
    // WHEN two workers boot together
    const [first, second] = [1, 2].map(() => runScript(script, { aws }));
    // THEN each gives up after 10 minutes of waits, each wait within its doubling step
    for (const { status, calls, stderr } of [first, second]) {
      const waits = calls.filter((call) => call.startsWith('sleep ')).map((call) => Number(call.slice('sleep '.length)));
      expect(status).toBe(1);
      expect(stderr).toMatch(/could not join the swarm in 10 minutes\n$/);
      expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(600);
      waits.slice(0, -1).forEach((wait, i) => {
        const step = Math.min(2 ** (i + 1), 30);
        expect({ i, wait, withinStep: wait >= Math.ceil(step / 2) && wait <= step }).toEqual({ i, wait, withinStep: true });
      });
      expect(calls.filter((call) => call.startsWith('aws'))).toHaveLength(waits.length + 1);
    }
    // AND the two spread out instead of asking in step
    expect(first.calls).not.toEqual(second.calls);
  });

  /** The manager's lines after it joined: the removal of the managers it replaces and the store of the managers' addresses. */
  const afterJoin = () =>
    [
      'region=eu-west-1 parameters=/docker-swarm/cache-prod/Swarm address=10.0.3.11 instance_id=i-0444444444444444',
      /^store\(\) \{\n[\s\S]*?\n\}$/m.exec(userData('manager'))![0],
      /^instances_out_of_service\(\) \{[\s\S]*?(?=\ncat > )/m.exec(userData('manager'))![0],
    ].join('\n');
  /**
   * A swarm of managers m1 (i-0111…, live), m2 (i-0222…, whose status `docker node ls` shows as `shown`)
   * and m4, this node (i-0444…), their reachability and instance ids as each look at them shows them.
   */
  const swarm = (shown: string, looks: readonly string[], options: { rmRefusals?: number } = {}) =>
    [
      'look() { grep -c "^docker node inspect --format {{.ID}}" "$LOG"; }',
      'case "$*" in',
      '  "node ls --quiet --filter role=manager") printf "m1\\nm2\\nm4\\n" ;;',
      `  "node ls --filter role=manager --format {{.ID}} {{.Status}}") printf "m1 Ready\\nm2 ${shown}\\nm4 Ready\\n" ;;`,
      `  "node inspect --format {{.ID}}"*) case "$(look)" in ${looks.map((answer, i) => `${i < looks.length - 1 ? i + 1 : '*'}) printf "${answer}" ;;`).join(' ')} esac ;;`,
      `  "node rm --force m2") if [ "$(grep -c "^docker node rm" "$LOG")" -le ${options.rmRefusals ?? 0} ]; then echo "Error response from daemon: rpc error: code = FailedPrecondition desc = node m2 is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal" >&2; exit 1; fi ;;`,
      '  "node inspect --format {{if"*) printf "10.0.1.10:2377\\n10.0.3.11:2377\\n" ;;',
      'esac',
    ].join('\n');
  const LIVE = 'm1 reachable i-0111111111111111\\n';
  const SELF = 'm4 reachable i-0444444444444444\\n';
  /** Auto Scaling's answer: the instances in service and their states, refusing none. */
  const autoScaling = (lines: string) => `case "$*" in *describe-auto-scaling-instances*) printf "${lines}" ;; *file:///dev/stdin*) echo "stdin $(cat)" >> "$LOG" ;; esac`;

  const deaths = [
    [
      'the leader died a moment ago: the swarm shows it Unknown and still reachable, then unreachable, and Auto Scaling lists its instance Terminating',
      'Unknown',
      [`${LIVE}m2 reachable i-0222222222222222\\n${SELF}`, `${LIVE}m2 unreachable i-0222222222222222\\n${SELF}`],
      'i-0111111111111111\\tInService\\ni-0222222222222222\\tTerminating\\n',
      ['sleep 5'],
    ],
    [
      'the swarm shows it Down, unreachable, and Auto Scaling has ended its instance',
      'Down',
      [`${LIVE}m2 unreachable i-0222222222222222\\n${SELF}`],
      'i-0111111111111111\\tInService\\n',
      [],
    ],
  ] as const;
  for (const [when, shown, looks, instances, waits] of deaths) {
  itRunning('bash')(`lets a manager that replaces a dead one remove it, and store the live managers' addresses, its own first, when ${when}`, () => {
    // WHEN
    const { status, calls, stderr } = runScript(afterJoin(), { docker: swarm(shown, looks, { rmRefusals: 1 }), aws: autoScaling(instances) });
    // THEN m2 is demoted, then removed once its demotion has gone through, and m1 never touched
    expect(status).toBe(0);
    const ask = 'aws autoscaling describe-auto-scaling-instances --region eu-west-1 --instance-ids i-0111111111111111 i-0222222222222222 --query AutoScalingInstances[].[InstanceId,LifecycleState] --output text';
    expect(calls.filter((call) => /^docker node (demote|rm)|^aws|^sleep|^stdin/.test(call))).toEqual([
      ...waits.flatMap((wait) => [ask, wait]),
      ask,
      'docker node demote m2',
      'docker node rm --force m2',
      'sleep 5',
      'docker node rm --force m2',
      'aws ssm put-parameter --region eu-west-1 --name /docker-swarm/cache-prod/Swarm/manager-addresses --type SecureString --overwrite --value file:///dev/stdin',
      'stdin 10.0.3.11:2377 10.0.1.10:2377',
    ]);
    expect(stderr).toContain('removed manager m2: unreachable, and its instance i-0222222222222222 is out of service');
  });
  }

  const keeps = [
    ['Down and unreachable, cut off for a while, with its instance in service', 'i-0111111111111111\\tInService\\ni-0222222222222222\\tInService\\n', /^$/],
    ['Down and unreachable while Auto Scaling cannot be asked', 'FAIL', /^An error occurred \(AccessDenied\)[^\n]*\nAuto Scaling cannot tell which managers' instances are in service: no manager removed\n$/],
  ] as const;
  for (const [what, instances, message] of keeps) {
  itRunning('bash')(`keeps a manager that is ${what}, and goes on booting at once`, () => {
    // GIVEN a live manager m2 the swarm has not heard from for a while; the aws CLI reads the value it stores from stdin, as the real one does
    const aws = instances === 'FAIL'
      ? 'case "$*" in *describe-auto-scaling-instances*) echo "An error occurred (AccessDenied) when calling the DescribeAutoScalingInstances operation: not authorized" >&2; exit 254 ;; *file:///dev/stdin*) echo "stdin $(cat)" >> "$LOG" ;; esac'
      : autoScaling(instances);
    // WHEN
    const { status, calls, stderr } = runScript(afterJoin(), { docker: swarm('Down', [`${LIVE}m2 unreachable i-0222222222222222\\n${SELF}`]), aws });
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => /^docker node (demote|rm)|^sleep/.test(call))).toEqual([]);
    expect(calls.filter((call) => call.startsWith('stdin'))).toEqual(['stdin 10.0.3.11:2377 10.0.1.10:2377']);
    expect(stderr).toMatch(message);
  });
  }
});

describe('drain helper', () => {
  itRunning('bash')('ends the leaving worker\'s instance only after its tasks stopped there and every service runs its tasks elsewhere', () => {
    // GIVEN the drain helper, a node whose task stops on the second look, and a service whose new task runs on the fourth
    const script = /cat > \/usr\/local\/sbin\/docker-swarm-drain <<'END_OF_DRAIN'\n([\s\S]*?)\nEND_OF_DRAIN/.exec(userData('manager'))![1];
    // WHEN
    const { status, calls } = runScript(script, {
      docker: [
        'looks() { grep -c "^docker $1" "$LOG"; }',
        'case "$*" in',
        '  "node inspect self"*) echo true ;;',
        '  "node ls --quiet") printf "n1\\nn2\\n" ;;',
        '  "node inspect"*) printf "n1 i-0aaa\\nn2 i-0bbb\\n" ;;',
        '  "node ps"*) if [ "$(looks "node ps")" -lt 2 ]; then echo "Running 3 minutes ago"; else echo "Shutdown 1 second ago"; fi ;;',
        '  "service ls"*) if [ "$(looks "service ls")" -lt 3 ]; then printf "2/2 (max 1 per node)\\n0/1\\n"; else printf "2/2 (max 1 per node)\\n1/1\\n"; fi ;;',
        'esac',
      ].join('\n'),
    }, ['i-0bbb', 'workers', 'Drain']);
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => !/^docker node (inspect|ls)/.test(call))).toEqual([
      'docker node update --availability drain n2',
      'docker node ps n2 --format {{.CurrentState}}',
      'sleep 5',
      'docker node ps n2 --format {{.CurrentState}}',
      'docker service ls --format {{.Replicas}}',
      'sleep 5',
      'docker node ps n2 --format {{.CurrentState}}',
      'docker service ls --format {{.Replicas}}',
      'sleep 5',
      'docker node ps n2 --format {{.CurrentState}}',
      'docker service ls --format {{.Replicas}}',
      'docker node rm --force n2',
      'aws autoscaling complete-lifecycle-action --region eu-west-1 --auto-scaling-group-name workers --lifecycle-hook-name Drain --instance-id i-0bbb --lifecycle-action-result CONTINUE',
    ]);
  });

  itRunning('python3')('writes a deploy-time value to the env-file byte for byte, and refuses one with a line break naming the service and the variable, writing nothing', () => {
    // GIVEN a service whose variable takes a parameter
    const scope = new Stack(new App(), 'Web');
    new DockerSwarm(scope, 'Swarm', {
      vpc: new VpcDependency(scope, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      managers: 1,
      services: [{ ...ALPHA, environment: { DB_NAME: new CfnParameter(scope, 'DbName').valueAsString, MODE: 'test' } }],
    });
    const web = Template.fromStack(scope);
    const hostile = `a"b'c $HOME \`id\` #x =y \\z \u00ff`;
    // WHEN the parameter holds quotes, $, a backtick, # and =, or a line break, a carriage return or NUL
    const fine = writeEnvFiles(web, { ...SAMPLES, DbName: hostile });
    const refused = ['db\nLD_PRELOAD=/tmp/x.so', 'db\rLD_PRELOAD=/tmp/x.so', 'db\u0000'].map((value) => writeEnvFiles(web, { ...SAMPLES, DbName: value }));
    // THEN
    expect(fine).toEqual({ status: 0, stderr: '', files: { 'alpha.env': `DB_NAME=${hostile}\nMODE=test\n` } });
    for (const result of refused) {
      expect(result).toEqual({
        status: 1,
        stderr:
          'docker-swarm-env: service alpha: environment variable DB_NAME holds a line break or NUL, which would add variables to its env-file; give it a value of one line (check the parameter, import or lookup it comes from)\n',
        files: {},
      });
    }
  });

  it('has each manager write the env-files before it deploys, at boot and after each stack update, so a refused value stops the deploy', () => {
    // GIVEN a service with variables
    const scope = new Stack(new App(), 'Web');
    new DockerSwarm(scope, 'Swarm', {
      vpc: new VpcDependency(scope, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      managers: 1,
      services: [{ ...ALPHA, environment: { MODE: 'test' } }],
    });
    const web = Template.fromStack(scope);
    // THEN
    const script = userData('manager', web);
    expect(script).toContain('\n/usr/local/sbin/docker-swarm-env /etc/docker-swarm/env.json /etc/docker-swarm/env\n/usr/local/sbin/docker-swarm-deploy\n');
    const files = managerInitFiles(web);
    expect(renderIntrinsic(files['/etc/cfn/hooks.d/docker-swarm.conf'].content, SAMPLES)).toContain(
      '/opt/aws/bin/cfn-init -v --stack cache-prod --resource ' + managerLogicalId(web) + ' --region eu-west-1 && /usr/local/sbin/docker-swarm-env /etc/docker-swarm/env.json /etc/docker-swarm/env && /usr/local/sbin/docker-swarm-deploy\n',
    );
    expect(files['/usr/local/sbin/docker-swarm-env']).toEqual({ content: SWARM_ENV_SOURCE, mode: '000700', owner: 'root', group: 'root' });
    expect(files['/usr/local/lib/docker-nodes/env_file.py']).toEqual({ content: ENV_FILE_SOURCE, mode: '000600', owner: 'root', group: 'root' });
    expect(files['/etc/docker-swarm/env.json']).toMatchObject({ content: { alpha: { environment: { MODE: 'test' } } }, mode: '000600' });
    expect(Object.keys(files).filter((file) => file.startsWith('/etc/docker-swarm/env/'))).toEqual([]);
  });

  it('ships no env-file writer when no service has variables', () => {
    // GIVEN the swarm above, whose service has none
    // THEN
    expect(userData('manager')).not.toContain('docker-swarm-env');
    expect(Object.keys(managerInitFiles(template)).filter((file) => file.includes('env'))).toEqual([]);
  });

  itRunning('bash')('gives up waiting when the lifecycle hook times out, the drainTimeout, and lets the instance end', () => {
    // GIVEN a drain timeout of 2 minutes and a task that never stops
    const { stack: short } = swarmStack({ drainTimeout: Duration.minutes(2), services: [ALPHA] });
    Template.fromStack(short).hasResourceProperties('AWS::AutoScaling::LifecycleHook', { HeartbeatTimeout: 120 });
    const script = /cat > \/usr\/local\/sbin\/docker-swarm-drain <<'END_OF_DRAIN'\n([\s\S]*?)\nEND_OF_DRAIN/.exec(userData('manager', Template.fromStack(short)))![1];
    // WHEN
    const { status, calls } = runScript(script, {
      docker: 'case "$*" in "node inspect self"*) echo true ;; "node ls --quiet") echo n1 ;; "node inspect"*) echo n1 i-0aaa ;; "node ps"*) echo "Running 3 minutes ago" ;; esac',
    }, ['i-0aaa', 'workers', 'Drain']);
    // THEN it waited 24 times 5 s
    expect(status).toBe(0);
    expect(calls.filter((call) => call === 'sleep 5')).toHaveLength(24);
    expect(calls.slice(-2)).toEqual([
      'docker node rm --force n1',
      'aws autoscaling complete-lifecycle-action --region eu-west-1 --auto-scaling-group-name workers --lifecycle-hook-name Drain --instance-id i-0aaa --lifecycle-action-result CONTINUE',
    ]);
  });
});

it('passes cdk-nag AwsSolutions without unexplained findings, also in a stack with its own account and region', () => {
  const pinned = new Stack(new App(), 'Pinned', { env: { account: '123456789012', region: 'eu-west-1' } });
  new DockerSwarm(pinned, 'Swarm', { vpc: new VpcDependency(pinned, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }), services: [ALPHA] });
  expect([stack, pinned].flatMap((scope) => new AwsSolutionsChecks().validateScope(scope).violations)).toEqual([]);
});

describe('prop errors', () => {
  it.each<[string, Omit<DockerSwarmProps, 'vpc'>, string, string]>([
    ['the managers', { managers: 2, services: [ALPHA] }, 'managers', 'must be 1 or 3 (an odd number keeps a quorum; 3 survives the loss of one), got 2'],
    ['a service as a container', { services: [{ ...ALPHA, ports: [] }, { ...ALPHA, name: 'my beta' }] }, 'services[1].name', 'must be a letter or digit, then letters, digits, "_", "." or "-", got "my beta"'],
    ['a port published twice', { services: [ALPHA, { ...ALPHA, name: 'beta' }] }, 'services[1].ports[0].hostPort', '11211/tcp is already published by service alpha'],
    ['a service as a service', { services: [{ ...ALPHA, ports: [] }, { ...ALPHA, name: 'beta', replicas: -1 }] }, 'services[1].replicas', 'must be a whole number from 0, got -1'],
    ['a secret', { services: [{ ...ALPHA, secrets: [{ name: 'db', parameterName: 'not a name' }] }] }, 'services[0].secrets[0].parameterName', 'must be an SSM parameter name such as /myapp/db-password, got "not a name"'],
    ['the stack name', { stackName: 'App', services: [ALPHA] }, 'stackName', 'must be lower-case letters, digits, "_" and "-", starting with a letter or digit, got "App"'],
    ['the workers', { workers: { minCapacity: 3, desiredCapacity: 2 }, services: [ALPHA] }, 'workers.desiredCapacity', 'must be whole numbers with 0 <= minCapacity <= desiredCapacity <= maxCapacity, got 3, 2, 2'],
    ['a fractional minimum', { workers: { minCapacity: 0.5 }, services: [ALPHA] }, 'workers.minCapacity', 'must be whole numbers with 0 <= minCapacity <= desiredCapacity <= maxCapacity, got 0.5, 2, 2'],
    ['a label', { workers: { labels: { 'instance-id': 'x' } }, services: [ALPHA] }, 'workers.labels', 'instance-id=x: keys and values must be letters, digits, ".", "_" and "-" (and instance-id is the swarm\'s own)'],
    ['the nodes', { volumeSize: 4, services: [ALPHA] }, 'volumeSize', 'must be a whole number of GiB from 8 to 16384, got 4'],
  ])('names the swarm, the prop and what is allowed for %s', (_case, props, prop, problem) => {
    // WHEN
    const error = thrownBy(PropError, () => swarmStack(props));
    // THEN
    expect(error.message).toBe(`DockerSwarm Cluster/Swarm: ${prop}: ${problem}`);
    expect(error).toMatchObject({ name: 'PropError', owner: 'DockerSwarm Cluster/Swarm', prop });
  });
});

describe('service images', () => {
  it('refuses an image that is not a Docker image reference, naming the service', () => {
    expect(() => swarmStack({ services: [{ ...ALPHA, image: '--privileged' }] })).toThrow(
      'DockerSwarm Cluster/Swarm: services[0].image: service "alpha": image "--privileged" is not a Docker image reference (registry/name:tag or name@sha256:digest)',
    );
  });

  it('accepts a registry, a tag and a digest', () => {
    const image = `registry.example.com:5000/team/memcached:1.6@sha256:${'0123456789abcdef'.repeat(4)}`;
    expect((swarmStack({ services: [{ ...ALPHA, image }] }).swarm.compose.services as Record<string, any>).alpha.image).toBe(image);
  });
});

describe('service environment', () => {
  it('refuses a NUL in a value known at synth time, naming the service and the variable', () => {
    expect(() => swarmStack({ services: [{ ...ALPHA, environment: { GREETING: 'a\0b' } }] })).toThrow(
      'DockerSwarm Cluster/Swarm: services[0].environment.GREETING: must not contain a NUL character, which an env-file cannot hold',
    );
  });
});

describe('compose interpolation', () => {
  it('writes every $ as $$, so docker stack deploy leaves it to the task', () => {
    // GIVEN
    const { swarm } = swarmStack({ services: [{ ...ALPHA, command: ['sh', '-c', 'echo $HOME ${X:?}'] }] });
    // THEN
    expect((swarm.compose.services as Record<string, any>).alpha.command).toEqual(['sh', '-c', 'echo $$HOME $${X:?}']);
  });

  it('gives back every string exactly once compose has interpolated the file, also deploy-time values', () => {
    // GIVEN a service whose command, health check and constraint hold $, one of them known only at deploy time
    const scope = new Stack(new App(), 'Cluster');
    const greeting = new CfnParameter(scope, 'Greeting').valueAsString;
    const command = ['sh', '-c', 'echo $HOME ${X:?} $$ $', greeting, `prefix-${greeting}-$suffix`];
    const healthCheck = ['sh', '-c', 'test "$(cat /tmp/ready)" = "${READY:-yes}"'];
    new DockerSwarm(scope, 'Swarm', {
      vpc: new VpcDependency(scope, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      services: [{ ...ALPHA, command, healthCheck: { command: healthCheck }, constraints: ['engine.labels.zone == $zone'] }],
    });
    const value = 'pa$word ${HOME} $$ $';
    // WHEN the manager's file, with the parameter's value, is read and interpolated as docker stack deploy does
    const file = JSON.stringify(resolveAll(managerInitFiles(Template.fromStack(scope))['/etc/docker-swarm/stack.yml'].content, { Greeting: value }));
    const read = interpolateCompose(JSON.parse(file), { HOME: '/root' });
    // THEN
    const alpha = read.services.alpha;
    expect(alpha.command).toEqual(['sh', '-c', 'echo $HOME ${X:?} $$ $', value, `prefix-${value}-$suffix`]);
    expect(alpha.healthcheck.test).toEqual(['CMD', ...healthCheck]);
    expect(alpha.deploy.placement.constraints).toEqual(['engine.labels.zone == $zone']);
    expect(alpha.image).toBe('memcached:1.6-alpine');
  });
});

/**
 * A compose file's values interpolated as `docker stack deploy` does: `$$`
 * is one `$`; `$NAME` and `${NAME}` are the variable, or nothing when unset;
 * `${NAME:-default}`, `${NAME-default}`, `${NAME:?why}` and `${NAME?why}`
 * as in the shell; any other `$` is an invalid template. Keys stay as they are.
 */
function interpolateCompose(value: any, environment: Readonly<Record<string, string>>): any {
  if (typeof value === 'string') {
    return value.replace(/\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)(?:(:?)([-?])([^}]*))?\}|)/gi, (_match, escaped, named, braced, colon, operator, argument) => {
      if (escaped !== undefined) return '$';
      const name: string | undefined = named ?? braced;
      if (name === undefined) throw new Error(`invalid template: "${value}"`);
      const set = Object.hasOwn(environment, name) && (colon !== ':' || environment[name] !== '');
      if (!set && operator === '?') throw new Error(`required variable ${name} is missing a value: ${argument}`);
      if (!set && operator === '-') return argument;
      return set ? environment[name] : '';
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolateCompose(item, environment));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateCompose(item, environment)]));
  return value;
}

function swarmStack(props: Omit<DockerSwarmProps, 'vpc'>): { stack: Stack; swarm: DockerSwarm } {
  const scope = new Stack(new App(), 'Cluster');
  const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
  return { stack: scope, swarm: new DockerSwarm(scope, 'Swarm', { vpc: network.toVpc({ subnetCount: 3 }), ...props }) };
}

/**
 * Runs a bash script with `docker`, `aws` and `sleep` as stubs that log
 * each call as one line (`docker node ls --quiet`) and then run their body
 * from `stubs`; returns the exit status, the calls and what it printed on stderr.
 */
function runScript(script: string, stubs: Readonly<Partial<Record<'docker' | 'aws', string>>>, args: readonly string[] = []): { status: number | null; calls: string[]; stderr: string } {
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-script-'));
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  for (const name of ['docker', 'aws', 'sleep'] as const) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$LOG"\n${name === 'sleep' ? '' : (stubs[name] ?? '')}\n`, { mode: 0o755 });
  }
  const log = path.join(work, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(path.join(work, 'script.sh'), `set -euo pipefail\n${script}\n`);
  const result = runHostProgram('bash', [path.join(work, 'script.sh'), ...args], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${HOST_PATH}`, LOG: log, DOCKER_SWARM_DEPLOY_LOCK: path.join(work, 'deploy.lock') },
  });
  return { status: result.status, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean), stderr: result.stderr };
}

/** The deploy helper as the first manager's user data writes it. */
function deployHelper(of: Template): string {
  return renderIntrinsic(managerInitFiles(of)['/usr/local/sbin/docker-swarm-deploy'].content, SAMPLES);
}

function userData(role: 'manager' | 'worker', of: Template = template): string {
  const prefix = role === 'manager' ? 'SwarmManager1LaunchTemplate' : 'SwarmWorkersLaunchTemplate';
  const [launchTemplate] = Object.entries(of.findResources('AWS::EC2::LaunchTemplate')).filter(([id]) => id.startsWith(prefix) && !id.includes('Profile'));
  const encoded = renderIntrinsic(launchTemplate[1].Properties.LaunchTemplateData.UserData, SAMPLES);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** The cfn-init files of the first manager's group. */
function managerInitFiles(of: Template): Record<string, any> {
  return of.toJSON().Resources[managerLogicalId(of)].Metadata['AWS::CloudFormation::Init'].config.files;
}

function waitHandleId(of: Template): string {
  const [handle] = Object.keys(of.findResources('AWS::CloudFormation::WaitConditionHandle'));
  return handle;
}

function managerLogicalId(of: Template): string {
  return Object.keys(of.findResources('AWS::AutoScaling::AutoScalingGroup')).find((id) => id.startsWith('SwarmManager1'))!;
}

/**
 * Runs the env-file writer of the first manager's metadata, as the manager
 * runs it, on the env-files' parts of the metadata with sample deploy-time
 * values; returns its exit status, its errors and the env-files it wrote.
 */
function writeEnvFiles(of: Template, values: Readonly<Record<string, string>>): { status: number | null; stderr: string; files: Record<string, string> } {
  const files = managerInitFiles(of);
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-env-'));
  writeFileSync(path.join(work, 'docker-swarm-env'), files['/usr/local/sbin/docker-swarm-env'].content);
  writeFileSync(path.join(work, 'env_file.py'), files['/usr/local/lib/docker-nodes/env_file.py'].content);
  writeFileSync(path.join(work, 'env.json'), JSON.stringify(resolveAll(files['/etc/docker-swarm/env.json'].content, values)));
  const directory = path.join(work, 'env');
  const result = runHostProgram('python3', [path.join(work, 'docker-swarm-env'), path.join(work, 'env.json'), directory], { encoding: 'utf8', env: { PATH: HOST_PATH } });
  const written = existsSync(directory) ? readdirSync(directory) : [];
  return { status: result.status, stderr: result.stderr, files: Object.fromEntries(written.map((name) => [name, readFileSync(path.join(directory, name), 'utf8')])) };
}

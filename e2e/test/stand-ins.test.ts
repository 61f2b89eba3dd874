import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const AWS = path.join(__dirname, '..', 'swarm', 'stand-ins', 'aws.cjs');
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vault-AbCdEf';
const SECRET = 'ApiToken=it\'s "x" $HOME \\n 東京 ✓\n';

describe('the AWS CLI stand-in', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'aws-stand-in-'));
    writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ [ARN]: SECRET }));
    writeFileSync(path.join(dir, 'calls'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function aws(...args: string[]) {
    return awsWithInput('', ...args);
  }

  function awsWithInput(input: string, ...args: string[]) {
    return spawnSync(process.execPath, [AWS, ...args], {
      input,
      encoding: 'utf8',
      env: { E2E_SECRETS: path.join(dir, 'secrets.json'), E2E_CALL_LOG: path.join(dir, 'calls'), E2E_SSM_DIR: dir, E2E_AUTOSCALING: path.join(dir, 'autoscaling.json') },
    });
  }

  it('answers get-secret-value with the SecretString byte for byte, as text output prints it, and logs the call without the value', () => {
    // WHEN
    const result = aws('secretsmanager', 'get-secret-value', '--region', 'eu-west-1', '--secret-id', ARN, '--query', 'SecretString', '--output', 'text');

    // THEN
    expect([result.status, result.stdout]).toEqual([0, `${SECRET}\n`]);
    const calls = readFileSync(path.join(dir, 'calls'), 'utf8');
    expect(calls).toBe(`${JSON.stringify({ command: 'aws', service: 'secretsmanager', action: 'get-secret-value', options: { region: 'eu-west-1', 'secret-id': ARN, query: 'SecretString', output: 'text' } })}\n`);
    expect(calls).not.toContain('東京');
  });

  it('refuses a secret it does not hold, and a query other than SecretString as text, as the CLI reports errors', () => {
    // WHEN
    const unknown = aws('secretsmanager', 'get-secret-value', '--secret-id', `${ARN}x`, '--query', 'SecretString', '--output', 'text');
    const json = aws('secretsmanager', 'get-secret-value', '--secret-id', ARN);

    // THEN
    expect([unknown.status, unknown.stdout, unknown.stderr]).toEqual([
      254,
      '',
      "An error occurred (ResourceNotFoundException) when calling the get-secret-value operation: Secrets Manager can't find the specified secret.\n",
    ]);
    expect([json.status, json.stdout]).toEqual([254, '']);
  });

  it('records put-metric-data with its metric data read from file:///dev/stdin, and refuses what CloudWatch and the CLI refuse, as they report it', () => {
    // GIVEN
    const datum = { MetricName: 'ContainerRunning', Dimensions: [{ Name: 'Container', Value: 'web' }], Value: 1, Unit: 'Count' };
    const put = (data: string, namespace = 'DockerNodes') => awsWithInput(data, 'cloudwatch', 'put-metric-data', '--region', 'eu-west-1', '--namespace', namespace, '--metric-data', 'file:///dev/stdin');
    // WHEN
    const sent = put(JSON.stringify([datum]));
    const unit = put(JSON.stringify([{ ...datum, Unit: 'Tasks' }]));
    const text = put(JSON.stringify([{ ...datum, Value: '1' }]));
    const many = put(JSON.stringify(Array.from({ length: 1001 }, () => datum)));
    const reserved = put(JSON.stringify([datum]), 'AWS/EC2');
    const notJson = put('ContainerRunning=1');
    // THEN
    expect([sent.status, sent.stderr]).toEqual([0, '']);
    const calls = readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(calls[0]).toEqual({
      command: 'aws',
      service: 'cloudwatch',
      action: 'put-metric-data',
      options: { region: 'eu-west-1', namespace: 'DockerNodes', 'metric-data': 'file:///dev/stdin' },
      metricData: [datum],
    });
    const refused = (message: string) => [254, `An error occurred (InvalidParameterValue) when calling the PutMetricData operation: ${message}\n`];
    expect([unit.status, unit.stderr]).toEqual(refused('The value Tasks for parameter MetricData.member.1.Unit is not valid.'));
    expect([text.status, text.stderr]).toEqual(refused('The parameter MetricData.member.1.Value must be a number.'));
    expect([many.status, many.stderr]).toEqual(refused('The collection MetricData must contain from 1 to 1000 items.'));
    expect([reserved.status, reserved.stderr]).toEqual(refused('The value AWS/EC2 for parameter Namespace is not valid.'));
    expect(notJson.status).toBe(252);
    expect(notJson.stderr).toMatch(/^\nError parsing parameter '--metric-data': Invalid JSON: /);
  });

  it('stores a parameter value given as file:///dev/stdin as the AWS CLI reads it, and logs the call without the value', () => {
    // WHEN
    const put = awsWithInput('SWMTKN-1-abc', 'ssm', 'put-parameter', '--name', '/docker-swarm/s/Swarm/worker-token', '--type', 'SecureString', '--overwrite', '--value', 'file:///dev/stdin');
    const get = aws('ssm', 'get-parameter', '--name', '/docker-swarm/s/Swarm/worker-token', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text');

    // THEN
    expect([put.status, get.status, get.stdout]).toEqual([0, 0, 'SWMTKN-1-abc\n']);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8')).not.toContain('SWMTKN');
  });

  describe('describe-auto-scaling-instances', () => {
    const QUERY = ['--query', 'AutoScalingInstances[].[InstanceId,LifecycleState]', '--output', 'text'];
    beforeEach(() => writeFileSync(path.join(dir, 'autoscaling.json'), JSON.stringify({ 'i-0e2e0000000000000': 'InService', 'i-0e2e0000000000001': 'Terminating' })));

    it('answers the instances Auto Scaling has, with their lifecycle states as text output prints them, and leaves out the ones it does not have', () => {
      // WHEN
      const result = aws('autoscaling', 'describe-auto-scaling-instances', '--region', 'eu-west-1', '--instance-ids', 'i-0e2e0000000000000', 'i-0e2e0000000000001', 'i-0e2e0000000000009', ...QUERY);
      // THEN
      expect([result.status, result.stdout, result.stderr]).toEqual([0, 'i-0e2e0000000000000\tInService\ni-0e2e0000000000001\tTerminating\n', '']);
    });

    it('refuses what AWS refuses: no id after --instance-ids, more than 50 ids, an id longer than 19 characters, and any other query', () => {
      // WHEN
      const none = aws('autoscaling', 'describe-auto-scaling-instances', '--instance-ids', ...QUERY);
      const many = aws('autoscaling', 'describe-auto-scaling-instances', '--instance-ids', ...Array.from({ length: 51 }, (_, i) => `i-0e2e${String(i).padStart(13, '0')}`), ...QUERY);
      const long = aws('autoscaling', 'describe-auto-scaling-instances', '--instance-ids', 'i-0e2e00000000000000', ...QUERY);
      const json = aws('autoscaling', 'describe-auto-scaling-instances', '--instance-ids', 'i-0e2e0000000000000');
      // THEN
      expect([none.status, none.stderr]).toEqual([252, '\naws: error: argument --instance-ids: expected at least one argument\n']);
      expect([many.status, many.stderr]).toEqual([254, 'An error occurred (ValidationError) when calling the describe-auto-scaling-instances operation: The number of instance ids that may be passed in is 50.\n']);
      expect([long.status, long.stderr]).toEqual([
        254,
        "An error occurred (ValidationError) when calling the describe-auto-scaling-instances operation: 1 validation error detected: Value 'i-0e2e00000000000000' at 'instanceIds.1.member' failed to satisfy constraint: Member must have length less than or equal to 19\n",
      ]);
      expect([json.status, json.stdout]).toEqual([254, '']);
    });
  });
});

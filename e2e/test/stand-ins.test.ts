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
      env: { E2E_SECRETS: path.join(dir, 'secrets.json'), E2E_CALL_LOG: path.join(dir, 'calls'), E2E_SSM_DIR: dir },
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

  it('stores a parameter value given as file:///dev/stdin as the AWS CLI reads it, and logs the call without the value', () => {
    // WHEN
    const put = awsWithInput('SWMTKN-1-abc', 'ssm', 'put-parameter', '--name', '/docker-swarm/s/Swarm/worker-token', '--type', 'SecureString', '--overwrite', '--value', 'file:///dev/stdin');
    const get = aws('ssm', 'get-parameter', '--name', '/docker-swarm/s/Swarm/worker-token', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text');

    // THEN
    expect([put.status, get.status, get.stdout]).toEqual([0, 0, 'SWMTKN-1-abc\n']);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8')).not.toContain('SWMTKN');
  });
});

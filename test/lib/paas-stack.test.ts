import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { readConfig } from '../../lib/config';
import { renderUserData, runWithStubs } from './user-data';

/** The context of the project's cdk.json, as `cdk synth` passes it. */
const CONTEXT = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

const SAMPLES = {
  'AWS::StackName': 'Paas-dev',
  'AWS::Region': 'eu-west-1',
  PrimaryEndpointAddress: 'master.counter-redis.abc123.euw1.cache.amazonaws.com',
  PrimaryEndpointPort: '6379',
  Environment: 'DatabaseHost=counter.cluster-abc123.eu-west-1.rds.amazonaws.com\nDatabasePort=5432',
};

let template: Template;
let script: string;

beforeAll(() => {
  const app = buildApp(new App({ context: CONTEXT }));
  template = Template.fromStack(app.node.findChild('Paas-dev') as never);
  script = renderUserData(template.toJSON(), SAMPLES);
});

describe('apps on a wildcard domain, from cdk.json', () => {
  it('looks up the zone, the wildcard certificate, the Redis and the Postgres stack it names', () => {
    template.hasResourceProperties('Custom::Route53Dependency', { DomainName: 'dev.example.com', PrivateZone: 'false' });
    template.hasResourceProperties('Custom::CertificateDependency', { DomainName: '*.apps.dev.example.com' });
    template.hasResourceProperties('Custom::ElasticacheDependency', { CacheId: 'counter-redis' });
    template.hasResourceProperties('Custom::StackDependency', { StackName: 'counter-postgres' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: '*.apps.dev.example.com.', Type: 'A' });
  });

  it('routes each app of cdk.json by its name to its container and port', () => {
    // GIVEN
    const config = readFile(script, '/etc/docker-host/files/router/etc/nginx/conf.d/apps.conf');
    // THEN
    expect([...config.matchAll(/server_name (\S+);\n\s+location \/ \{\n\s+set \$app_upstream (\S+);\n\s+proxy_pass http:\/\/\$app_upstream:(\d+);/g)].map((m) => m.slice(1))).toEqual([
      ['redis-counter.apps.dev.example.com', 'redis-counter', '8000'],
      ['postgres-counter.apps.dev.example.com', 'postgres-counter', '8000'],
      ['www.apps.dev.example.com', 'www', '80'],
    ]);
  });

  it('mounts no Docker socket and no host folder into any container, and publishes only the router\'s ports', () => {
    // GIVEN
    const runs = dockerRuns(script);
    // THEN
    expect(script).not.toMatch(/docker\.sock/);
    expect(runs.map((run) => run.name)).toEqual(['redis-counter', 'postgres-counter', 'www', 'router']);
    for (const run of runs) {
      expect(run.volumes).toEqual(run.name === 'router' ? ['"$env_dir/files/router/etc/nginx/conf.d:/etc/nginx/conf.d:ro"'] : []);
      expect(run.publish).toEqual(run.name === 'router' ? ['8443:8443/tcp', '8080:8080/tcp'] : []);
      expect(run.network).toBe('apps');
    }
  });

  it('gives each counter its datastore\'s address in its env-file', () => {
    expect(readFile(script, '"$env_dir/redis-counter.env"', true)).toBe(
      'REDIS_HOST=master.counter-redis.abc123.euw1.cache.amazonaws.com\nREDIS_PORT=6379\n',
    );
    expect(readFile(script, '"$env_dir/postgres-counter.env"', true)).toBe(`${SAMPLES.Environment}\n`);
  });

  it('opens the host to the load balancer only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Docker host'),
      SecurityGroupIngress: [8443, 8080].map((port) => Match.objectLike({ FromPort: port, SourceSecurityGroupId: Match.anyValue() })),
    });
  });

  it('creates the apps\' network before the containers and runs to the end', () => {
    // WHEN
    const run = runWithStubs(script);
    // THEN
    expect(run.status).toBe(0);
    const docker = run.calls.filter((call) => call[0] === 'docker').map((call) => call.slice(1, 3).join(' '));
    expect(docker.indexOf('network create')).toBeLessThan(docker.indexOf('run --detach'));
  });

  it('names the missing setting when an app counts in Redis but no cache is named', () => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    delete context.environments.dev.paas.redisCacheId;
    // THEN
    expect(() => readConfig(new App({ context }).node)).toThrow(
      'context environments.dev.paas.apps[0].datastore is redis, but environments.dev.paas.redisCacheId is missing; name the cache the app counts in',
    );
  });

  it('refuses two apps with one name', () => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    context.environments.dev.paas.apps[2].hostName = 'redis-counter';
    // THEN
    expect(() => readConfig(new App({ context }).node)).toThrow('context environments.dev.paas.apps: two apps have the hostName redis-counter');
  });
});

interface Run {
  readonly name: string;
  readonly publish: string[];
  readonly volumes: string[];
  readonly network?: string;
}

/** The `docker run` commands of the script, continuation lines joined. */
function dockerRuns(text: string): Run[] {
  return text
    .replace(/ \\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith('docker run '))
    .map((line) => ({
      name: /--name (\S+)/.exec(line)?.[1] ?? '',
      publish: [...line.matchAll(/--publish (\S+)/g)].map((m) => m[1]),
      volumes: [...line.matchAll(/--volume (\S+)/g)].map((m) => m[1]),
      network: /--network (\S+)/.exec(line)?.[1],
    }));
}

/** What the script writes to `file` with `base64 --decode`. */
function readFile(text: string, file: string, quoted = false): string {
  const target = quoted ? file : `"${file.replace('/etc/docker-host', '$env_dir')}"`;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`base64 --decode > ${target} <<< `));
  if (!line) throw new Error(`the script writes no ${file}`);
  return Buffer.from(line.split(' <<< ')[1], 'base64').toString('utf8');
}

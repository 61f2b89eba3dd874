import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { readConfig } from '../../app/config';
import { itRunning } from '../helpers/host-tools';
import { renderHostFile, runApply, type ApplyRun } from './user-data';

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
let hostFile: Record<string, any>;

beforeAll(() => {
  const app = buildApp(new App({ context: CONTEXT }));
  template = Template.fromStack(app.node.findChild('Paas-dev') as never);
  const logGroups = Object.keys(template.findResources('AWS::Logs::LogGroup')).map((id) => [id, 'paas-logs']);
  hostFile = renderHostFile(template.toJSON(), { ...SAMPLES, ...Object.fromEntries(logGroups) });
});

describe('apps on a wildcard domain, from cdk.json', () => {
  it('looks up the zone, the wildcard certificate, the Redis and the Postgres stack it names', () => {
    template.hasResourceProperties('Custom::Route53Dependency', { DomainName: 'dev.example.com', PrivateZone: 'false' });
    template.hasResourceProperties('Custom::CertificateDependency', { DomainName: '*.apps.dev.example.com' });
    template.hasResourceProperties('Custom::ElasticacheDependency', { CacheId: 'counter-redis' });
    template.hasResourceProperties('Custom::StackDependency', { StackName: 'counter-postgres' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: '*.apps.dev.example.com.', Type: 'A' });
  });

  it('opens the host to the load balancer only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Docker host'),
      SecurityGroupIngress: [8443, 8080].map((port) => Match.objectLike({ FromPort: port, SourceSecurityGroupId: Match.anyValue() })),
    });
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

  describe('on the host, after the apply program ran', () => {
    const itOnHost = itRunning('python3');
    const envDir = path.join(mkdtempSync(path.join(tmpdir(), 'paas-')), 'env');
    let run: ApplyRun | undefined;
    /** The apply program's run on the host file, once for these tests. */
    const applied = (): ApplyRun =>
      (run ??= runApply({ ...hostFile, envFileDirectory: envDir, startupGracePeriodSeconds: 0 }, mkdtempSync(path.join(tmpdir(), 'paas-docker-'))));

    itOnHost('routes each app of cdk.json by its name to its container and port', () => {
      // GIVEN
      applied();
      const config = readFileSync(path.join(envDir, 'files/router/etc/nginx/conf.d/apps.conf'), 'utf8');
      // THEN
      expect([...config.matchAll(/server_name (\S+);\n\s+location \/ \{\n\s+set \$app_upstream (\S+);\n\s+proxy_pass http:\/\/\$app_upstream:(\d+);/g)].map((m) => m.slice(1))).toEqual([
        ['redis-counter.apps.dev.example.com', 'redis-counter', '8000'],
        ['postgres-counter.apps.dev.example.com', 'postgres-counter', '8000'],
        ['www.apps.dev.example.com', 'www', '80'],
      ]);
    });

    itOnHost('mounts no Docker socket and no host folder into any container, and publishes only the router\'s ports', () => {
      // GIVEN
      const runs = dockerRuns(applied().calls);
      // THEN
      expect(JSON.stringify(hostFile)).not.toMatch(/docker\.sock/);
      expect(runs.map((run) => run.name)).toEqual(['redis-counter', 'postgres-counter', 'www', 'router']);
      for (const run of runs) {
        expect(run.volumes).toEqual(run.name === 'router' ? [`${envDir}/files/router/etc/nginx/conf.d:/etc/nginx/conf.d:ro`] : []);
        expect(run.publish).toEqual(run.name === 'router' ? ['8443:8443/tcp', '8080:8080/tcp'] : []);
        expect(run.network).toBe('apps');
      }
    });

    itOnHost('gives each counter its datastore\'s address in its env-file', () => {
      // GIVEN
      applied();
      // THEN
      expect(readFileSync(path.join(envDir, 'redis-counter.env'), 'utf8')).toBe(
        'REDIS_HOST=master.counter-redis.abc123.euw1.cache.amazonaws.com\nREDIS_PORT=6379\n',
      );
      expect(readFileSync(path.join(envDir, 'postgres-counter.env'), 'utf8')).toBe(`${SAMPLES.Environment}\n`);
    });

    itOnHost('creates the apps\' network before the containers and runs to the end', () => {
      // WHEN the apply program ran
      // THEN
      expect(applied().status).toBe(0);
      const docker = applied().calls.filter((call) => call[0] === 'docker').map((call) => call.slice(1, 3).join(' '));
      expect(docker.indexOf('network create')).toBeLessThan(docker.indexOf('run --detach'));
    });
  });
});

interface Run {
  readonly name: string;
  readonly publish: string[];
  readonly volumes: string[];
  readonly network?: string;
}

/** The `docker run` calls of the apply program. */
function dockerRuns(calls: readonly string[][]): Run[] {
  return calls
    .filter((call) => call[0] === 'docker' && call[1] === 'run')
    .map((call) => {
      const values = (option: string) => call.flatMap((arg, i) => (call[i - 1] === option ? [arg] : []));
      return { name: values('--name')[0], publish: values('--publish'), volumes: values('--volume'), network: values('--network')[0] };
    });
}

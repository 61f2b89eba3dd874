import { App, Stack } from 'aws-cdk-lib';
import { RestartPolicy } from '../../lib/containers';
import { VpcDependency } from '../../lib/dependencies';
import { PropError } from '../../lib/errors';
import { AppRouter } from '../../lib/router';
import { DockerSwarm, type SwarmServiceDefinition } from '../../lib/swarm';
import { thrownBy } from '../helpers/thrown';

/** What a swarm service's props give its tasks in the compose file, and which the swarm refuses. */

const APP: SwarmServiceDefinition = { name: 'app', image: 'memcached:1.6-alpine' };

describe('swarm service props', () => {
  it('restarts the tasks of an on-failure service only when they fail, and those of any other whenever they stop', () => {
    const { swarm } = swarmStack([{ ...APP, restart: RestartPolicy.ON_FAILURE }, { ...APP, name: 'web', restart: RestartPolicy.UNLESS_STOPPED }]);
    expect(deploy(swarm, 'app').restart_policy).toEqual({ condition: 'on-failure' });
    expect(deploy(swarm, 'web').restart_policy).toEqual({ condition: 'any' });
  });

  it('replaces every task at once with an update parallelism of 0, and rolls back the same way', () => {
    const { swarm } = swarmStack([{ ...APP, updatePolicy: { parallelism: 0 } }]);
    expect(deploy(swarm, 'app').update_config).toMatchObject({ parallelism: 0 });
    expect(deploy(swarm, 'app').rollback_config).toEqual({ parallelism: 0, order: 'start-first' });
  });

  it.each<[string, Partial<SwarmServiceDefinition>, string, string]>([
    ['a negative parallelism', { updatePolicy: { parallelism: -1 } }, 'updatePolicy.parallelism', 'must be a whole number from 0 (all at once), got -1'],
    ['a fractional parallelism', { updatePolicy: { parallelism: 1.5 } }, 'updatePolicy.parallelism', 'must be a whole number from 0 (all at once), got 1.5'],
    ['a constraint without an operator', { constraints: ['node.role worker'] }, 'constraints', 'must be like "node.role == worker" or "engine.labels.public != yes", got "node.role worker"'],
    ['a secret name with a space', { secrets: [{ name: 'db password', parameterName: '/app/db' }] }, 'secrets[0].name', 'must be letters, digits, "_", "." or "-", got "db password"'],
  ])('refuses %s, naming the service\'s prop', (_case, change, prop, problem) => {
    const error = thrownBy(PropError, () => swarmStack([{ ...APP, ...change }]));
    expect(error.message).toBe(`DockerSwarm Cluster/Swarm: services[0].${prop}: ${problem}`);
  });
});

describe('the router\'s apps', () => {
  const ROUTED: SwarmServiceDefinition[] = [
    { ...APP, name: 'counter', network: 'apps', route: { hostName: 'count', port: 8000 } },
    { ...APP, name: 'cache' },
  ];

  it('routes each container with a route by its name on one host, and only those', () => {
    expect(AppRouter.routesOf(ROUTED)).toEqual([{ hostName: 'count', upstream: 'counter', port: 8000 }]);
  });

  it('routes each service with a route by the name Docker\'s DNS answers with its running tasks in the swarm', () => {
    expect(AppRouter.routesOf(ROUTED, { swarmStackName: 'paas' })).toEqual([{ hostName: 'count', upstream: 'tasks.paas_counter', port: 8000 }]);
  });
});

function swarmStack(services: SwarmServiceDefinition[]): { swarm: DockerSwarm } {
  const scope = new Stack(new App(), 'Cluster');
  const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
  return { swarm: new DockerSwarm(scope, 'Swarm', { vpc: network.toVpc({ subnetCount: 3 }), managers: 1, services }) };
}

function deploy(swarm: DockerSwarm, service: string): Record<string, any> {
  return (swarm.compose.services as Record<string, any>)[service].deploy;
}

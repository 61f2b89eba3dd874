import { Duration, Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ContainerLogging, DockerHost, StackDependency, VpcDependency } from '../lib';
import { NAMES } from './fixture';

/** The stack of Docker hosts for what a team meets on day two: a crashing container, a secret, log options. */
export const DAY_TWO_STACK = 'DockerHostDayTwo-e2e';

/** The container that exits 1 three seconds after it starts, and the last line it logs. */
export const CRASHER = { name: 'crasher', lastLine: 'crasher: cannot open /srv/state: permission denied' } as const;

/**
 * The container that logs with the default `awslogs` driver. Its host is
 * never booted: Docker's driver calls CloudWatch Logs when a container
 * starts, so the run only creates the container from the apply program's
 * own `docker run` arguments and reads `docker inspect`.
 */
export const SHIPPER = { name: 'shipper' } as const;

/** The container that gets the credentials stack's outputs as a secret, and its json-file log options. */
export const VAULT = { name: 'vault', maxSize: '5m', maxFiles: 2, user: '65534:65534' } as const;

/**
 * Adds the day-two stack to an app: a Docker host whose `vault` container
 * reads the outputs of the credentials stack, looked up with `noEcho`, as
 * `secretEnvironmentFile` (so they reach the host only through Secrets
 * Manager), logs to rotated json-file logs, runs as nobody on a read-only
 * root and is healthy only with its secret in its environment; a Docker
 * host whose only container crashes, so that its signal must be FAILURE;
 * and a Docker host whose container logs to the host's log group.
 */
export function addDayTwoStack(app: App, image: string): Stack {
  const stack = new Stack(app, DAY_TWO_STACK);
  const vpc = new VpcDependency(stack, 'Vpc', { vpcName: NAMES.vpcName });
  const credentials = new StackDependency(stack, 'Credentials', { stackName: NAMES.credentialsStack, noEcho: true });
  const common = { ...vpc.placement(), instanceType: new ec2.InstanceType('t3.small') };
  new DockerHost(stack, 'Secrets', {
    ...common,
    startupGracePeriod: Duration.seconds(3),
    containers: [
      {
        name: VAULT.name,
        image,
        command: ['sleep', 'infinity'],
        secretEnvironmentFile: credentials.environment,
        user: VAULT.user,
        readOnlyRootFilesystem: true,
        healthCheck: { command: ['sh', '-c', 'test -n "$ApiToken"'], interval: Duration.seconds(1), retries: 2 },
        logging: ContainerLogging.jsonFile({ maxSize: VAULT.maxSize, maxFiles: VAULT.maxFiles }),
      },
    ],
  });
  new DockerHost(stack, 'Crash', {
    ...common,
    startupGracePeriod: Duration.seconds(10),
    containers: [
      {
        name: CRASHER.name,
        image,
        command: ['sh', '-c', `echo 'crasher: starting'; sleep 3; echo '${CRASHER.lastLine}' >&2; exit 1`],
        logging: ContainerLogging.jsonFile(),
      },
    ],
  });
  new DockerHost(stack, 'Shipper', { ...common, containers: [{ name: SHIPPER.name, image, command: ['sleep', 'infinity'] }] });
  return stack;
}

import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { AppRouter, DockerSwarm, EndpointMode, PublishMode, VpcDependency, type SwarmServiceDefinition } from 'docker-host-dependencies';
import type { EnvironmentConfig, SwarmConfig } from './config';
import { paasOutputs, paasRouter, type PaasStackProps } from './paas-stack';

/** The `docker stack deploy` stack of the apps and the router: services are `paas_<name>`. */
export const PAAS_SWARM_STACK = 'paas';

export interface PaasSwarmStackProps extends PaasStackProps {
  readonly config: EnvironmentConfig & { readonly swarm: SwarmConfig };
}

/**
 * Apps on a wildcard domain on a Docker swarm: each app of `paas.apps` is a
 * service on the workers, on an overlay network and with no published port;
 * the router is a global service on the workers, its nginx configuration
 * written by cfn-init on every node and mounted read-only, published in host
 * mode on the router ports, which only the load balancer may reach. The
 * Network Load Balancer's targets are the workers' Auto Scaling group, so a
 * new worker serves as soon as its router task runs. The router finds each
 * app's running tasks by `tasks.paas_<name>` (no IPVS needed). Adding an app
 * is one entry in `paas.apps`: the stack update deploys its service and
 * reloads nginx on every worker, which keeps open connections.
 */
export class PaasSwarmStack extends Stack {
  public readonly swarm: DockerSwarm;
  public readonly router: AppRouter;

  constructor(scope: Construct, id: string, props: PaasSwarmStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { swarm } = config;
    const nodesVpc = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName }).toVpc({ subnetCount: swarm.managers });
    const { router, apps, routerContainer } = paasRouter(this, props, nodesVpc, { swarmStackName: PAAS_SWARM_STACK });

    this.router = router;
    const onWorkers = ['node.role == worker'];
    const services: SwarmServiceDefinition[] = [
      ...apps.map((app) => ({ ...app, constraints: onWorkers })),
      {
        ...routerContainer,
        globalMode: true,
        constraints: onWorkers,
        publishMode: PublishMode.HOST,
      },
    ];
    this.swarm = new DockerSwarm(this, 'Swarm', {
      vpc: nodesVpc,
      managers: swarm.managers,
      workers: { minCapacity: swarm.minWorkers, desiredCapacity: swarm.desiredWorkers, maxCapacity: swarm.maxWorkers },
      instanceType: new ec2.InstanceType(config.instanceType),
      volumeSize: config.volumeSize,
      stackName: PAAS_SWARM_STACK,
      // Nothing needs a virtual address: the router asks for the tasks, the apps for their datastores outside the swarm.
      endpointMode: EndpointMode.DNSRR,
      publishMode: PublishMode.HOST,
      services,
    });
    router.addAutoScalingGroup(this.swarm.workerGroup, [this.swarm.securityGroup]);
    paasOutputs(this, router, props.paas);
  }
}

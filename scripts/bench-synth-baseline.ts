/**
 * The example app's stacks with no custom resources, for the synth-time
 * benchmark: the VPC, subnet, hosted zone, image and env-file are literals
 * where the example looks them up at deploy time. Not an app to deploy.
 */
import { App, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CustomResourcesStack, DockerHost, RestartPolicy } from 'docker-host-dependencies';
import { readConfig } from '../app/config';
import { memcachedContainer, pascalCase } from '../app/memcached-service-stack';

const app = new App();
const { environment: config, legacyFunctionNames } = readConfig(app.node);
new CustomResourcesStack(app, 'CustomResources', { legacyFunctionNames });

function placement(stack: Stack): { vpc: ec2.IVpc; vpcSubnets: ec2.SubnetSelection } {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0123456789abcdef0'],
    privateSubnetRouteTableIds: ['rtb-0123456789abcdef0'],
  });
  return { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[0]] } };
}

const machineImage = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' });

const service = new Stack(app, `MemcachedService-${config.name}`, { env: { region: 'eu-west-1' } });
const host = new DockerHost(service, 'Host', {
  ...placement(service),
  machineImage,
  instanceType: new ec2.InstanceType(config.instanceType),
  volumeSize: config.volumeSize,
  containers: config.tenants.map((tenant) => memcachedContainer(tenant, config.memcachedImage)),
});
const zone = route53.HostedZone.fromHostedZoneAttributes(service, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: config.hostedZoneName,
});
for (const tenant of config.tenants) {
  const id = pascalCase(tenant.name);
  new route53.ARecord(service, `${id}Record`, {
    zone,
    recordName: tenant.name,
    target: route53.RecordTarget.fromIpAddresses(host.privateIp),
    ttl: Duration.minutes(1),
  });
  new CfnOutput(service, `${id}Endpoint`, { value: `${tenant.name}.${config.hostedZoneName}:${tenant.port}` });
}

if (config.app) {
  const appStack = new Stack(app, `MemcachedApp-${config.name}`, { env: { region: 'eu-west-1' } });
  new DockerHost(appStack, 'Host', {
    ...placement(appStack),
    machineImage,
    instanceType: new ec2.InstanceType(config.instanceType),
    volumeSize: config.volumeSize,
    containers: [
      {
        name: 'app',
        image: config.appImage,
        memoryMiB: config.app.memoryMiB,
        restart: RestartPolicy.ALWAYS,
        environmentFile: config.tenants.map((t) => `${pascalCase(t.name)}Endpoint=${t.name}:${t.port}`).join('\n'),
        environment: config.app.environment,
        ports: [{ hostPort: config.app.port, containerPort: config.app.containerPort, allowFrom: [...config.app.allowFrom] }],
      },
    ],
  });
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();

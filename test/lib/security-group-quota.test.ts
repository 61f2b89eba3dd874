import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig } from '../../app/config';
import { MemcachedServiceStack } from '../../app/memcached-service-stack';
import { MemcachedSwarmStack } from '../../app/memcached-swarm-stack';
import { VpcDependency } from '../../lib/dependencies';
import { PropError } from '../../lib/errors';
import { DockerHost } from '../../lib/host';
import { thrownBy } from '../helpers/thrown';

/** The context of the project's cdk.json, as `cdk synth` passes it. */
const CONTEXT = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

/** A security group's default quota of inbound rules per IP version. */
const QUOTA = 60;

describe('61 memcached tenants, one inbound rule each', () => {
  it('on one host: the rules past the quota go to a second group, which the instance carries too', () => {
    // GIVEN the dev environment with 61 tenants
    const stack = new MemcachedServiceStack(new App(), 'MemcachedService-dev', { config: environment('dev', 61) });
    const template = Template.fromStack(stack);
    // THEN
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const counts = Object.values(groups).map((group) => group.Properties.SecurityGroupIngress.length);
    expect(counts).toEqual([QUOTA, 1]);
    const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(instance.Properties.SecurityGroupIds).toEqual(Object.keys(groups).map((id) => ({ 'Fn::GetAtt': [id, 'GroupId'] })));
  });

  it('on a swarm: the swarm\'s own rules and the tenants\' fill the first group, the rest a second one that every launch template carries', () => {
    // GIVEN the swarm environment with 61 tenants
    const config = environment('swarm', 61);
    const stack = new MemcachedSwarmStack(new App(), 'MemcachedService-swarm', { config: { ...config, swarm: config.swarm! } });
    const template = Template.fromStack(stack);
    // THEN 4 swarm rules (other resources, counted against the quota too) and 56 tenants in the first group, 5 tenants in the second
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const [first, second] = Object.keys(groups);
    const between = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter((rule) => rule.Properties.GroupId['Fn::GetAtt'][0] === first);
    expect(between).toHaveLength(4);
    expect([groups[first].Properties.SecurityGroupIngress.length + between.length, groups[second].Properties.SecurityGroupIngress.length]).toEqual([QUOTA, 5]);
    const launchTemplates = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    expect(launchTemplates.length).toBeGreaterThan(1);
    for (const launchTemplate of launchTemplates) {
      expect(launchTemplate.Properties.LaunchTemplateData.SecurityGroupIds).toEqual([first, second].map((id) => ({ 'Fn::GetAtt': [id, 'GroupId'] })));
    }
  });

  it('keeps one group, as before, for 60 tenants', () => {
    const stack = new MemcachedServiceStack(new App(), 'MemcachedService-dev', { config: environment('dev', 60) });
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'));
    expect(groups.map((group) => group.Properties.SecurityGroupIngress.length)).toEqual([QUOTA]);
  });
});

describe('more rules than the security groups of one network interface hold', () => {
  it('fails at synth naming the quotas and the count', () => {
    // GIVEN 301 tenants: 5 groups of 60 rules hold 300
    const create = () => new MemcachedServiceStack(new App(), 'MemcachedService-dev', { config: environment('dev', 301) });
    // WHEN
    const error = thrownBy(PropError, create);
    // THEN
    expect(error.message).toBe(
      'DockerHost MemcachedService-dev/Host: containers: the published ports need 301 IPv4 and 0 IPv6 inbound rules (one per port and allowed range or security group), ' +
        'more than 5 security groups of 60 rules each hold, the default quotas of a VPC (60 inbound rules per IP version per security group, ' +
        '5 security groups per network interface); allow wider ranges or a security group instead of many ranges, or publish fewer ports',
    );
  });

  it('refuses more egress ranges of one IP version than a group holds, naming the quota', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Hosting');
    const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
    const egressCidrs = Array.from({ length: 61 }, (_, i) => `10.${i}.0.0/16`);
    // WHEN
    const error = thrownBy(PropError, () => new DockerHost(scope, 'Host', { ...network.placement(0), containers: [{ name: 'app', image: 'app:1' }], egressCidrs }));
    // THEN
    expect(error).toMatchObject({ prop: 'egressCidrs' });
    expect(error.message).toBe(
      'DockerHost Hosting/Host: egressCidrs: needs 61 outbound rules of one IP version, more than the 60 a security group holds ' +
        '(the default quota of a VPC: 60 outbound rules per IP version per security group); give wider ranges',
    );
  });
});

/** The cdk.json environment `name` with `count` memcached tenants, each on its own port and open to its own range. */
function environment(name: string, count: number) {
  const tenants = Array.from({ length: count }, (_, i) => ({ name: `t${i}`, port: 11211 + i, memoryMiB: 64, allowFrom: [`10.${Math.floor(i / 250)}.${i % 250}.0/24`] }));
  const context = { ...CONTEXT, env: name, environments: { ...CONTEXT.environments, [name]: { ...CONTEXT.environments[name], tenants, app: undefined } } };
  return readConfig(new App({ context }).node).environment;
}

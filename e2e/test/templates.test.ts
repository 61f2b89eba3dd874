import path from 'node:path';
import { Resolver } from '../../testkit/cloudformation/intrinsics';
import { creationOrder } from '../cloudformation/order';
import { readYamlTemplate } from '../../testkit/cloudformation/yaml';
import { expectedLookup } from '../fixture';

const TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');

describe('readYamlTemplate', () => {
  it("turns the Docker host template's short forms into long forms the resolver reads", () => {
    // WHEN
    const template = readYamlTemplate(path.join(TEMPLATES, 'docker-host.yaml'));

    // THEN
    expect(template.Resources.Host.Properties?.ImageId).toEqual({ 'Fn::GetAtt': ['Image', 'ImageId'] });
    expect(template.Resources.Vpc.Properties?.ServiceToken).toEqual({ 'Fn::ImportValue': 'CustomResources-VpcDependencyServiceToken' });
    expect(template.Resources.Host.Properties?.UserData).toEqual({
      'Fn::Base64': {
        'Fn::Sub': [
          expect.stringContaining('<<< ${EnvFile}'),
          { EnvFile: { 'Fn::Base64': { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Datastores', 'Environment'] }, '\n']] } } },
        ],
      },
    });
  });

  it('orders the lookups of the Docker host template before the host that uses their answers', () => {
    // GIVEN
    const template = readYamlTemplate(path.join(TEMPLATES, 'docker-host.yaml'));

    // WHEN
    const order = creationOrder([{ stackName: 'e2e-docker-host', template }]).map((node) => node.logicalId);

    // THEN
    for (const lookup of ['Vpc', 'Image', 'Datastores', 'SecurityGroup']) expect(order.indexOf(lookup)).toBeLessThan(order.indexOf('Host'));
  });

  it('resolves the conditions of the lookups template from its parameters', () => {
    // GIVEN
    const template = readYamlTemplate(path.join(TEMPLATES, 'lookups.yaml'));
    const stack = { stackName: 'e2e-lookups', template, parameters: { CacheId: 'e2e-sessions' } };
    const resolver = new Resolver([stack], { accountId: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' });

    // WHEN
    const conditions = ['HasCache', 'HasCertificate'].map((name) => resolver.condition(stack, name, 'Conditions'));

    // THEN
    expect(conditions).toEqual([true, false]);
  });
});

describe('expectedLookup', () => {
  it.each([
    ['Custom::VpcDependency', { VpcName: 'e2e-main' }, 'vpc-0e2e0000000000001'],
    ['Custom::VpcDependency', { VpcName: 'default' }, 'vpc-0e2e0000000000003'],
    ['Custom::Route53Dependency', { DomainName: 'internal.e2e.example.com', VpcId: 'vpc-0e2e0000000000001' }, 'Z0E2E00000000000002'],
    ['Custom::ImageDependency', { ImageName: 'al2023-ami-2023.*-kernel-*-x86_64', Owners: 'amazon' }, 'ami-0e2e00000000000a2'],
  ])('knows what %s with %j must find', (type, properties, id) => {
    // WHEN
    const expected = expectedLookup(type, properties);

    // THEN
    expect(expected?.id).toBe(id);
  });

  it('has no answer for a lookup the fixture does not hold', () => {
    // WHEN
    const expected = expectedLookup('Custom::VpcDependency', { VpcName: 'e2e-mian' });

    // THEN
    expect(expected).toBeUndefined();
  });
});

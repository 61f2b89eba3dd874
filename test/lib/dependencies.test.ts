import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  CertificateDependency,
  CertificateKind,
  Dependency,
  DependencyFunction,
  ElasticacheDependency,
  ImageDependency,
  Route53Dependency,
  StackDependency,
  VpcDependency,
} from '../../lib/dependencies';
import { contract as stackContract } from '../../contracts/stack-dependency/contract';
import { contract as vpcContract } from '../../contracts/vpc-dependency/contract';
import { PropError } from '../../lib/errors';
import { thrownBy } from '../helpers/thrown';

/** One stack that uses every lookup, synthesized once for the whole file. */
let app: App;
let stack: Stack;
let template: Template;
let vpc: VpcDependency;
let zone: Route53Dependency;
let image: ImageDependency;
let cache: ElasticacheDependency;
let datastores: StackDependency;
let acmCertificate: CertificateDependency;
let iamCertificate: CertificateDependency;
let host: ec2.Instance;

beforeAll(() => {
  app = new App();
  stack = new Stack(app, 'Lookups');
  vpc = new VpcDependency(stack, 'Vpc', { vpcName: 'main', onlyDefaultSubnets: true });
  new VpcDependency(stack, 'OtherVpc', { vpcName: 'default', refresh: '2024-06-01' });
  zone = new Route53Dependency(stack, 'Zone', { domainName: 'internal.example.com', privateZone: true, vpcId: vpc.vpcId });
  image = new ImageDependency(stack, 'Image', {
    imageName: 'al2023-ami-2023.*-kernel-*-arm64',
    owners: ['amazon', '123456789012'],
    architecture: 'arm64',
  });
  cache = new ElasticacheDependency(stack, 'Cache', { cacheId: 'sessions' });
  datastores = new StackDependency(stack, 'Datastores', {
    stackName: 'datastores-dev',
    excludes: ['AdminPassword'],
    noEcho: true,
  });
  acmCertificate = new CertificateDependency(stack, 'AcmCertificate', { domainName: 'www.example.com', region: 'us-east-1' });
  iamCertificate = new CertificateDependency(stack, 'IamCertificate', { certificateName: '^www-[0-9]+$' });

  const network = vpc.toVpc({ subnetCount: 2 });
  const securityGroup = new ec2.SecurityGroup(stack, 'HostSecurityGroup', { vpc: network, allowAllOutbound: false });
  host = new ec2.Instance(stack, 'Host', {
    vpc: network,
    securityGroup,
    instanceType: new ec2.InstanceType('t4g.nano'),
    machineImage: image.toMachineImage(),
  });
  new route53.ARecord(stack, 'HostRecord', {
    zone: zone.toHostedZone(),
    recordName: 'host',
    target: route53.RecordTarget.fromIpAddresses(host.instancePrivateIp),
  });
  template = Template.fromStack(stack);
});

describe('custom resources', () => {
  it.each([
    ['Custom::VpcDependency', { VpcName: 'main', OnlyDefaultSubnets: 'true' }],
    ['Custom::VpcDependency', { VpcName: 'default', Refresh: '2024-06-01' }],
    ['Custom::Route53Dependency', { DomainName: 'internal.example.com', PrivateZone: 'true', VpcId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'VpcId'] } }],
    [
      'Custom::ImageDependency',
      { ImageName: 'al2023-ami-2023.*-kernel-*-arm64', Owners: 'amazon,123456789012', Architecture: 'arm64' },
    ],
    ['Custom::ElasticacheDependency', { CacheId: 'sessions' }],
    ['Custom::StackDependency', { StackName: 'datastores-dev', Excludes: 'AdminPassword', NoEcho: 'true' }],
    ['Custom::CertificateDependency', { DomainName: 'www.example.com', Region: 'us-east-1' }],
    ['Custom::CertificateDependency', { CertificateName: '^www-[0-9]+$' }],
  ])('%s carries the properties in PascalCase, booleans as strings and lists comma-joined: %j', (type, properties) => {
    // GIVEN the stack above
    // THEN
    template.hasResourceProperties(type, Match.objectEquals({ ServiceToken: Match.anyValue(), ServiceTimeout: '180', ...properties }));
  });

  it('names the function of its own type and stack as ServiceToken', () => {
    // GIVEN the stack above
    // THEN
    template.hasResourceProperties('Custom::ImageDependency', {
      ServiceToken: { 'Fn::GetAtt': [logicalId('ImageDependencyFunction/Function'), 'Arn'] },
    });
  });

  it('leaves out properties that were not given', () => {
    // GIVEN
    const lonely = new Stack(new App(), 'Lonely');
    // WHEN
    new ImageDependency(lonely, 'Image', { imageName: 'my-image-*' });
    // THEN
    Template.fromStack(lonely).hasResourceProperties(
      'Custom::ImageDependency',
      Match.objectEquals({ ServiceToken: Match.anyValue(), ServiceTimeout: '180', ImageName: 'my-image-*' }),
    );
  });
});

describe('functions', () => {
  it('creates one function per type in a stack however many lookups use it', () => {
    // GIVEN the stack above: two VPC lookups and one of each other type
    // THEN
    template.resourceCountIs('Custom::VpcDependency', 2);
    template.resourceCountIs('AWS::Lambda::Function', 6);
  });

  it('runs the bundled handler on Node.js 24 on arm64 with a two minute timeout', () => {
    // GIVEN the stack above
    // THEN
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 120,
      MemorySize: 256,
      Environment: Match.absent(),
    });
  });

  it("logs in Lambda's JSON format, so every line carries the request id, to its own log group that keeps a month of logs", () => {
    // GIVEN the stack above
    // THEN
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId('VpcDependencyFunction/LogGroup') } },
      Role: { 'Fn::GetAtt': [logicalId('VpcDependencyFunction/Role'), 'Arn'] },
    });
  });

  it.each([
    ['Route53Dependency', [['route53:ListHostedZonesByName', '*'], ['route53:GetHostedZone', arn('route53:::hostedzone/*')]]],
    ['VpcDependency', [[['ec2:DescribeSubnets', 'ec2:DescribeVpcs'], '*']]],
    ['ImageDependency', [['ec2:DescribeImages', '*']]],
    [
      'ElasticacheDependency',
      [
        ['elasticache:DescribeCacheClusters', arn('elasticache:', 'REGION', ':', 'ACCOUNT', ':cluster:*')],
        ['elasticache:DescribeReplicationGroups', arn('elasticache:', 'REGION', ':', 'ACCOUNT', ':replicationgroup:*')],
      ],
    ],
    ['StackDependency', [['cloudformation:DescribeStacks', arn('cloudformation:', 'REGION', ':', 'ACCOUNT', ':stack/*')]]],
    ['CertificateDependency', [[['acm:ListCertificates', 'iam:ListServerCertificates'], '*']]],
  ])('the %s function may only call its lookup and write its own logs', (type, reads) => {
    // GIVEN the stack above
    // THEN
    const statements = [
      ...reads.map(([actions, resource]) => ({ Effect: 'Allow', Action: actions, Resource: resource })),
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalId(`${type}Function/LogGroup`), 'Arn'] },
      },
    ];
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(`${type}Function/Role`) }],
      PolicyDocument: { Statement: Match.exact(statements) },
    });
  });

  it('gives no role a managed policy, so no function gets more than its lookup needs', () => {
    // GIVEN the stack above
    // THEN
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('allows no action with a wildcard', () => {
    // GIVEN the stack above
    // WHEN
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action),
    );
    // THEN
    expect(actions.length).toBeGreaterThan(6);
    expect(actions.filter((action: string) => action.includes('*'))).toEqual([]);
  });

  it('passes the AWS Solutions checks with every finding acknowledged for a reason', () => {
    // GIVEN the lookups and functions of the stack above
    const lookups = stack.node.children.filter((c) => c instanceof Dependency || c instanceof DependencyFunction);
    // WHEN
    const violations = lookups.flatMap((scope) => new AwsSolutionsChecks().validateScope(scope).violations);
    // THEN
    expect(lookups).toHaveLength(14);
    expect(violations).toEqual([]);
    expect(acknowledgements(stack).every(({ reason }) => reason.length > 20)).toBe(true);
  });

  it.each<[string, (scope: Stack) => unknown, string, string]>([
    [
      'a type no lookup answers',
      (s) => new DependencyFunction(s, 'F', { resourceType: 'Custom::QueueDependency' }),
      'resourceType',
      'DependencyFunction Check/F: resourceType: "Custom::QueueDependency" is no lookup type; give one of Custom::Route53Dependency, Custom::VpcDependency, Custom::ImageDependency, Custom::ElasticacheDependency, Custom::StackDependency, Custom::CertificateDependency',
    ],
    [
      'a type no lookup answers, asked of the shared function',
      (s) => DependencyFunction.of(s, 'Custom::QueueDependency'),
      'of.resourceType',
      'DependencyFunction Check: of.resourceType: "Custom::QueueDependency" is no lookup type; give one of Custom::Route53Dependency, Custom::VpcDependency, Custom::ImageDependency, Custom::ElasticacheDependency, Custom::StackDependency, Custom::CertificateDependency',
    ],
    [
      'a reservation that is not a whole number',
      (s) => new DependencyFunction(s, 'F', { resourceType: vpcContract.resourceType, reservedConcurrentExecutions: -1 }),
      'reservedConcurrentExecutions',
      'DependencyFunction Check/F: reservedConcurrentExecutions: must be a whole number, or 0 to reserve none, got -1',
    ],
    [
      'stack name prefixes for a type that reads no stacks',
      (s) => new DependencyFunction(s, 'F', { resourceType: vpcContract.resourceType, stackNamePrefixes: ['shared-'] }),
      'stackNamePrefixes',
      'DependencyFunction Check/F: stackNamePrefixes: Custom::VpcDependency reads no stacks, so it takes no stack name prefixes; leave them out',
    ],
    [
      'stack names allowed to a type that reads no stacks',
      (s) => new DependencyFunction(s, 'F', { resourceType: vpcContract.resourceType }).allowStackNames(['shared-']),
      'allowStackNames.prefixes',
      'DependencyFunction Check/F: allowStackNames.prefixes: Custom::VpcDependency reads no stacks, so it takes no stack name prefixes; leave them out',
    ],
    [
      'a stack name prefix that is not one',
      (s) => new DependencyFunction(s, 'F', { resourceType: stackContract.resourceType }).allowStackNames(['shared-', '*']),
      'allowStackNames.prefixes[1]',
      'DependencyFunction Check/F: allowStackNames.prefixes[1]: "*" is not a valid stack name prefix: expected a letter, then letters, digits or hyphens',
    ],
  ])('refuses %s, naming the function and the prop', (_case, create, prop, message) => {
    // GIVEN
    const scope = new Stack(new App(), 'Check');
    // WHEN
    const error = thrownBy(PropError, () => create(scope));
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({ name: 'PropError', prop, message });
  });
});

describe('attributes', () => {
  it.each<[string, () => string, string, string]>([
    ['vpc.vpcId', () => vpc.vpcId, 'Vpc', 'VpcId'],
    ['vpc.subnetIds', () => vpc.subnetIds, 'Vpc', 'SubnetIds'],
    ['vpc.subnetId(2)', () => vpc.subnetId(2), 'Vpc', 'SubnetId2'],
    ['vpc.availabilityZones', () => vpc.availabilityZones, 'Vpc', 'AvailabilityZones'],
    ['vpc.cidrBlock', () => vpc.cidrBlock, 'Vpc', 'CidrBlock'],
    ['vpc.isDefault', () => vpc.isDefault, 'Vpc', 'IsDefault'],
    ['zone.hostedZoneId', () => zone.hostedZoneId, 'Zone', 'Id'],
    ['zone.zoneName', () => zone.zoneName, 'Zone', 'Name'],
    ['zone.nameServers', () => zone.nameServers, 'Zone', 'NameServers'],
    ['image.imageId', () => image.imageId, 'Image', 'ImageId'],
    ['image.imageName', () => image.imageName, 'Image', 'Name'],
    ['image.rootDeviceName', () => image.rootDeviceName, 'Image', 'RootDeviceName'],
    ['image.isPublic', () => image.isPublic, 'Image', 'Public'],
    ['cache.nodeEndpoint(0)', () => cache.nodeEndpoint(0), 'Cache', 'CacheNodeEndpoint0'],
    ['cache.nodeEndpointAddress(1)', () => cache.nodeEndpointAddress(1), 'Cache', 'CacheNodeEndpointAddress1'],
    ['cache.nodeEndpointPort(1)', () => cache.nodeEndpointPort(1), 'Cache', 'CacheNodeEndpointPort1'],
    ['cache.configurationEndpoint', () => cache.configurationEndpoint, 'Cache', 'ConfigurationEndpoint'],
    ['cache.primaryEndpointAddress', () => cache.primaryEndpointAddress, 'Cache', 'PrimaryEndpointAddress'],
    ['cache.readerEndpointPort', () => cache.readerEndpointPort, 'Cache', 'ReaderEndpointPort'],
    ['datastores.environment', () => datastores.environment, 'Datastores', 'Environment'],
    ['datastores.output("DatabaseUrl")', () => datastores.output('DatabaseUrl'), 'Datastores', 'DatabaseUrl'],
    ['datastores.stackStatus', () => datastores.stackStatus, 'Datastores', 'StackStatus'],
    ['acmCertificate.arn', () => acmCertificate.arn, 'AcmCertificate', 'Arn'],
    ['acmCertificate.notAfter', () => acmCertificate.notAfter, 'AcmCertificate', 'NotAfter'],
    ['iamCertificate.serverCertificateName', () => iamCertificate.serverCertificateName, 'IamCertificate', 'ServerCertificateName'],
    ['iamCertificate.expiration', () => iamCertificate.expiration, 'IamCertificate', 'Expiration'],
  ])('%s reads the attribute of the answer', (_name, getter, resource, attribute) => {
    // GIVEN the stack above
    // WHEN
    const value = stack.resolve(getter());
    // THEN
    expect(value).toEqual(getAtt(resource, attribute));
  });

  it('Ref of a lookup is the id of what it found', () => {
    // GIVEN the stack above
    // THEN
    expect(stack.resolve(vpc.physicalId)).toEqual({ Ref: logicalId('Vpc/Resource') });
  });

  it('says which kind of certificate each lookup finds: ACM by domain name, IAM by a pattern of names', () => {
    // GIVEN the stack above
    // THEN
    expect([acmCertificate.kind, iamCertificate.kind]).toEqual([CertificateKind.ACM, CertificateKind.IAM]);
  });

  it.each<[string, () => unknown, string, string]>([
    [
      'an attribute the lookup never answers with',
      () => vpc.attribute('SubnetName'),
      'attribute("SubnetName")',
      'VpcDependency Lookups/Vpc: attribute("SubnetName"): Custom::VpcDependency answers no attribute of that name; give one it answers, such as VpcId, State, CidrBlock and 7 more',
    ],
    ['a negative subnet index', () => vpc.subnetId(-1), 'subnetId.index', 'VpcDependency Lookups/Vpc: subnetId.index: must be a subnet index: a whole number from 0, got -1'],
    ['a negative placement', () => vpc.placement(-1), 'placement.index', 'VpcDependency Lookups/Vpc: placement.index: must be a subnet index: a whole number from 0, got -1'],
    ['no subnets of a VPC', () => vpc.toVpc({ subnetCount: 0 }), 'toVpc.subnetCount', 'VpcDependency Lookups/Vpc: toVpc.subnetCount: must be a whole number from 1, got 0'],
    [
      'a fractional node index',
      () => cache.nodeEndpoint(1.5),
      'nodeEndpoint.index',
      'ElasticacheDependency Lookups/Cache: nodeEndpoint.index: must be a node index: a whole number from 0, got 1.5',
    ],
    [
      'an output the lookup excludes',
      () => datastores.output('AdminPassword'),
      'output("AdminPassword")',
      'StackDependency Lookups/Datastores: output("AdminPassword"): the output is among excludes; take it out of excludes to read it',
    ],
    [
      'an output named like an attribute',
      () => datastores.output('Environment'),
      'output("Environment")',
      'StackDependency Lookups/Datastores: output("Environment"): the key is taken by the attribute of that name; use the environment getter',
    ],
    [
      'an output key with a hyphen',
      () => datastores.output('db-url'),
      'output("db-url")',
      'StackDependency Lookups/Datastores: output("db-url"): the key must be an output key (letters and digits)',
    ],
    [
      'an IAM attribute of an ACM lookup',
      () => acmCertificate.path,
      'path',
      'CertificateDependency Lookups/AcmCertificate: path: Path is an attribute of IAM server certificates, but this lookup finds an ACM certificate by domainName; find one by certificateName to read it',
    ],
    [
      'an ACM attribute of an IAM lookup',
      () => iamCertificate.domainName,
      'domainName',
      'CertificateDependency Lookups/IamCertificate: domainName: DomainName is an attribute of ACM certificates, but this lookup finds an IAM server certificate by certificateName; find one by domainName to read it',
    ],
    [
      'an ACM certificate of an IAM lookup',
      () => iamCertificate.toCertificate(),
      'toCertificate()',
      'CertificateDependency Lookups/IamCertificate: toCertificate(): Arn is an attribute of ACM certificates, but this lookup finds an IAM server certificate by certificateName; find one by domainName to read it',
    ],
  ])('refuses %s, naming the lookup and the call', (_case, read, prop, message) => {
    // GIVEN the stack above
    // WHEN
    const error = thrownBy(PropError, read);
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({ name: 'PropError', prop, message });
  });

  it('refuses an output that includes leaves out, saying how to read it', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Outputs');
    const outputs = new StackDependency(scope, 'Shared', { stackName: 'shared', includes: ['DatabaseUrl', 'CacheUrl'] });
    // WHEN
    const error = thrownBy(PropError, () => outputs.output('QueueUrl'));
    // THEN
    expect(error).toMatchObject({
      name: 'PropError',
      owner: 'StackDependency Outputs/Shared',
      prop: 'output("QueueUrl")',
      message: 'StackDependency Outputs/Shared: output("QueueUrl"): the output is not among includes (DatabaseUrl, CacheUrl); add it there to read it',
    });
  });
});

describe('CDK types made from answers', () => {
  it('places an instance in the first subnet found, in that subnet\'s zone', () => {
    // GIVEN the stack above
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: getAtt('Image', 'ImageId'),
      SubnetId: { 'Fn::Select': [0, { 'Fn::Split': [',', getAtt('Vpc', 'SubnetIds')] }] },
      AvailabilityZone: { 'Fn::Select': [0, { 'Fn::Split': [',', getAtt('Vpc', 'AvailabilityZones')] }] },
    });
  });

  it('makes a security group in the VPC found', () => {
    // GIVEN the stack above
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: getAtt('Vpc', 'VpcId') });
  });

  it('offers as many subnets as asked for, in the order found', () => {
    // GIVEN
    const network = vpc.toVpc({ subnetCount: 3 });
    // WHEN
    const subnets = network.selectSubnets().subnetIds.map((id) => stack.resolve(id));
    // THEN
    expect(subnets).toEqual([0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::Split': [',', getAtt('Vpc', 'SubnetIds')] }] })));
    expect(vpc.toVpc({ subnetCount: 3 })).toBe(network);
  });

  it('places an instance in the subnet at the index asked for', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Placement');
    const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
    // WHEN
    new ec2.Instance(scope, 'Host', {
      ...network.placement(2),
      instanceType: new ec2.InstanceType('t4g.nano'),
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' }),
    });
    // THEN
    const subnets = { 'Fn::Split': [',', { 'Fn::GetAtt': [scope.getLogicalId(network.resource.node.defaultChild as never), 'SubnetIds'] }] };
    Template.fromStack(scope).hasResourceProperties('AWS::EC2::Instance', { SubnetId: { 'Fn::Select': [2, subnets] } });
  });

  it('adds a record to the hosted zone found', () => {
    // GIVEN the stack above
    // THEN
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: getAtt('Zone', 'Id'),
      Name: { 'Fn::Join': ['', ['host.', getAtt('Zone', 'Name'), '.']] },
      Type: 'A',
      ResourceRecords: [{ 'Fn::GetAtt': [logicalId('Host/Resource'), 'PrivateIp'] }],
    });
  });

  it('gives the ACM certificate found as an ICertificate', () => {
    // GIVEN the stack above
    // WHEN
    const certificate = acmCertificate.toCertificate();
    // THEN
    expect(stack.resolve(certificate.certificateArn)).toEqual(getAtt('AcmCertificate', 'Arn'));
  });
});

describe('props', () => {
  it.each<[string, (scope: Stack) => unknown, string, string]>([
    ['an empty VPC name', (s) => new VpcDependency(s, 'X', { vpcName: ' ' }), 'vpcName', 'VpcDependency Check/X: vpcName: must not be empty'],
    [
      'a zone name with a space',
      (s) => new Route53Dependency(s, 'X', { domainName: 'example .com' }),
      'domainName',
      'Route53Dependency Check/X: domainName: "example .com" is not valid: expected the hosted zone name, such as example.com',
    ],
    ['a VPC id that is not one', (s) => new Route53Dependency(s, 'X', { domainName: 'example.com', vpcId: 'main' }), 'vpcId', 'Route53Dependency Check/X: vpcId: "main" is not valid: expected the id of a VPC the private hosted zone is associated with, such as vpc-0abc1234'],
    [
      'a VPC for a public zone',
      (s) => new Route53Dependency(s, 'X', { domainName: 'example.com', privateZone: false, vpcId: 'vpc-0abc' }),
      'vpcId',
      'Route53Dependency Check/X: vpcId: applies only to private zones; leave out privateZone or set it to true',
    ],
    ['an empty image name', (s) => new ImageDependency(s, 'X', { imageName: '' }), 'imageName', 'ImageDependency Check/X: imageName: must not be empty'],
    [
      'an unknown image owner',
      (s) => new ImageDependency(s, 'X', { imageName: 'a', owners: ['everyone'] }),
      'owners',
      'ImageDependency Check/X: owners: item "everyone" is not valid: expected account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault',
    ],
    ['no image owners', (s) => new ImageDependency(s, 'X', { imageName: 'a', owners: [] }), 'owners', 'ImageDependency Check/X: owners: must name at least one owner, or be left out'],
    [
      'an unknown architecture',
      (s) => new ImageDependency(s, 'X', { imageName: 'a', architecture: 'amd64' }),
      'architecture',
      'ImageDependency Check/X: architecture: "amd64" is not valid: expected one of i386, x86_64, arm64, x86_64_mac, arm64_mac',
    ],
    [
      'a cache id with an underscore',
      (s) => new ElasticacheDependency(s, 'X', { cacheId: 'my_cache' }),
      'cacheId',
      'ElasticacheDependency Check/X: cacheId: "my_cache" is not valid: expected a cache cluster id or a replication group id, such as sessions-001 or sessions',
    ],
    ['an empty stack name', (s) => new StackDependency(s, 'X', { stackName: '' }), 'stackName', 'StackDependency Check/X: stackName: must not be empty'],
    [
      'an include that is no output key',
      (s) => new StackDependency(s, 'X', { stackName: 'a', includes: ['Db-Url'] }),
      'includes',
      'StackDependency Check/X: includes: item "Db-Url" is not valid: expected the only output keys to give',
    ],
    [
      'no stack name prefixes',
      (s) => new StackDependency(s, 'X', { stackName: 'a', stackNamePrefixes: [] }),
      'stackNamePrefixes',
      'StackDependency Check/X: stackNamePrefixes: must name at least one prefix, or be left out for any stack',
    ],
    [
      'a stack name prefix no stack name starts with',
      (s) => new StackDependency(s, 'X', { stackName: 'shared-a', stackNamePrefixes: ['shared-', 'data/'] }),
      'stackNamePrefixes[1]',
      'StackDependency Check/X: stackNamePrefixes[1]: "data/" is not a valid stack name prefix: expected a letter, then letters, digits or hyphens',
    ],
    [
      'both certificate name and domain',
      (s) => new CertificateDependency(s, 'X', { certificateName: 'a', domainName: 'a.example.com' }),
      'certificateName, domainName',
      'CertificateDependency Check/X: certificateName, domainName: give exactly one of them: certificateName for an IAM server certificate, domainName for an ACM certificate; got both',
    ],
    [
      'neither certificate name nor domain',
      (s) => new CertificateDependency(s, 'X', {}),
      'certificateName, domainName',
      'CertificateDependency Check/X: certificateName, domainName: give exactly one of them: certificateName for an IAM server certificate, domainName for an ACM certificate; got neither',
    ],
    [
      'a certificate name that is no regular expression',
      (s) => new CertificateDependency(s, 'X', { certificateName: 'www-(' }),
      'certificateName',
      'CertificateDependency Check/X: certificateName: "www-(" is not a valid regular expression: Unterminated group; correct the pattern',
    ],
    [
      'a certificate name with a lookahead, which the lookup cannot match in linear time',
      (s) => new CertificateDependency(s, 'X', { certificateName: '(?=www)w.*' }),
      'certificateName',
      'CertificateDependency Check/X: certificateName: "(?=www)w.*" uses a lookahead "(?=", which linear-time matching does not support; match the whole name with a pattern that has no lookahead or lookbehind, listing the forms you want with |',
    ],
    [
      'a region for an IAM certificate',
      (s) => new CertificateDependency(s, 'X', { certificateName: 'www', region: 'us-east-1' }),
      'region',
      'CertificateDependency Check/X: region: applies only to ACM certificates, which are found by domainName; leave it out for an IAM server certificate',
    ],
    [
      'a region that is not one',
      (s) => new CertificateDependency(s, 'X', { domainName: 'a.example.com', region: 'Ireland' }),
      'region',
      'CertificateDependency Check/X: region: "Ireland" is not valid: expected the region of the ACM certificate, such as us-east-1 for CloudFront',
    ],
  ])('refuses %s with a message naming the lookup and the prop', (_case, create, prop, message) => {
    // GIVEN
    const scope = new Stack(new App(), 'Check');
    // WHEN
    const error = thrownBy(PropError, () => create(scope));
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({ name: 'PropError', prop, message });
  });

  it('refuses -c lookupRefresh that is neither a string nor a number, naming the lookup that reads it', () => {
    // GIVEN
    const scope = new Stack(new App({ context: { lookupRefresh: { build: 12 } } }), 'Check');
    // WHEN
    const error = thrownBy(PropError, () => new VpcDependency(scope, 'Vpc', { vpcName: 'main' }));
    // THEN
    expect(error).toMatchObject({
      name: 'PropError',
      prop: 'context lookupRefresh',
      message: 'VpcDependency Check/Vpc: context lookupRefresh: must be a string such as a build id (-c lookupRefresh=1234), got {"build":12}',
    });
  });

  it('says which property a value the handler would refuse came from, keeping the handler\'s error as the cause', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Check');
    // WHEN
    const error = thrownBy(PropError, () => new ElasticacheDependency(scope, 'Cache', { cacheId: 'my_cache' }));
    // THEN
    expect(error).toMatchObject({ owner: 'ElasticacheDependency Check/Cache', prop: 'cacheId', cause: { name: 'InputError' } });
  });

  it('accepts deploy-time values it cannot check yet', () => {
    // GIVEN
    const scope = new Stack(new App(), 'Tokens');
    const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
    // WHEN
    new Route53Dependency(scope, 'Zone', { domainName: 'example.com', vpcId: network.vpcId });
    new StackDependency(scope, 'Outputs', { stackName: network.attribute('VpcId') });
    // THEN
    Template.fromStack(scope).resourceCountIs('Custom::StackDependency', 1);
  });
});

function getAtt(constructPath: string, attribute: string) {
  return { 'Fn::GetAtt': [logicalId(`${constructPath}/Resource`), attribute] };
}

/** The logical id of the construct at `constructPath` in the shared stack. */
function logicalId(constructPath: string): string {
  const construct = stack.node.findChild(constructPath.split('/')[0]);
  const target = constructPath
    .split('/')
    .slice(1)
    .reduce((node, id) => node.node.findChild(id), construct);
  const resource = target.node.defaultChild ?? target;
  return stack.getLogicalId(resource as never);
}

/** An ARN in the stack's partition, with `REGION` and `ACCOUNT` for the stack's pseudo parameters. */
function arn(...parts: string[]) {
  const pseudo: Record<string, object> = { REGION: { Ref: 'AWS::Region' }, ACCOUNT: { Ref: 'AWS::AccountId' } };
  const joined: Array<string | object> = ['arn:', { Ref: 'AWS::Partition' }, ':'];
  for (const part of parts) {
    const value = pseudo[part] ?? part;
    const last = joined[joined.length - 1];
    if (typeof value === 'string' && typeof last === 'string') joined[joined.length - 1] = last + value;
    else joined.push(value);
  }
  return { 'Fn::Join': ['', joined] };
}

/** Every rule acknowledged in the tree under `scope`, with its reason. */
function acknowledgements(scope: Stack): Array<{ id: string; reason: string }> {
  return scope.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, reason })));
}

import { NO_VALUE, resolveIntrinsics, Resolver, ResolveError, stackId, type Leaves } from '../../testkit/cloudformation/intrinsics';
import { creationOrder, dependenciesOf } from '../cloudformation/order';
import type { CfnTemplate, StackModel } from '../../testkit/cloudformation/template';

const TARGET = { accountId: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' };

describe('Resolver', () => {
  it('gives a custom resource attribute the handler answered', () => {
    // GIVEN
    const { resolver, stack } = answered({ VpcId: 'vpc-1', SubnetIds: 'subnet-a,subnet-b' });

    // WHEN
    const value = resolver.resolve(stack, { 'Fn::GetAtt': ['Vpc', 'VpcId'] }, 'Host.Properties.VpcId');

    // THEN
    expect(value).toBe('vpc-1');
  });

  it('throws naming the resource, the property and the attribute when the handler did not return it', () => {
    // GIVEN
    const { resolver, stack } = answered({ VpcId: 'vpc-1', SubnetIds: 'subnet-a' });

    // WHEN
    const resolve = () => resolver.resolve(stack, { 'Fn::GetAtt': ['Vpc', 'PrivateSubnetIds'] }, 'Host.Properties.UserData');

    // THEN
    expect(resolve).toThrow(
      new ResolveError(
        'App/Host.Properties.UserData references attribute PrivateSubnetIds of Vpc (Custom::VpcDependency) that the handler did not return; it returned VpcId, SubnetIds',
      ),
    );
  });

  it('throws when a custom resource is referred to before it was answered', () => {
    // GIVEN
    const stack = model({ Resources: { Vpc: { Type: 'Custom::VpcDependency' } } });
    const resolver = new Resolver([stack], TARGET);

    // WHEN
    const resolve = () => resolver.resolve(stack, { Ref: 'Vpc' }, 'Host.Properties.SubnetId');

    // THEN
    expect(resolve).toThrow('App/Host.Properties.SubnetId refers to Vpc (Custom::VpcDependency), which has not been answered yet');
  });

  it('throws naming a Ref to a resource the stack does not define', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const resolve = () => resolver.resolve(stack, { Ref: 'Vcp' }, 'Host.Properties.SubnetId');

    // THEN
    expect(resolve).toThrow('App/Host.Properties.SubnetId: Ref Vcp, which stack App does not define');
  });

  it('gives the physical id the handler answered for Ref', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const id = resolver.resolve(stack, { Ref: 'Vpc' }, 'Host.Properties.VpcId');

    // THEN
    expect(id).toBe('vpc-answered');
  });

  it.each([
    ['Fn::Join', { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, 'c']] }, 'a-eu-west-1-c'],
    ['Fn::Select of Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::GetAtt': ['Vpc', 'SubnetIds'] }] }] }, 'subnet-b'],
    ['Fn::Sub with attributes and pseudo parameters', { 'Fn::Sub': '${Vpc.VpcId} in ${AWS::Region} of ${AWS::AccountId}' }, 'vpc-1 in eu-west-1 of 123456789012'],
    ['Fn::Sub with a Ref and a literal', { 'Fn::Sub': '${Vpc}/${!Literal}' }, 'vpc-answered/${Literal}'],
    ['Fn::Sub with its own variables', { 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'Env' } }] }, 'dev-x'],
    ['Fn::Base64', { 'Fn::Base64': 'echo ü' }, Buffer.from('echo ü').toString('base64')],
    ['a parameter default', { Ref: 'Env' }, 'dev'],
    ['AWS::StackName', { Ref: 'AWS::StackName' }, 'App'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Sizes', 'dev', 'Memory'] }, '64'],
    ['Fn::If on a true condition', { 'Fn::If': ['IsDev', 'small', 'large'] }, 'small'],
    ['Fn::If on a false condition', { 'Fn::If': ['IsProd', 'large', 'small'] }, 'small'],
    ['Fn::GetAZs', { 'Fn::Select': [2, { 'Fn::GetAZs': '' }] }, 'eu-west-1c'],
  ])('resolves %s', (_, expression, expected) => {
    // GIVEN
    const { resolver, stack } = answered({ VpcId: 'vpc-1', SubnetIds: 'subnet-a,subnet-b' });

    // WHEN
    const value = resolver.resolve(stack, expression, 'Host.Properties.Value');

    // THEN
    expect(value).toEqual(expected);
  });

  it('leaves out values that are Ref AWS::NoValue', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const value = resolver.resolve(stack, { A: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] }, B: ['1', { Ref: 'AWS::NoValue' }] }, 'x');

    // THEN
    expect(value).toEqual({ B: ['1'] });
  });

  it('gives Fn::ImportValue the value another stack exports', () => {
    // GIVEN
    const exporter = model(
      {
        Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'vpcDependency' } } },
        Outputs: { Token: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-VpcToken' } } } },
      },
      'CustomResources',
    );
    const importer = model({ Resources: {} });
    const resolver = new Resolver([exporter, importer], TARGET);

    // WHEN
    const arn = resolver.resolve(importer, { 'Fn::ImportValue': 'CustomResources-VpcToken' }, 'Vpc.Properties.ServiceToken');

    // THEN
    expect(arn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:vpcDependency');
    expect(resolver.functionAt(String(arn))).toEqual({ stack: exporter, logicalId: 'Fn' });
  });

  it('throws naming an import no stack exports', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const resolve = () => resolver.resolve(stack, { 'Fn::ImportValue': 'Nope' }, 'Vpc.Properties.ServiceToken');

    // THEN
    expect(resolve).toThrow('App/Vpc.Properties.ServiceToken: Fn::ImportValue Nope, which no stack of the app exports');
  });

  it('throws naming an intrinsic function it does not resolve', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const resolve = () => resolver.resolve(stack, { 'Fn::ToJsonString': {} }, 'Host.Properties.Tags');

    // THEN
    expect(resolve).toThrow('App/Host.Properties.Tags uses Fn::ToJsonString, which the end-to-end run does not resolve');
  });

  it('throws when Fn::Select picks past the end of the list', () => {
    // GIVEN
    const { resolver, stack } = answered({ SubnetIds: 'subnet-a' });

    // WHEN
    const resolve = () => resolver.resolve(stack, { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::GetAtt': ['Vpc', 'SubnetIds'] }] }] }, 'Host.Properties.SubnetId');

    // THEN
    expect(resolve).toThrow('App/Host.Properties.SubnetId: Fn::Select index 1 is out of range of a list of 1: ["subnet-a"]');
  });

  it('gives other resources stable fake ids in the shape of their type', () => {
    // GIVEN
    const { resolver, stack } = answered({});

    // WHEN
    const first = resolver.resolve(stack, { Ref: 'Instance' }, 'x');
    const second = resolver.resolve(stack, { Ref: 'Instance' }, 'y');

    // THEN
    expect(first).toMatch(/^i-0e2e[0-9a-f]{13}$/);
    expect(second).toBe(first);
  });

  it('gives AWS::StackId an ARN naming the stack', () => {
    // WHEN
    const id = stackId(model({ Resources: {} }), TARGET);

    // THEN
    expect(id).toMatch(/^arn:aws:cloudformation:eu-west-1:123456789012:stack\/App\/[0-9a-f-]{36}$/);
  });
});

describe('resolveIntrinsics', () => {
  /** Leaves that answer `Ref` and `Fn::GetAtt` from `values` and record what they were asked. */
  function recording(values: Record<string, unknown>): { leaves: Leaves; asked: string[] } {
    const asked: string[] = [];
    const leaves: Leaves = {
      ref: (name, at) => {
        asked.push(`Ref ${name} at ${at}`);
        return values[name];
      },
      getAtt: (logicalId, attribute, at) => {
        asked.push(`GetAtt ${logicalId}.${attribute} at ${at}`);
        return values[`${logicalId}.${attribute}`];
      },
    };
    return { leaves, asked };
  }

  it('computes the functions itself and asks the caller only for deploy-time values', () => {
    // GIVEN
    const { leaves, asked } = recording({ 'AWS::Region': 'eu-west-1', Subnets: 'subnet-a,subnet-b', 'Db.Port': 5432 });
    const value = {
      Script: {
        'Fn::Base64': {
          'Fn::Join': [
            '\n',
            [
              { 'Fn::Sub': ['region=${AWS::Region} port=${Db.Port} name=${Name} ${!Literal}', { Name: { 'Fn::Select': [1, { 'Fn::Split': [',', { Ref: 'Subnets' }] }] } }] },
              { 'Fn::Select': [0, ['first', 'second']] },
            ],
          ],
        },
      },
      Kept: [1, true, 'text'],
    };

    // WHEN
    const resolved = resolveIntrinsics(value, leaves, 'Host.Properties');

    // THEN
    expect(resolved).toEqual({
      Script: Buffer.from('region=eu-west-1 port=5432 name=subnet-b ${Literal}\nfirst', 'utf8').toString('base64'),
      Kept: [1, true, 'text'],
    });
    expect(asked).toEqual(['Ref AWS::Region at Host.Properties.Script[0]', 'GetAtt Db.Port at Host.Properties.Script[0]', 'Ref Subnets at Host.Properties.Script[0]']);
  });

  it('drops what a leaf answers with NO_VALUE from its object or list', () => {
    // GIVEN
    const { leaves } = recording({ 'AWS::NoValue': NO_VALUE, Name: 'web' });

    // WHEN
    const resolved = resolveIntrinsics({ Tags: [{ Ref: 'Name' }, { Ref: 'AWS::NoValue' }], KeyName: { Ref: 'AWS::NoValue' } }, leaves, 'Host.Properties');

    // THEN
    expect(resolved).toEqual({ Tags: ['web'] });
  });

  it('throws naming the place and the function when the caller gives no value for it', () => {
    // GIVEN leaves without conditions
    const { leaves } = recording({});

    // WHEN
    const resolve = () => resolveIntrinsics({ ImageId: { 'Fn::If': ['IsArm', 'ami-arm', 'ami-x86'] } }, leaves, 'Host.Properties');

    // THEN
    expect(resolve).toThrow(new ResolveError('Host.Properties.ImageId uses Fn::If, whose value this caller does not give'));
  });
});

describe('creation order', () => {
  it('puts each resource after those it refers to, also through Fn::Sub and DependsOn', () => {
    // GIVEN
    const stack = model({
      Resources: {
        Host: { Type: 'AWS::EC2::Instance', Properties: { UserData: { 'Fn::Sub': '${Zone.Id} ${Vpc}' } } },
        Zone: { Type: 'Custom::Route53Dependency', Properties: { VpcId: { 'Fn::GetAtt': ['Vpc', 'VpcId'] } } },
        Record: { Type: 'AWS::Route53::RecordSet', DependsOn: 'Host' },
        Vpc: { Type: 'Custom::VpcDependency' },
      },
    });

    // WHEN
    const order = creationOrder([stack]).map((node) => node.logicalId);

    // THEN
    expect(order).toEqual(['Vpc', 'Zone', 'Host', 'Record']);
    expect(dependenciesOf(stack, stack.template.Resources.Host)).toEqual(['Zone', 'Vpc']);
  });

  it('puts stacks after the stacks they depend on', () => {
    // GIVEN
    const app = { ...model({ Resources: { A: { Type: 'Custom::StackDependency' } } }, 'App'), dependsOn: ['Service'] };
    const service = model({ Resources: { B: { Type: 'Custom::VpcDependency' } } }, 'Service');

    // WHEN
    const order = creationOrder([app, service]).map((node) => `${node.stack.stackName}/${node.logicalId}`);

    // THEN
    expect(order).toEqual(['Service/B', 'App/A']);
  });

  it('throws naming the cycle when resources depend on each other', () => {
    // GIVEN
    const stack = model({
      Resources: {
        A: { Type: 'Custom::VpcDependency', Properties: { X: { Ref: 'B' } } },
        B: { Type: 'Custom::VpcDependency', Properties: { X: { 'Fn::GetAtt': ['A', 'VpcId'] } } },
      },
    });

    // WHEN
    const order = () => creationOrder([stack]);

    // THEN
    expect(order).toThrow('resources of App depend on each other in a cycle: A -> B -> A');
  });
});

function answered(data: Record<string, string>): { resolver: Resolver; stack: StackModel } {
  const stack = model({
    Parameters: { Env: { Type: 'String', Default: 'dev' } },
    Conditions: {
      IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] },
      IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] },
    },
    Mappings: { Sizes: { dev: { Memory: '64' } } },
    Resources: {
      Vpc: { Type: 'Custom::VpcDependency', Properties: { VpcName: 'main' } },
      Instance: { Type: 'AWS::EC2::Instance' },
    },
  });
  const resolver = new Resolver([stack], TARGET);
  resolver.answer(stack, 'Vpc', { physicalId: 'vpc-answered', data });
  return { resolver, stack };
}

function model(template: CfnTemplate, stackName = 'App'): StackModel {
  return { stackName, template };
}

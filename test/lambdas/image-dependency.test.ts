import { DescribeImagesCommand, EC2Client, type Image } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { contract } from '../../contracts/image-dependency/contract';
import { definition, handler } from '../../lambdas/image-dependency/index';
import { imageData, lookupImage, newestImage } from '../../lambdas/image-dependency/lookup';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { ACCOUNT_ID, AMAZON_ID, STRANGER_ID, fakeEc2 } from '../../testkit/mock-account';
import { invoke, LOGS, successBody } from '../helpers/cfn';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

beforeEach(() => {
  ec2Mock.reset();
});

/** How every image of the account is built: an EBS-backed HVM machine image. */
const EBS_HVM = {
  ImageType: 'machine',
  RootDeviceType: 'ebs',
  RootDeviceName: '/dev/xvda',
  VirtualizationType: 'hvm',
  Hypervisor: 'xen',
} as const satisfies Image;

const AL2023_OCT_X86 = amazon('ami-0a1000000000000x8', 'al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64', '2024-10-10T18:00:00.000Z', 'x86_64');
const AL2023_OCT_ARM = amazon('ami-0a1000000000000a6', 'al2023-ami-2023.6.20241010.0-kernel-6.1-arm64', '2024-10-10T18:01:00.000Z', 'arm64');
const AL2023_NOV_X86 = amazon('ami-0a2000000000000x8', 'al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64', '2024-11-11T09:30:00.000Z', 'x86_64');
const AL2023_PENDING = {
  ...amazon('ami-0a3000000000000x8', 'al2023-ami-2023.7.20250101.0-kernel-6.1-x86_64', '2025-01-01T00:00:00.000Z', 'x86_64'),
  State: 'pending' as const,
};
const AL2023_DEPRECATED = {
  ...amazon('ami-0a0000000000000x8', 'al2023-ami-2023.5.20240601.0-kernel-6.1-x86_64', '2024-06-01T00:00:00.000Z', 'x86_64'),
  DeprecationTime: '2024-09-01T00:00:00.000Z',
};
const STRANGERS = {
  ...amazon('ami-0bad00000000000x8', 'al2023-ami-2023.9.20990101.0-kernel-6.1-x86_64', '2025-06-01T00:00:00.000Z', 'x86_64'),
  OwnerId: STRANGER_ID,
  ImageOwnerAlias: undefined,
  ImageLocation: `${STRANGER_ID}/al2023-ami-2023.9.20990101.0-kernel-6.1-x86_64`,
};
const OWN: Image = {
  ImageId: 'ami-0own0000000000001',
  Name: 'docker-host-2024-12-01',
  OwnerId: ACCOUNT_ID,
  ImageLocation: `${ACCOUNT_ID}/docker-host-2024-12-01`,
  State: 'available',
  CreationDate: '2024-12-01T08:00:00.000Z',
  Public: false,
  Architecture: 'x86_64',
  ...EBS_HVM,
  Tags: [
    { Key: 'team', Value: 'ops' },
    { Key: 'Name', Value: 'Docker host' },
  ],
};

const ACCOUNT = { extraImages: [AL2023_OCT_X86, AL2023_OCT_ARM, AL2023_NOV_X86, AL2023_PENDING, AL2023_DEPRECATED, STRANGERS, OWN] };

describe('finding an image', () => {
  it("gives the newest available Amazon Linux 2023 image of Amazon's, matching the wildcard", async () => {
    // GIVEN
    const account = fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ ImageName: 'al2023-ami-2023.*-kernel-6.1-x86_64' });

    // THEN
    expect(result).toEqual({
      id: 'ami-0a2000000000000x8',
      data: {
        ImageId: 'ami-0a2000000000000x8',
        Name: 'al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64',
        ImageLocation: 'amazon/al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64',
        State: 'available',
        OwnerId: AMAZON_ID,
        CreationDate: '2024-11-11T09:30:00.000Z',
        Public: 'true',
        Architecture: 'x86_64',
        ImageType: 'machine',
        SriovNetSupport: 'simple',
        RootDeviceType: 'ebs',
        RootDeviceName: '/dev/xvda',
        VirtualizationType: 'hvm',
        Hypervisor: 'xen',
        Tags: '',
        Description: 'Amazon Linux 2023 AMI',
        MatchCount: '2',
      },
    });
    expect(account.calls).toEqual([describeImages('al2023-ami-2023.*-kernel-6.1-x86_64', ['self', 'amazon'])]);
  });

  it('asks only for the Architecture given', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ ImageName: 'al2023-ami-2023.?.*', Architecture: 'arm64' });

    // THEN
    expect(result.id).toBe('ami-0a1000000000000a6');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Owners: ['self', 'amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-2023.?.*'] },
        { Name: 'state', Values: ['available'] },
        { Name: 'architecture', Values: ['arm64'] },
      ],
    });
  });

  it('never gives an image a stranger published under a matching name unless Owners names them', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const byDefault = await lookup({ ImageName: 'al2023-ami-*-x86_64' });
    const named = await lookup({ ImageName: 'al2023-ami-*-x86_64', Owners: `amazon,${STRANGER_ID}` });

    // THEN
    expect(byDefault.id).toBe('ami-0a2000000000000x8');
    expect(named.id).toBe('ami-0bad00000000000x8');
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeImagesCommand, { Owners: ['amazon', STRANGER_ID] });
  });

  it("gives this account's own image with its tags sorted by key", async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ ImageName: 'docker-host-*', Owners: '["self"]' });

    // THEN
    expect(result.data).toMatchObject({
      ImageId: 'ami-0own0000000000001',
      OwnerId: ACCOUNT_ID,
      Public: 'false',
      SriovNetSupport: '',
      Tags: 'Name=Docker host,team=ops',
      Description: '',
      MatchCount: '1',
    });
  });

  it('follows every page of images and counts them all', async () => {
    // GIVEN
    const builds = Array.from({ length: 12 }, (_, i) =>
      amazon(`ami-0b${String(i).padStart(15, '0')}`, `nightly-${i}`, `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, 'x86_64'),
    );
    const account = fakeEc2({ extraImages: builds, pageSize: 5 }, ec2Mock);

    // WHEN
    const result = await lookup({ ImageName: 'nightly-*' });

    // THEN
    expect(result.id).toBe('ami-0b000000000000011');
    expect(result.data.MatchCount).toBe('12');
    expect(account.calls.map((call) => call.input.NextToken)).toEqual([undefined, 'page-5', 'page-10']);
  });
});

describe('answering FAILED with a reason an operator can act on', () => {
  it.each([
    ['no image has the name', { ImageName: 'al2024-ami-*' }, 'owned by self or amazon'],
    ['no image of the Architecture has the name', { ImageName: 'docker-host-*', Architecture: 'arm64' }, 'owned by self or amazon for arm64'],
    [
      'the Owners have no image of the name',
      { ImageName: 'docker-host-*', Owners: 'aws-marketplace, 210987654321 ,amazon' },
      'owned by aws-marketplace, 210987654321 or amazon',
    ],
    ['the only image of the name is not available yet', { ImageName: 'al2023-ami-2023.7.20250101.0-kernel-6.1-x86_64' }, 'owned by self or amazon'],
    ['the only image of the name was deprecated by Amazon', { ImageName: 'al2023-ami-2023.5.20240601.0-kernel-6.1-x86_64' }, 'owned by self or amazon'],
  ])('when %s', async (_case, properties, searched) => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = lookup(properties);

    // THEN
    const reason = `no available image named "${properties.ImageName}" ${searched} in eu-west-1; check the wildcards (* and ?) in ImageName and the Owners`;
    await expect(result).rejects.toThrow(new LookupError(reason));
    await expect(result).rejects.toBeInstanceOf(LookupError);
  });

  it.each([
    ['someone', 'Owners item "someone" is not valid: expected account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault'],
    ['self,12345', 'Owners item "12345" is not valid: expected account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault'],
    ['Amazon', 'Owners item "Amazon" is not valid: expected account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault'],
  ])('names Owners when it holds %s', (owners, message) => {
    expect(() => parse({ ImageName: 'x', Owners: owners })).toThrow(new InputError(message));
  });

  it('names Architecture when it is not one EC2 knows', () => {
    expect(() => parse({ ImageName: 'x', Architecture: 'amd64' })).toThrow(
      new InputError('Architecture "amd64" is not valid: expected one of i386, x86_64, arm64, x86_64_mac, arm64_mac'),
    );
  });
});

describe('image attributes', () => {
  it('gives every attribute as a string, with the tags as key=value pairs', () => {
    // WHEN
    const data = imageData({ ...OWN, Description: 'Docker on AL2023', Tags: [{ Key: 'b', Value: '2' }, { Key: 'a' }] }, 3);

    // THEN the attributes of OWN, the image of the contract's example, but for its tags, description and match count
    expect(data).toEqual({
      ...contract.example.data,
      Tags: 'a=,b=2',
      Description: 'Docker on AL2023',
      MatchCount: '3',
    });
  });

  it.each([
    [
      'the latest CreationDate',
      [image('ami-1', '2024-01-02T00:00:00.000Z'), image('ami-3', '2024-03-01T00:00:00.000Z'), image('ami-2', '2024-02-01T00:00:00.000Z')],
      'ami-3',
    ],
    ['the greater id on a tie', [image('ami-b', '2024-01-01T00:00:00.000Z'), image('ami-c', '2024-01-01T00:00:00.000Z')], 'ami-c'],
    ['one with a date over one without', [image('ami-z', undefined), image('ami-a', '2020-01-01T00:00:00.000Z')], 'ami-a'],
  ])('prefers %s', (_case, images, expected) => {
    expect(newestImage(images)?.ImageId).toBe(expected);
  });

  it('finds no newest image among none', () => {
    expect(newestImage([])).toBeUndefined();
  });
});

describe('accounts with many images', () => {
  it('asks EC2 to filter 2,000 images by name and owner in one call', async () => {
    // GIVEN
    const account = fakeEc2({ images: 2_000 }, ec2Mock);

    // WHEN
    const result = await lookup({ ImageName: 'build-007-*' });

    // THEN
    expect(result.id).toBe('ami-0000000000000070f');
    expect(result.data).toMatchObject({ Name: 'build-007-01807', MatchCount: '13' });
    expect(account.calls).toEqual([describeImages('build-007-*', ['self', 'amazon'])]);
  });

  it('makes one call to say no image of 2,000 matches', async () => {
    // GIVEN
    const account = fakeEc2({ images: 2_000 }, ec2Mock);

    // WHEN
    const result = lookup({ ImageName: 'build-007-*', Architecture: 'x86_64' });

    // THEN
    await expect(result).rejects.toThrow(LookupError);
    expect(account.calls).toHaveLength(1);
  });
});

describe('Custom::ImageDependency handler', () => {
  beforeAll(() => {
    process.env.AWS_REGION = 'eu-west-1';
  });

  it('answers the example of its contract, SUCCESS with the image id as PhysicalResourceId and the image attributes as Data', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: contract.example.properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody('ami-0own0000000000001', contract.example.data));
  });

  it('answers FAILED saying what was searched when no image matches', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { ImageName: 'docker-host-*', Architecture: 'arm64' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `no available image named "docker-host-*" owned by self or amazon for arm64 in eu-west-1; check the wildcards (* and ?) in ImageName and the Owners. ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
    });
  });

  it('answers FAILED naming Owners when an owner is not valid, without calling EC2', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { ImageName: 'docker-host-*', Owners: ['self', 'me'] } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `Owners item "me" is not valid: expected account ids of 12 digits, or self, amazon, aws-marketplace, aws-backup-vault. ${LOGS}`,
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

function parse(properties: Record<string, unknown>) {
  return parseProperties(definition.schema, properties);
}

function lookup(properties: Record<string, unknown>) {
  return lookupImage({ ec2 }, parse(properties), { abortSignal: new AbortController().signal });
}

function amazon(id: string, name: string, created: string, architecture: 'x86_64' | 'arm64'): Image {
  return {
    ImageId: id,
    Name: name,
    OwnerId: AMAZON_ID,
    ImageOwnerAlias: 'amazon',
    ImageLocation: `amazon/${name}`,
    State: 'available',
    CreationDate: created,
    Public: true,
    Architecture: architecture,
    ...EBS_HVM,
    SriovNetSupport: 'simple',
    Description: 'Amazon Linux 2023 AMI',
  };
}

function image(id: string, created: string | undefined): Image {
  return { ImageId: id, CreationDate: created };
}

/** The one DescribeImages call a lookup of available images named `name` owned by `owners` makes. */
function describeImages(name: string, owners: string[]) {
  return { command: 'DescribeImages', input: { Owners: owners, Filters: [{ Name: 'name', Values: [name] }, { Name: 'state', Values: ['available'] }] } };
}

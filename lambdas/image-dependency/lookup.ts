import { paginateDescribeImages, type EC2Client, type Filter, type Image } from '@aws-sdk/client-ec2';
import { toData } from '../shared/data';
import { LookupError } from '../shared/errors';
import { allItems } from '../shared/pages';
import { show } from '../../contracts/text';
import { compareText } from '../../contracts/text';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/image-dependency/contract';

/** The properties of a `Custom::ImageDependency`, parsed. */
export type ImageProperties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface ImageClients {
  readonly ec2: EC2Client;
}

/** Images of this account and of Amazon: never one that a stranger published under a matching name. */
const DEFAULT_OWNERS = ['self', 'amazon'];

/**
 * Finds the newest available image whose name matches `ImageName`, asking EC2
 * to filter by name, state, owner and architecture. Images their owner has
 * deprecated are left out (the EC2 default), except this account's own.
 */
export async function lookupImage(
  { ec2 }: ImageClients,
  props: ImageProperties,
  { abortSignal }: LookupContext,
): Promise<LookupResult> {
  const owners = props.Owners?.length ? props.Owners : DEFAULT_OWNERS;
  const filters: Filter[] = [
    { Name: 'name', Values: [props.ImageName] },
    { Name: 'state', Values: ['available'] },
  ];
  if (props.Architecture !== undefined) filters.push({ Name: 'architecture', Values: [props.Architecture] });

  const images = await allItems(
    paginateDescribeImages({ client: ec2 }, { Owners: owners, Filters: filters }, { abortSignal }),
    (page) => page.Images,
  );
  const newest = newestImage(images);
  if (newest === undefined) {
    const region = await ec2.config.region();
    const architecture = props.Architecture === undefined ? '' : ` for ${props.Architecture}`;
    throw new LookupError(
      `no available image named ${show(props.ImageName)} owned by ${joinOr(owners)}${architecture} in ${region}; check the wildcards (* and ?) in ImageName and the Owners`,
    );
  }
  return { id: newest.ImageId ?? '', data: imageData(newest, images.length) };
}

/** The image with the latest `CreationDate`; on a tie, the one with the greater id. */
export function newestImage(images: readonly Image[]): Image | undefined {
  let newest: Image | undefined;
  for (const image of images) {
    if (newest === undefined) newest = image;
    else {
      const order = created(image) - created(newest) || compareText(image.ImageId, newest.ImageId);
      if (order > 0) newest = image;
    }
  }
  return newest;
}

/** The attributes of an image; `matchCount` is how many images matched the name. */
export function imageData(image: Image, matchCount: number): Data {
  const tags = [...(image.Tags ?? [])].sort((a, b) => compareText(a.Key, b.Key));
  return toData({
    ImageId: image.ImageId,
    Name: image.Name,
    ImageLocation: image.ImageLocation,
    State: image.State,
    OwnerId: image.OwnerId,
    CreationDate: image.CreationDate,
    Public: image.Public ?? false,
    Architecture: image.Architecture,
    ImageType: image.ImageType,
    SriovNetSupport: image.SriovNetSupport ?? '',
    RootDeviceType: image.RootDeviceType,
    RootDeviceName: image.RootDeviceName,
    VirtualizationType: image.VirtualizationType,
    Hypervisor: image.Hypervisor,
    Tags: tags.map((tag) => `${tag.Key}=${tag.Value ?? ''}`),
    Description: image.Description ?? '',
    MatchCount: matchCount,
  });
}

function created(image: Image): number {
  const time = Date.parse(image.CreationDate ?? '');
  return Number.isNaN(time) ? -Infinity : time;
}

function joinOr(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

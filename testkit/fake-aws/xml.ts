/** A value an XML answer can hold: text, an element, or a list of them. Empty values leave the element out. */
export type Xml = string | number | boolean | Date | undefined | null | XmlElement | readonly Xml[];

export interface XmlElement {
  readonly tag: string;
  readonly content: Xml;
  readonly xmlns?: string;
}

/** `<tag>content</tag>`; left out of the answer when `content` is `undefined` or `null`. */
export function el(tag: string, content: Xml, xmlns?: string): XmlElement {
  return { tag, content, xmlns };
}

/**
 * An element for each of a record's `names`, in order, named as the SDK
 * names the field or as `tagOf` renames it; a field the record lacks is left out.
 */
export function fields<T extends object>(record: T, names: ReadonlyArray<keyof T & string>, tagOf: (name: string) => string = (name) => name): XmlElement[] {
  return names.map((name) => el(tagOf(name), record[name] as Xml));
}

/** EC2's element names: the SDK's field name with a lower-case first letter, `VpcId` as `vpcId`. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A list as AWS writes it: each item in an element of its own (`item`, `member`, `CacheNode`, ...). */
export function list<T>(tag: string, itemTag: string, items: readonly T[] | undefined, render: (item: T) => Xml): XmlElement {
  return el(tag, items === undefined ? undefined : items.map((item) => el(itemTag, render(item))));
}

/** The whole document, with the XML declaration AWS services send. */
export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(root)}`;
}

function renderXml(value: Xml): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(renderXml).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const element = value as XmlElement;
    if (element.content === undefined || element.content === null) return '';
    const attributes = element.xmlns ? ` xmlns="${escapeXml(element.xmlns)}"` : '';
    return `<${element.tag}${attributes}>${renderXml(element.content)}</${element.tag}>`;
  }
  return escapeXml(String(value));
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

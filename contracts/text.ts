/** The first `limit` items, comma-separated, then how many more there are: `a, b and 3 more`. */
export function listSome(items: readonly string[], limit: number): string {
  const more = items.length - limit;
  return more > 0 ? `${items.slice(0, limit).join(', ')} and ${more} more` : items.join(', ');
}

/**
 * As many items as fit `budget` characters, comma-separated (at least one),
 * then how many more there are.
 */
export function listWithin(items: readonly string[], budget: number): string {
  let shown = Math.min(1, items.length);
  let length = items[0]?.length ?? 0;
  while (shown < items.length && length + 2 + items[shown].length <= budget) {
    length += 2 + items[shown].length;
    shown++;
  }
  return listSome(items, shown);
}

/**
 * Orders text by UTF-16 code units, whatever the locale, a missing value as
 * the empty text; for `Array.prototype.sort`.
 */
export function compareText(a: string | undefined, b: string | undefined): number {
  const [x, y] = [a ?? '', b ?? ''];
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/**
 * A short, printable rendering of a value for an error message; a value JSON
 * cannot render (nested too deeply, or cyclic) by its kind alone.
 */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'nothing';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = `${Array.isArray(value) ? 'an array' : 'an object'} nested too deeply to show`;
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

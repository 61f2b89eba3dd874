import type { Data } from './definition';

export type Value = string | number | boolean | Date | readonly string[] | null | undefined;

/**
 * Builds a `Data` map: numbers and booleans become `"42"`, `"true"`, dates
 * ISO 8601, lists are joined with commas, and missing values are left out.
 */
export function toData(values: Record<string, Value>): Data {
  const data: Data = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Date) data[key] = value.toISOString();
    else if (Array.isArray(value)) data[key] = value.join(',');
    else data[key] = String(value);
  }
  return data;
}

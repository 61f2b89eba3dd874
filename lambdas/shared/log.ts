/**
 * The only place the handlers write logs: one JSON line per record on
 * standard output, which Lambda sends to CloudWatch Logs. Every record goes
 * through `sanitize`, so a URL never shows its query string (the signature of
 * a pre-signed ResponseURL). Response data is never handed to the logger:
 * records name attributes, never their values, so `NoEcho` data stays out.
 */

export type Level = 'INFO' | 'WARN' | 'ERROR';

export type Fields = Record<string, unknown>;

/** Writes one record as a single JSON line. */
export function log(level: Level, message: string, fields: Fields = {}): void {
  console.log(JSON.stringify(sanitize({ level, message, ...fields })));
}

const URL_WITH_QUERY = /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi;
const SIGNED_PARAMETER = /[?&]?X-Amz-[A-Za-z-]+=[^\s&#"'<>]*/gi;

/**
 * Removes what must not reach the logs from every string in a value: the
 * query string of any URL, and any `X-Amz-...=` signing parameter left
 * outside a recognisable URL.
 */
export function sanitize(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL_WITH_QUERY, '$1').replace(SIGNED_PARAMETER, '');
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sanitize(item)]));
  }
  return value;
}

/**
 * The only place the handlers write logs: one JSON line per record on
 * standard output, which Lambda sends to CloudWatch Logs. Under Lambda's JSON
 * log format (`AWS_LAMBDA_LOG_FORMAT=JSON`) each record goes to the console
 * as an object, which Lambda writes as the `message` of its own JSON line,
 * beside `timestamp`, `level` and `requestId`. Every record goes
 * through `sanitize`, so a URL never shows its query string (the signature of
 * a pre-signed ResponseURL). Response data is never handed to the logger:
 * records name attributes, never their values, so `NoEcho` data stays out.
 */

import { shorten } from './reason';

export type Level = 'INFO' | 'WARN' | 'ERROR';

export type Fields = Record<string, unknown>;

const CONSOLE_METHOD = { INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Writes one record as a single JSON line. */
export function log(level: Level, message: string, fields: Fields = {}): void {
  const record = sanitize({ level, message, ...fields });
  if (process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON') console[CONSOLE_METHOD[level]](record);
  else console.log(JSON.stringify(record));
}

/** The most of any one string a record shows; the rest is cut, and its length said. */
export const MAX_LOGGED_CHARS = 1024;

/** Runs of text between white space, quotes and angle brackets: the words a URL or parameter lies in. */
const WORD = /[^\s"'<>]+/g;

/**
 * Removes what must not reach the logs from every string in a value: the
 * query string of any URL, and any `X-Amz-...=` signing parameter left
 * outside a recognisable URL. A string longer than `MAX_LOGGED_CHARS` is
 * cut first and ends in `… (<length> characters)`. Each string is read once
 * from left to right, so its time grows in step with its length.
 */
export function sanitize(value: unknown): unknown {
  if (typeof value === 'string') return capped(value);
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, sanitize(item)]));
  }
  return value;
}

function capped(text: string): string {
  if (text.length <= MAX_LOGGED_CHARS) return redacted(text);
  return `${redacted(shorten(text, MAX_LOGGED_CHARS))} (${text.length} characters)`;
}

function redacted(text: string): string {
  return text.replace(WORD, (word) => withoutSignedParameters(withoutQueries(word)));
}

/**
 * A word without the query string of the URLs in it: after each `://`, a `?`
 * that comes before any `#` starts a query, which runs to the next `#` or
 * the end of the word.
 */
function withoutQueries(word: string): string {
  const nextQuery = finder(word, '?');
  const nextFragment = finder(word, '#');
  let kept = '';
  let from = 0;
  for (let scheme = word.indexOf('://'); scheme >= 0; scheme = word.indexOf('://', from)) {
    const query = nextQuery(scheme + 3);
    const fragment = nextFragment(scheme + 3);
    if (query >= 0 && (fragment < 0 || query < fragment)) {
      kept += word.slice(from, query);
      from = fragment < 0 ? word.length : fragment;
    } else if (fragment >= 0) {
      kept += word.slice(from, fragment + 1);
      from = fragment + 1;
    } else {
      break;
    }
  }
  return kept + word.slice(from);
}

/**
 * Finds `char` in `text` at or after a position, for positions asked in
 * increasing order, reading the text at most once in all.
 */
function finder(text: string, char: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || found >= from) return found;
    found = text.indexOf(char, from);
    return found;
  };
}

/** `X-Amz-` in any case. */
const SIGNED_PREFIX = /x-amz-/gi;
const NAME_CHAR = /[A-Za-z-]/;

/**
 * A word without `X-Amz-<name>=<value>` parameters (any case), each with the
 * `?` or `&` before it; a value runs to the next `&` or `#`.
 */
function withoutSignedParameters(word: string): string {
  let kept = '';
  let from = 0;
  SIGNED_PREFIX.lastIndex = 0;
  for (let match = SIGNED_PREFIX.exec(word); match !== null; match = SIGNED_PREFIX.exec(word)) {
    const at = match.index;
    let nameEnd = SIGNED_PREFIX.lastIndex;
    while (nameEnd < word.length && NAME_CHAR.test(word[nameEnd])) nameEnd += 1;
    SIGNED_PREFIX.lastIndex = nameEnd;
    if (nameEnd === at + match[0].length || word[nameEnd] !== '=') continue;
    let valueEnd = nameEnd + 1;
    while (valueEnd < word.length && word[valueEnd] !== '&' && word[valueEnd] !== '#') valueEnd += 1;
    const start = at > from && (word[at - 1] === '?' || word[at - 1] === '&') ? at - 1 : at;
    kept += word.slice(from, start);
    from = valueEnd;
    SIGNED_PREFIX.lastIndex = valueEnd;
  }
  return kept + word.slice(from);
}

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { ResponseBody } from '../lambdas/shared/response';
import { closeServer, listenOnLoopback } from './loopback';

/**
 * How the server answers one request: an HTTP status, a dropped connection
 * (`reset`), or no answer at all (`hang`).
 */
export type Reply = number | 'reset' | 'hang';

/** One answer a handler PUT to its ResponseURL, as CloudFormation would see it. */
export interface ReceivedPut {
  readonly method: string;
  /** The path of the ResponseURL, without its query string: one per event. */
  readonly path: string;
  /** The query string, with its `?`: the signature that must never reach a log. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The body read as JSON; `{}` when it is not JSON (`rawBody` has it as sent). */
  readonly body: ResponseBody;
  /** The body's length in bytes, as received. */
  readonly bytes: number;
  /** The `content-length` header as a number. */
  readonly contentLength: number;
  /** The peer's address: a loopback one, or something is wrong. */
  readonly remoteAddress: string;
}

/** The signature a ResponseURL carries unless a caller picks its own. */
const SIGNATURE = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

/**
 * A real HTTP server on 127.0.0.1 standing in for the pre-signed S3 URL
 * CloudFormation gives each event. It records every request and answers
 * each one as scripted with `reply`, then 200, as S3 does. The jest tests,
 * the end-to-end run and `npm run lookup` all answer to it.
 */
export class ResponseServer {
  readonly received: ReceivedPut[] = [];
  private readonly replies: Reply[] = [];

  private constructor(
    private readonly server: Server,
    private readonly base: string,
  ) {
    server.on('request', async (req, res) => {
      const raw = await buffer(req);
      const url = new URL(req.url ?? '/', 'http://response');
      const rawBody = raw.toString('utf8');
      const put: ReceivedPut = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        headers: req.headers,
        rawBody,
        body: parseBody(rawBody),
        bytes: raw.length,
        contentLength: Number(req.headers['content-length']),
        remoteAddress: req.socket.remoteAddress ?? '',
      };
      this.received.push(put);
      const reply = this.replies.shift() ?? 200;
      if (reply === 'reset') req.socket.destroy();
      else if (reply !== 'hang') res.writeHead(reply, { 'content-length': 0 }).end();
    });
  }

  static async start(): Promise<ResponseServer> {
    const server = createServer();
    return new ResponseServer(server, await listenOnLoopback(server));
  }

  /** Scripts the answers to the next requests, in order; later ones get 200. */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  /**
   * A ResponseURL on this server, signed like S3's: by default one of
   * CloudFormation's paths for a new request.
   */
  url(path = `/cloudformation-custom-resource-response/${randomUUID()}`, signature = SIGNATURE): string {
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': '20260101T000000Z',
      'X-Amz-Expires': '7200',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/s3/aws4_request',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature,
    });
    return `${this.base}${path}?${query}`;
  }

  /** The answers that came to `path`. */
  to(path: string): ReceivedPut[] {
    return this.received.filter((put) => put.path === path);
  }

  /** Stops the server, dropping connections it never answered. */
  async close(): Promise<void> {
    await closeServer(this.server);
  }
}

function parseBody(rawBody: string): ResponseBody {
  try {
    return JSON.parse(rawBody) as ResponseBody;
  } catch {
    return {} as ResponseBody;
  }
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { closeServer, listenOnLoopback } from '../loopback';

/** One answer a handler PUT to its ResponseURL. */
export interface ReceivedResponse {
  /** The path of the ResponseURL, without its query string: one per event. */
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly bytes: number;
  readonly remoteAddress: string;
}

/**
 * Stands in for the pre-signed S3 URL CloudFormation gives each event:
 * records every request and answers 200, as S3 does.
 */
export class ResponseServer {
  readonly received: ReceivedResponse[] = [];
  private server: Server | undefined;
  private base = '';

  async start(): Promise<void> {
    const server = createServer(async (req, res) => {
      const body = await buffer(req);
      this.received.push({
        path: new URL(req.url ?? '/', 'http://response').pathname,
        method: req.method ?? '',
        headers: req.headers,
        rawBody: body.toString('utf8'),
        bytes: body.length,
        remoteAddress: req.socket.remoteAddress ?? '',
      });
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    });
    this.server = server;
    this.base = await listenOnLoopback(server);
  }

  /** A ResponseURL for one event, signed like S3's with a query string that must never reach a log. */
  urlFor(path: string, signature: string): string {
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAE2ERESPONSE/20250101/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20250101T000000Z',
      'X-Amz-Expires': '7200',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature,
    });
    return `${this.base}${path}?${query}`;
  }

  /** The answers that came to `path`. */
  to(path: string): ReceivedResponse[] {
    return this.received.filter((response) => response.path === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }
}

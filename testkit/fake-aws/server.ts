import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { closeServer, isLoopback, listenOnLoopback } from '../loopback';
import { answerAcm } from './acm';
import { answerAutoScaling } from './autoscaling';
import type { FakeAccount } from './account';
import { answerCloudFormation } from './cloudformation';
import { answerEc2 } from './ec2';
import { answerElasticache } from './elasticache';
import { answerIam } from './iam';
import { answerLogs } from './logs';
import { REQUEST_ID, type AwsAnswer, type AwsRequest } from './protocol';
import { answerRoute53 } from './route53';
import { answerSsm } from './ssm';

/** One call the fake AWS endpoint received, as recorded for the run's checks. */
export interface AwsCall {
  readonly service: string;
  readonly region: string;
  readonly action: string;
  readonly input: unknown;
  readonly status: number;
  /** False for a call the fake account does not serve. */
  readonly known: boolean;
  /** The peer address of the connection and the Host header: both must be loopback. */
  readonly remoteAddress: string;
  readonly host: string;
}

type ServiceAnswer = (request: AwsRequest, account: FakeAccount) => AwsAnswer;

/** The services by the name their SigV4 credential scope gives. */
const SERVICES: Readonly<Record<string, ServiceAnswer>> = {
  route53: answerRoute53,
  ec2: answerEc2,
  elasticache: answerElasticache,
  cloudformation: answerCloudFormation,
  iam: answerIam,
  acm: answerAcm,
  autoscaling: answerAutoScaling,
  ssm: answerSsm,
  logs: answerLogs,
};

/**
 * A local stand-in for the AWS APIs the lookups use, answering from a fake
 * account in each service's wire format. Every client reaches it through
 * `AWS_ENDPOINT_URL`; it tells the services apart by the SigV4 credential
 * scope, as the signature names the service. Listens on 127.0.0.1 only.
 */
export class FakeAws {
  readonly calls: AwsCall[] = [];
  private server: Server | undefined;

  constructor(readonly account: FakeAccount) {}

  /** Starts listening; resolves the endpoint URL to give as `AWS_ENDPOINT_URL`. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    return listenOnLoopback(server);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  /** Calls the fake account does not serve, or that reached it other than on loopback, as sentences. */
  problems(): string[] {
    return this.calls.flatMap((call) => {
      const found: string[] = [];
      if (!call.known) found.push(`the handlers called ${call.service} ${call.action}, which the fake AWS account does not serve`);
      if (!isLoopback(call.remoteAddress)) found.push(`the fake AWS endpoint was reached from ${call.remoteAddress}`);
      if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(call.host)) found.push(`a call was addressed to host ${call.host}`);
      return found;
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await buffer(req);
    const url = new URL(req.url ?? '/', 'http://fake-aws');
    const scope = credentialScope(req.headers.authorization);
    const request: AwsRequest = {
      service: scope?.service ?? '(unsigned)',
      region: scope?.region ?? '',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: body.toString('utf8'),
    };
    const answer = this.answer(request);
    this.calls.push({
      service: request.service,
      region: request.region,
      action: answer.action,
      input: answer.input,
      status: answer.status,
      known: answer.known,
      remoteAddress: req.socket.remoteAddress ?? '',
      host: req.headers.host ?? '',
    });
    res.writeHead(answer.status, {
      'content-type': answer.contentType,
      'content-length': Buffer.byteLength(answer.body),
      'x-amzn-requestid': REQUEST_ID,
    });
    res.end(answer.body);
  }

  private answer(request: AwsRequest): AwsAnswer {
    const service = Object.hasOwn(SERVICES, request.service) ? SERVICES[request.service] : undefined;
    if (service) return service(request, this.account);
    return {
      action: `${request.method} ${request.path}`,
      input: request.body,
      status: 403,
      contentType: 'text/plain',
      body: `the fake AWS endpoint serves no service "${request.service}"`,
      known: false,
    };
  }
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/ec2/aws4_request, ...` -> region and service. */
function credentialScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { region: match[1], service: match[2] } : undefined;
}

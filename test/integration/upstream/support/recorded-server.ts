import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the recorded server received, for assertions on what the client sent. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Accept the request and never answer: the client's timeout must end it. */
  | 'hang'
  /** Drop the connection without an answer: a network error for the client. */
  | 'reset';

/**
 * A tiny local HTTP server that answers with recorded upstream bodies, verbatim, as a test scripts it.
 * The handler sees each request in order and returns the reply for it.
 */
export class RecordedServer {
  readonly seen: SeenRequest[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(private handler: (request: SeenRequest, index: number) => Reply) {}

  reply(handler: (request: SeenRequest, index: number) => Reply): void {
    this.handler = handler;
    this.seen.length = 0;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.seen.push(seen);
        const reply = this.handler(seen, this.seen.length - 1);
        if (reply === 'hang') {
          this.hanging.add(res);
          return;
        }
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json;charset=UTF-8', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests to a path, in order. */
  to(path: string): SeenRequest[] {
    return this.seen.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

const FIXTURES = new URL('../../../fixtures/upstream/', import.meta.url);

/** A recorded sample's text exactly as stored. */
export function sample(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function sampleJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(sample(name)) as T;
}

export const json = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({ status, body, headers });

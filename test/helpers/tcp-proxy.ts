import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP forwarder that a test can sever, so the processes under test lose Postgres or Redis
 * while the shared servers keep running for everyone else.
 */
export interface TcpProxy {
  /** Loopback port the processes connect to. */
  port: number;
  /** The target URL with its host and port replaced by the proxy's. */
  urlFor(targetUrl: string): string;
  /** Refuses new connections (they are reset at once) and destroys every open one. */
  cut(): void;
  /** Forwards again. */
  restore(): void;
  /**
   * A network black hole: open connections stay open but nothing moves either way, and new connections are
   * accepted and then left hanging. Nothing is reset, so only the clients' own timeouts can notice.
   */
  freeze(): void;
  /** Lets everything held by a freeze through, in order, as if the network came back. */
  thaw(): void;
  /**
   * Ends a freeze the other way: what the black hole held is lost (every connection open or held is destroyed,
   * nothing buffered is delivered), and new connections are forwarded again.
   */
  discard(): void;
  isCut(): boolean;
  /** Connections accepted and forwarded since start. */
  connectionsForwarded(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const held: Socket[] = [];
  let severed = false;
  let frozen = false;
  let forwarded = 0;

  const forward = (client: Socket) => {
    forwarded += 1;
    const upstream = createConnection({ host: target.host, port: target.port });
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server: Server = createServer((client) => {
    if (severed) {
      // A reset, not a clean close: drivers see ECONNRESET at once instead of waiting on a half-open socket.
      client.resetAndDestroy();
      return;
    }
    if (frozen) {
      client.pause();
      client.on('error', () => client.destroy());
      held.push(client);
      return;
    }
    forward(client);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    urlFor(targetUrl) {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    cut() {
      severed = true;
      for (const socket of open) {
        if (!socket.destroyed) socket.resetAndDestroy();
      }
      open.clear();
    },
    restore() {
      severed = false;
    },
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const [client, upstream] of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
      for (const client of held.splice(0)) {
        if (!client.destroyed) forward(client);
      }
    },
    discard() {
      frozen = false;
      for (const socket of held.splice(0)) socket.destroy();
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
    },
    isCut: () => severed,
    connectionsForwarded: () => forwarded,
    async close() {
      severed = true;
      for (const socket of held.splice(0)) socket.destroy();
      for (const socket of open) socket.destroy();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Host and port of a postgresql:// or redis:// URL. */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const fallback = parsed.protocol.startsWith('redis') ? 6379 : 5432;
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : fallback };
}

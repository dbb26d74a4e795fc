import net from 'node:net';

/** Where tests may connect: this machine only (Postgres, Redis, the simulators and the servers under test). */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1', '0.0.0.0']);

const refused: string[] = [];

function targetOf(args: unknown[]): { host: string | undefined; isPath: boolean } {
  const [first, second] = args;
  if (Array.isArray(first)) return targetOf(first);
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    return { host: options.host, isPath: typeof options.path === 'string' };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { host: undefined, isPath: true };
  return { host: typeof second === 'string' ? second : undefined, isPath: false };
}

/**
 * Every TCP connection in the test process goes through Socket#connect (fetch, ioredis and pg alike). One to
 * any other host is refused on the spot and fails the test that made it, so no test can come to depend on the
 * internet. Child processes the tests start are not covered.
 */
export function refuseOutboundConnections(): void {
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const { host, isPath } = targetOf(args);
    if (!isPath && host !== undefined && !LOCAL_HOSTS.has(host)) {
      refused.push(host);
      const err = new Error(`outbound connection to ${host} refused in tests`);
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

/** The hosts refused since the last call, emptied. */
export function takeRefused(): string[] {
  return refused.splice(0, refused.length);
}

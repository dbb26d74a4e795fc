import { connect } from 'node:net';

export interface RedisMonitor {
  /** Every command Redis reported since the monitor started: the sending client's address and the command. */
  readonly commands: { source: string; name: string }[];
  close(): void;
}

/**
 * A MONITOR stream read from a plain socket. ioredis's own monitor() can fail with "Command queue state error"
 * when another client's command is echoed before it has taken MONITOR's reply; a socket has no queue to upset.
 */
export async function monitorRedis(redisUrl: string): Promise<RedisMonitor> {
  const { hostname, port } = new URL(redisUrl);
  const socket = connect(Number(port || 6379), hostname);
  const commands: RedisMonitor['commands'] = [];
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line === '+OK') resolve();
        // +1796092820.389828 [0 127.0.0.1:49446] "info" ...
        const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] "([^"]*)"/.exec(line);
        if (match) commands.push({ source: match[1]!, name: match[2]!.toLowerCase() });
      }
    });
    socket.write('MONITOR\r\n');
  });
  socket.on('error', () => undefined);
  return { commands, close: () => socket.destroy() };
}

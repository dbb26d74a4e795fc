import type { Server } from 'node:net';

/** A port another process already listens on (or one this user may not open), told apart from other failures. */
export class PortUnavailableError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly reason: 'taken' | 'forbidden',
  ) {
    super(reason === 'taken' ? `port ${port} is taken` : `port ${port} may not be opened by this user`);
    this.name = 'PortUnavailableError';
  }
}

/** server.listen as a promise that rejects (instead of an unhandled 'error' event) when the port cannot be had. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new PortUnavailableError(port, host, 'taken'));
      else if (err.code === 'EACCES') reject(new PortUnavailableError(port, host, 'forbidden'));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The one line an operator reads when a port cannot be had: which port, and which variable moves it. */
export function portProblem(err: PortUnavailableError, variable: string, suggestion?: number): string {
  const fix = `set ${variable}=${suggestion ?? '<another port>'}`;
  return err.reason === 'taken' ? `port ${err.port} is taken: ${fix}` : `port ${err.port} may not be opened by this user: ${fix}`;
}

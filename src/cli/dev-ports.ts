import { createServer } from 'node:net';
import { listen, portProblem, PortUnavailableError } from '../listen.js';

/** A port the dev runner needs, and the variable that moves it. */
export interface PortClaim {
  variable: string;
  port: number;
}

async function tryPort(port: number, host: string): Promise<void> {
  const server = createServer();
  await listen(server, port, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function anyFreePort(host: string): Promise<number | undefined> {
  const server = createServer();
  try {
    await listen(server, 0, host);
    const address = server.address();
    return typeof address === 'object' && address ? address.port : undefined;
  } catch {
    return undefined;
  } finally {
    server.close();
  }
}

/**
 * The first port of the dev stack that cannot be had, as the one line to print (naming the variable that
 * moves it and a port that is free now), or undefined when all can. Checked before anything starts, so a clash
 * is one clear line rather than a child's stack trace after the banner.
 */
export async function firstPortProblem(host: string, claims: PortClaim[]): Promise<string | undefined> {
  const seen = new Map<number, string>();
  for (const claim of claims) {
    const earlier = seen.get(claim.port);
    if (earlier) return `${earlier} and ${claim.variable} are both ${claim.port}: set ${claim.variable}=${(await anyFreePort(host)) ?? '<another port>'}`;
    seen.set(claim.port, claim.variable);
    try {
      await tryPort(claim.port, host);
    } catch (err) {
      if (!(err instanceof PortUnavailableError)) throw err;
      return portProblem(err, claim.variable, await anyFreePort(host));
    }
  }
  return undefined;
}

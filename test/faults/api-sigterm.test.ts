import { Agent, request } from 'node:http';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startChild } from '../helpers/processes.js';
import { TEST_JWT_SECRET } from '../helpers/test-env.js';

interface Sample {
  startedAt: number;
  endedAt: number;
  status: number | null;
  error?: string;
  /** False when the request opened a new connection. */
  reusedSocket: boolean;
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<Omit<Sample, 'startedAt' | 'endedAt'>> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers, timeout: 10000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, reusedSocket: req.reusedSocket }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: null, error: err.code ?? err.message, reusedSocket: req.reusedSocket }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: null, error: err.code ?? err.message, reusedSocket: req.reusedSocket }));
    req.end();
  });
}

/**
 * Keeps `concurrency` keep-alive connections busy, one request at a time each, as a load balancer's pool
 * would, until `stop()`; records every request.
 */
function loadLoop(urls: string[], concurrency: number, headers: Record<string, string> = {}) {
  const samples: Sample[] = [];
  let running = true;
  const agents: Agent[] = [];
  const lanes = Array.from({ length: concurrency }, async (_, lane) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    let i = lane;
    while (running) {
      const startedAt = performance.now();
      const result = await get(agent, urls[i++ % urls.length] as string, headers);
      samples.push({ startedAt, endedAt: performance.now(), ...result });
      // After the listener closed, every new connection is refused at once; do not spin.
      if (result.status === null) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(lanes);
      for (const agent of agents) agent.destroy();
    },
  };
}

describe('api SIGTERM under load', function () {
  this.timeout(60000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ jwtSecretKey: TEST_JWT_SECRET });
  });
  after(async () => {
    await sim?.close();
  });

  it('finishes every request in flight, then exits with code 0', async () => {
    const api = await startChild('api', { ...sim.env, LOG_LEVEL: 'info' });
    try {
      const guildMaster = sim.world.demoUsers.guildMaster;
      const paths = ['/guilds/1/progress/roadmap', '/guilds/1/progress/message', '/guilds/1/progress/members?limit=5', '/health', '/metrics'];
      const load = loadLoop(paths.map((p) => `${api.url}${p}`), 32, { authorization: `Bearer ${sim.tokenFor(guildMaster)}` });
      const warmUntil = Date.now() + 1000;
      while (Date.now() < warmUntil || load.samples.length < 100) await new Promise((resolve) => setTimeout(resolve, 50));
      const before = load.samples.length;
      const signalledAt = performance.now();
      api.signal('SIGTERM');
      // The load keeps running: the api must stop even while clients keep their connections busy.
      const code = await Promise.race([
        api.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running 15 s after SIGTERM'), 15000)),
      ]);
      await load.stop();

      expect(code, api.logs.lines().slice(-10).join('\n')).to.equal(0);
      const inFlight = load.samples.filter((s) => s.startedAt < signalledAt);
      expect(before, 'the load reached the api').to.be.at.least(100);
      const failed = inFlight
        .filter((s) => s.status !== 200)
        .map((s) => ({ ...s, startedAt: Math.round(s.startedAt - signalledAt), endedAt: Math.round(s.endedAt - signalledAt) }));
      expect(failed, 'requests sent before SIGTERM that did not get a full answer (ms relative to SIGTERM)').to.deep.equal([]);
      const overlapping = inFlight.filter((s) => s.endedAt > signalledAt);
      expect(overlapping.length, 'requests still running when SIGTERM arrived').to.be.greaterThan(0);
      expect(api.logs.lines().join('\n')).to.contain('shutting down');
    } finally {
      await api.stop();
    }
  });
});

import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from '../../../src/sim/index.js';
import { JWT_SECRET } from '../upstream/support/configs.js';

const SECRET = 'webhook-secret-for-the-simulator-test';

describe('simulated guild-api webhooks', () => {
  let sim: Simulator;
  let receiver: Server;
  let received: { headers: IncomingHttpHeaders; body: string } | undefined;
  let url: string;

  before(async () => {
    sim = await startSimulator({ jwtSecretKey: JWT_SECRET });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received = { headers: req.headers, body };
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"accepted":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/guild-api`;
  });
  after(async () => {
    await sim.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 and sends the documented headers', async () => {
    const answer = await sim.sendWebhook(url, SECRET, { type: 'member.left', guild_id: 1, data: { character_name: 'Zúljín', bnet_id: 1003 } });
    expect(answer).to.deep.equal({ status: 202, body: { accepted: true } });
    const { headers, body } = received!;
    const timestamp = headers['x-webhook-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).to.be.below(5);
    const expected = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
    expect(headers['x-webhook-signature']).to.equal(`sha256=${expected}`);
    const event = JSON.parse(body) as Record<string, unknown>;
    expect(event).to.include({ type: 'member.left', guild_id: 1 });
    expect(event.id).to.be.a('string');
    expect(Date.parse(event.occurred_at as string)).to.not.be.NaN;
    expect(event.data).to.deep.equal({ character_name: 'Zúljín', bnet_id: 1003 });
  });

  it('keeps a given id and timestamp, so tests can replay or age an event', async () => {
    await sim.sendWebhook(url, SECRET, { id: 'evt-1', type: 'guild.roster_changed', guild_id: 2, data: {}, occurred_at: '2026-11-25T10:00:00Z' }, { timestamp: 1_700_000_000 });
    expect(received!.headers['x-webhook-timestamp']).to.equal('1700000000');
    expect(JSON.parse(received!.body)).to.include({ id: 'evt-1', occurred_at: '2026-11-25T10:00:00Z' });
  });
});

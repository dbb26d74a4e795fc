import { expect } from 'chai';
import { takeRefused } from '../../helpers/no-outbound.js';

describe('tests stay on this machine', () => {
  it('refuses a connection to another host and reports it (the root hook would fail the test)', async () => {
    let failure: Error | undefined;
    try {
      await fetch('http://example.com/', { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      failure = err as Error;
    }
    expect(failure, 'the request failed').to.not.equal(undefined);
    // Taken here so the root hook does not fail this test for the refusal it is about.
    expect(takeRefused()).to.deep.equal(['example.com']);
  });

  it('lets connections to 127.0.0.1 through', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal('ok');
      expect(takeRefused()).to.deep.equal([]);
    } finally {
      server.close();
    }
  });
});

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/*
 * The physical limit of Node on this machine for the two measured reads: a bare `node:http` server that answers
 * each path with the very bytes the api sent for it (status, headers and body captured from the api once warm),
 * with no routing, parsing, auth or I/O of any kind. Node itself adds the same Date, Connection and Keep-Alive
 * headers it adds to the api's responses.
 */
interface Captured {
  status: number;
  /** Header name and value pairs as the api sent them, hop-by-hop headers left out. */
  headers: Array<[string, string]>;
  body: string;
}

const captured = JSON.parse(readFileSync(process.env.BARE_RESPONSES as string, 'utf8')) as Record<string, Captured>;
const responses = new Map(
  Object.entries(captured).map(([path, r]) => [path, { status: r.status, headers: r.headers.flat(), body: Buffer.from(r.body, 'base64') }]),
);

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    return;
  }
  const response = responses.get(req.url ?? '');
  if (!response) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(response.status, response.headers).end(response.body);
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

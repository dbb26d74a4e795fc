import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import pino from 'pino';
import client from 'prom-client';
const size = Number(process.env.SIZE);
const mode = process.env.MODE;
const body = Buffer.alloc(size, 97);
const headers = ['X-Request-Id','abc','Vary','Origin','X-Content-Type-Options','nosniff','X-Frame-Options','DENY','Referrer-Policy','no-referrer','Cross-Origin-Resource-Policy','same-site','Content-Security-Policy',"default-src 'none'",'RateLimit-Limit','100000','RateLimit-Remaining','99999','RateLimit-Reset','60','Cache-Control','private, no-store','Content-Type','application/json; charset=utf-8','ETag','"abcdefabcdefabcdefabcdefabc"'];
const redis = new Redis({ enableAutoPipelining: process.env.AUTOPIPE === '1' });
const pfx = 'exp:' + process.pid + ':';
await redis.set(pfx + 'perm', '{"allowed":true,"rankId":0}');
await redis.hset(pfx + 'snap', 'guild', '{"realm":"x","region":"eu"}');
await redis.hset(pfx + 'h', 'f', Buffer.concat([Buffer.from('99999999999999 "abcdefabcdefabcdefabcdefabc"\n'), body]));
redis.defineCommand('rd', { numberOfKeys: 4, lua: `
redis.call('set', KEYS[1], 0, 'EX', 60, 'NX')
local c = redis.call('incrby', KEYS[1], 1)
local ttl = redis.call('pttl', KEYS[1])
local perm = redis.call('GET', KEYS[2])
local guild = redis.call('HGET', KEYS[3], 'guild')
local body = redis.call('HGET', KEYS[4], 'f')
if ARGV[1] ~= '' and string.sub(body, 1, #ARGV[1]) == ARGV[1] then body = 1 end
return {c, ttl, perm, guild, body}` });
const log = pino({ level: 'info' }, pino.destination({ dest: '/tmp/exp/log.txt', sync: false }));
const h = new client.Histogram({ name: 'x', help: 'x', labelNames: ['method', 'route', 'status'] });
redis.defineCommand('tr', { numberOfKeys: 1, lua: `return redis.call('HGET', KEYS[1], 'f')` });
const known = process.env.LOCAL === '1' ? '99999999999999 "abcdefabcdefabcdefabcdefabc"\n' : '';
const server = createServer((req, res) => {
  if (mode === 'bare') { res.writeHead(200, headers).end(body); return; }
  const t = process.hrtime.bigint();
  const p = mode === 'trivial' ? redis.trBuffer(pfx + 'h').then((x) => [0, 0, null, null, x]) : redis.rdBuffer(pfx + 'rl', pfx + 'perm', pfx + 'snap', pfx + 'h', known);
  p.then((r) => {
    if (r[2]) { JSON.parse(r[2].toString()); JSON.parse(r[3].toString()); }
    const b = Buffer.isBuffer(r[4]) ? r[4].subarray(r[4].indexOf(10) + 1) : body;
    res.writeHead(200, headers).end(b);
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    if (process.env.NOLOG === '1') return;
    h.observe({ method: 'GET', route: '/guilds/:id', status: '200' }, s);
    log.info({ requestId: 'abc', method: 'GET', route: '/guilds/:id', path: req.url, status: 200, ms: s * 1000, user: 1 }, 'request');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');

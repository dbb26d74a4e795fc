import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const redisPid = Number(execSync('pgrep -x redis-server').toString().split('\n')[0]);
const r = new Redis();
const p = 'explua:';
const body = Buffer.alloc(Number(process.argv[2] ?? 8000), 97);
await r.set(p + 'perm', '{"allowed":true,"rankId":0}');
await r.hset(p + 'snap', 'guild', '{"realm":"x","region":"eu"}');
const hdr = '99999999999999 "abcdefabcdefabcdefabcdefabc"\n';
await r.hset(p + 'h', 'f', Buffer.concat([Buffer.from(hdr), body]), 'f#', hdr);
const RL = `redis.call('set', KEYS[1], 0, 'EX', 60, 'NX')
local c = redis.call('incrby', KEYS[1], 1)
local ttl = redis.call('pttl', KEYS[1])`;
const variants = {
  noop: `return 1`,
  rl: `${RL}\nreturn {c, ttl}`,
  full: `${RL}\nlocal perm = redis.call('GET', KEYS[2])\nlocal guild = redis.call('HGET', KEYS[3], 'guild')\nlocal body = redis.call('HGET', KEYS[4], 'f')\nif ARGV[1] ~= '' and string.sub(body, 1, #ARGV[1]) == ARGV[1] then body = 1 end\nreturn {c, ttl, perm, guild, body}`,
  hdr: `${RL}\nlocal perm = redis.call('GET', KEYS[2])\nlocal guild = redis.call('HGET', KEYS[3], 'guild')\nlocal body = redis.call('HGET', KEYS[4], 'f#')\nif body ~= ARGV[1] then body = redis.call('HGET', KEYS[4], 'f') else body = 1 end\nreturn {c, ttl, perm, guild, body}`,
  lite: `local c = redis.call('incr', KEYS[1])\nlocal perm = redis.call('GET', KEYS[2])\nlocal guild = redis.call('HGET', KEYS[3], 'guild')\nlocal body = redis.call('HGET', KEYS[4], 'f#')\nif body ~= ARGV[1] then body = redis.call('HGET', KEYS[4], 'f') else body = 1 end\nreturn {c, 0, perm, guild, body}`,
};
for (const [name, lua] of Object.entries(variants)) r.defineCommand('v' + name, { numberOfKeys: 4, lua });
for (const name of Object.keys(variants)) {
  const N = 20000;
  const c0 = cpu(redisPid);
  for (let b = 0; b < N / 50; b++) {
    await Promise.all(Array.from({ length: 50 }, () => r['v' + name + 'Buffer'](p + 'rl', p + 'perm', p + 'snap', p + 'h', hdr)));
  }
  console.log(name, ((cpu(redisPid) - c0) * 1000 / N).toFixed(1), 'us redis cpu per call');
}
process.exit(0);

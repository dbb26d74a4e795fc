import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
const size = process.argv[2];
const variants = process.argv.slice(3);
const procs = {};
let port = 47100;
for (const v of variants) {
  const [mode, extra] = v.split(':');
  const env = { ...process.env, SIZE: size, MODE: mode, PORT: String(++port), AUTOPIPE: extra?.includes('a') ? '1' : '0', LOCAL: extra?.includes('l') ? '1' : '0', NOLOG: extra?.includes('n') ? '1' : '0' };
  procs[v] = { port, child: spawn('node', ['exp-server.mjs'], { env, stdio: 'inherit' }) };
}
await new Promise((r) => setTimeout(r, 1500));
const res = Object.fromEntries(variants.map((v) => [v, []]));
for (let round = 0; round < 2; round++) for (const v of variants) {
  const r = await autocannon({ url: `http://127.0.0.1:${procs[v].port}/x`, connections: 50, duration: 4 });
  res[v].push(r.requests.average);
}
for (const v of variants) console.log(v, res[v].map(Math.round).join(' '), Math.round(res[v].reduce((a, b) => a + b) / res[v].length));
for (const v of variants) procs[v].child.kill();

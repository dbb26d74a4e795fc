import autocannon from 'autocannon';
import { spawn, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const redisPid = Number(execSync('pgrep -x redis-server').toString().split('\n')[0]);
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
  const c0 = cpu(procs[v].child.pid), r0 = cpu(redisPid);
  const r = await autocannon({ url: `http://127.0.0.1:${procs[v].port}/x`, connections: 50, duration: 4 });
  const n = r.requests.total;
  res[v].push(r.requests.average);
  (res[v].cpu ??= []).push(Math.round((cpu(procs[v].child.pid) - c0) * 1000 / n) + 'us/' + Math.round((cpu(redisPid) - r0) * 1000 / n) + 'us');
}
for (const v of variants) console.log(v, res[v].map(Math.round).join(' '), res[v].cpu.join(' '), Math.round(res[v].reduce((a, b) => a + b) / res[v].length));
for (const v of variants) procs[v].child.kill();

import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

// jsonwebtoken given a string secret first tries it as a PEM public key; a KeyObject skips that.
const secret = 'bench-0123456789abcdef0123456789abcdef';
const token = jwt.sign({ bnet_id: 2000, type: 'access' }, secret, { algorithm: 'HS256', expiresIn: 3600 });
const key = createSecretKey(Buffer.from(secret));
for (let round = 0; round < 2; round += 1) {
  for (const [label, k] of [['string', secret], ['KeyObject', key]] as const) {
    const n = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) jwt.verify(token, k, { algorithms: ['HS256'] });
    process.stdout.write(`${label.padEnd(10)} ${(Number(process.hrtime.bigint() - started) / n / 1000).toFixed(1)} µs/verify\n`);
  }
}

import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { checkAccessToken, verifyAccessToken } from '../../../src/api/middleware/auth.js';
import { TEST_JWT_SECRET } from '../../helpers/test-env.js';
import { accessToken, forgeries, hmacToken, refreshToken } from '../../security/jwt-forge.js';

describe('verifyAccessToken', () => {
  it("accepts guild-api's access tokens and reads the bnet_id", () => {
    expect(verifyAccessToken(accessToken(1234), TEST_JWT_SECRET)).to.deep.equal({ bnetId: 1234 });
  });

  for (const { name, token } of forgeries(1234)) {
    it(`refuses: ${name}`, () => {
      expect(verifyAccessToken(token, TEST_JWT_SECRET)).to.equal(undefined);
    });
  }

  it('refuses a valid token longer than 8 KB without verifying it', () => {
    const long = jwt.sign({ bnet_id: 1, type: 'access', pad: 'p'.repeat(8 * 1024) }, TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 });
    expect(verifyAccessToken(long, TEST_JWT_SECRET)).to.equal(undefined);
  });

  describe('says why a token is refused', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const expired = (claims: Record<string, unknown>) =>
      jwt.sign({ ...claims, iat: now() - 3600, exp: now() - 60 }, TEST_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });

    it('expired: a genuine access token past its exp', () => {
      expect(checkAccessToken(expired({ bnet_id: 7, type: 'access' }), TEST_JWT_SECRET)).to.deep.equal({ problem: 'expired' });
    });

    it('invalid: an expired refresh token, an expired token signed with another key, garbage, a live refresh token', () => {
      expect(checkAccessToken(expired({ bnet_id: 7, type: 'refresh' }), TEST_JWT_SECRET)).to.deep.equal({ problem: 'invalid' });
      const otherKey = hmacToken({ alg: 'HS256', typ: 'JWT' }, { bnet_id: 7, type: 'access', exp: now() - 60 }, 'another-key-0123456789');
      expect(checkAccessToken(otherKey, TEST_JWT_SECRET)).to.deep.equal({ problem: 'invalid' });
      expect(checkAccessToken('not.a.jwt', TEST_JWT_SECRET)).to.deep.equal({ problem: 'invalid' });
      expect(checkAccessToken(refreshToken(7), TEST_JWT_SECRET)).to.deep.equal({ problem: 'invalid' });
    });

    it('a valid one names its user', () => {
      expect(checkAccessToken(accessToken(7), TEST_JWT_SECRET)).to.deep.equal({ user: { bnetId: 7 } });
    });
  });
});

describe('a token verified once', () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });
  const sign = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET) => jwt.sign({ type: 'access', ...claims }, secret, { algorithm: 'HS256' });
  const seconds = () => Math.floor(realNow() / 1000);

  it('is still refused as expired once its exp has passed', () => {
    const token = sign({ bnet_id: 31, exp: seconds() + 60 });
    expect(checkAccessToken(token, TEST_JWT_SECRET)).to.deep.equal({ user: { bnetId: 31 } });
    expect(checkAccessToken(token, TEST_JWT_SECRET), 'again, while valid').to.deep.equal({ user: { bnetId: 31 } });
    Date.now = () => realNow() + 60_000;
    expect(checkAccessToken(token, TEST_JWT_SECRET), 'at exp').to.deep.equal({ problem: 'expired' });
    Date.now = realNow;
    expect(checkAccessToken(token, TEST_JWT_SECRET), 'valid again on a clock turned back').to.deep.equal({ user: { bnetId: 31 } });
  });

  it('is accepted only from its nbf on, and never for another secret or with a changed signature', () => {
    const early = sign({ bnet_id: 32, exp: seconds() + 600, nbf: seconds() + 60 });
    expect(checkAccessToken(early, TEST_JWT_SECRET), 'before nbf').to.deep.equal({ problem: 'invalid' });
    Date.now = () => realNow() + 61_000;
    expect(checkAccessToken(early, TEST_JWT_SECRET), 'from nbf on').to.deep.equal({ user: { bnetId: 32 } });
    Date.now = realNow;
    expect(checkAccessToken(early, TEST_JWT_SECRET), 'before nbf, once verified').to.deep.equal({ problem: 'invalid' });

    const token = sign({ bnet_id: 33, exp: seconds() + 600 });
    expect(checkAccessToken(token, TEST_JWT_SECRET)).to.deep.equal({ user: { bnetId: 33 } });
    expect(checkAccessToken(token, `${TEST_JWT_SECRET}-other`)).to.deep.equal({ problem: 'invalid' });
    const signature = token.slice(token.lastIndexOf('.') + 1);
    const changed = `${token.slice(0, token.lastIndexOf('.') + 1)}${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(checkAccessToken(changed, TEST_JWT_SECRET)).to.deep.equal({ problem: 'invalid' });
  });
});

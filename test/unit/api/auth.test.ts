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

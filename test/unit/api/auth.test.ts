import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { verifyAccessToken } from '../../../src/api/middleware/auth.js';
import { TEST_JWT_SECRET } from '../../helpers/test-env.js';
import { accessToken, forgeries } from '../../security/jwt-forge.js';

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
});

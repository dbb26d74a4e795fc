import { expect } from 'chai';
import { openOrm, type MikroORM } from '../../../src/db/orm.js';
import { inTransaction, query } from '../../../src/db/sql.js';
import { testDatabaseUrl, uniqueId } from '../../helpers/test-env.js';

describe('inTransaction', () => {
  let orm: MikroORM;
  const ids: number[] = [];
  const newGuildId = () => {
    const id = 900_000_000 + Math.floor(Math.random() * 90_000_000);
    ids.push(id);
    return id;
  };
  const insertGuild = (db: Parameters<typeof query>[0], id: number) =>
    query(db, `insert into guilds (id, name, realm_slug, region) values (?, ?, 'tx-realm', 'us')`, [id, `Tx ${uniqueId()}`]);
  const exists = async (id: number) => (await query<{ id: number }>(orm, 'select id from guilds where id = ?', [id])).length === 1;

  before(async () => {
    orm = await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 3 });
  });
  after(async () => {
    if (ids.length) await query(orm, 'delete from guilds where id in (?)', [ids]);
    await orm.close(true);
  });

  it('runs every statement given the fork inside one transaction, unseen by others until it commits', async () => {
    const id = newGuildId();
    const seenOutside = await inTransaction(orm.em.fork(), async (tx) => {
      await insertGuild(tx, id);
      expect((await query(tx, 'select id from guilds where id = ?', [id])).length).to.equal(1);
      return exists(id);
    });
    expect(seenOutside).to.equal(false);
    expect(await exists(id)).to.equal(true);
  });

  it('rolls everything back and rethrows when the work fails', async () => {
    const id = newGuildId();
    const failure = await inTransaction(orm.em.fork(), async (tx) => {
      await insertGuild(tx, id);
      throw new Error('boom');
    }).catch((error: Error) => error);
    expect(failure).to.be.instanceOf(Error).with.property('message', 'boom');
    expect(await exists(id)).to.equal(false);
  });

  it('nests as a savepoint: a failed inner transaction undoes only its own writes', async () => {
    const outer = newGuildId();
    const inner = newGuildId();
    await inTransaction(orm.em.fork(), async (tx) => {
      await insertGuild(tx, outer);
      await inTransaction(tx, async (nested) => {
        await insertGuild(nested, inner);
        throw new Error('inner fails');
      }).catch(() => undefined);
    });
    expect(await exists(outer)).to.equal(true);
    expect(await exists(inner)).to.equal(false);
  });
});

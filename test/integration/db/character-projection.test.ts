import { expect } from 'chai';
import { gainWindowStart, saveCharacterProjection, type CharacterProjection } from '../../../src/db/character-projection.js';
import { openOrm, type MikroORM } from '../../../src/db/orm.js';
import { query } from '../../../src/db/sql.js';
import { findStoredCharacter } from '../../../src/db/tables/character-progress.js';
import { itemLevelHistory } from '../../../src/db/tables/item-level-history.js';
import { addDays } from '../../../src/domain/dates.js';
import { weeklyGain } from '../../../src/domain/forecast.js';
import { testDatabaseUrl, uniqueId } from '../../helpers/test-env.js';

interface Sent {
  sql: string;
  bindings: unknown[];
}

/**
 * A refresh's write is one statement with bound parameters (one round trip, no transaction), and it writes
 * what the transactional path wrote: identity, progress with the weekly gain, today's point and the overview copy.
 */
describe('character projection write', () => {
  let orm: MikroORM;
  let sent: Sent[] = [];
  const today = '2026-12-01';
  const realm = `proj-${uniqueId()}`;
  const record = (q: { sql: string; bindings?: unknown[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] });

  before(async () => {
    orm = await openOrm({ databaseUrl: testDatabaseUrl(), poolMax: 2 });
    orm.em.getConnection().getKnex().on('query', record);
  });
  after(async () => {
    await orm.close(true);
  });

  /** A member of a guild of its own with four weeks of history climbing 3 item levels a week. */
  async function member(name: string, blizzardId: number | null = null) {
    const guildId = uniqueId();
    await query(orm, `insert into guilds (id, name, realm_slug, region) values (?, 'Projection', ?, 'us')`, [guildId, realm]);
    const [row] = await query<{ id: string }>(
      orm,
      `insert into characters (region, realm_slug, name_key, name, blizzard_id) values ('us', ?, ?, ?, ?) returning id`,
      [realm, name.toLowerCase(), name, blizzardId],
    );
    const characterId = Number(row!.id);
    await query(orm, `insert into guild_memberships (guild_id, character_id, character_name, realm_slug, rank_id) values (?, ?, ?, ?, 3)`, [guildId, characterId, name, realm]);
    for (let week = 4; week >= 1; week -= 1) {
      await query(orm, 'insert into item_level_history (character_id, day, item_level) values (?, ?::date, ?)', [characterId, addDays(today, -7 * week), 640 - 3 * week]);
    }
    return { guildId, characterId, key: { region: 'us', realm, nameKey: name.toLowerCase() } };
  }

  function projection(key: CharacterProjection['key'], name: string, history: CharacterProjection['history'], blizzardId: number, itemLevel: number | null): CharacterProjection {
    return {
      key,
      identity: { name, blizzardId, className: 'Mage', specName: 'Frost', role: 'dps', level: 80 },
      profileLastModified: 'Tue, 01 Dec 2026 00:00:00 GMT',
      gear: itemLevel === null ? null : {
        itemLevel,
        equippedItems: [{ slot: 'HEAD', item_id: 1, item_name: "Frost's 'Hood'", ilvl: itemLevel }],
        gearPriorities: [],
        audit: { missing_enchants: ['HEAD'], empty_sockets: 1, tier_pieces: 2 },
        lastModified: 'Tue, 01 Dec 2026 00:00:00 GMT',
      },
      itemLevel,
      fetchedAt: new Date(`${today}T10:00:00Z`),
      day: today,
      history,
      lastLoginAt: new Date(`${today}T09:00:00Z`),
    };
  }

  /** The state a character whose activity was never fetched is left in, having logged in at `at`. */
  const loggedIn = (at: string) => ({ lastLoginAt: new Date(at), fetchedLoginAt: null, fetchedAt: null });

  it('writes character, progress, history point and membership copy in one statement with bound parameters', async () => {
    const { guildId, characterId, key } = await member('Onetrip');
    const stored = await findStoredCharacter(orm, key, gainWindowStart(today));
    expect(stored?.history).to.have.length(4);
    sent = [];
    const saved = await saveCharacterProjection(orm.em.fork(), projection(key, 'Onetrip', stored!.history, 9_100_001, 640));

    expect(sent, sent.map((s) => s.sql.slice(0, 40)).join(' | ')).to.have.length(1);
    const [statement] = sent as [Sent];
    expect(statement.sql).to.match(/\$1\b/);
    expect(statement.sql).not.to.contain('Onetrip');
    expect(statement.bindings).to.include('Onetrip');
    expect(saved).to.deep.equal({ guildIds: [guildId], activity: loggedIn(`${today}T09:00:00Z`) });

    const [row] = await query<Record<string, unknown>>(
      orm,
      `select c.name, c.blizzard_id, c.class_name, p.fetch_status, p.item_level, p.equipped_items, p.weekly_gain, p.gain_confidence, p.fetched_at,
              m.item_level as member_item_level, m.weekly_gain as member_gain, m.missing_enchants, m.tier_pieces, m.last_updated
         from characters c join character_progress p on p.character_id = c.id join guild_memberships m on m.character_id = c.id
        where c.id = ?`,
      [characterId],
    );
    const history = await itemLevelHistory(orm, characterId, gainWindowStart(today), today);
    // The gain measured before the write equals the one the written history gives.
    const measured = weeklyGain(history, today);
    expect(history.at(-1)).to.deep.equal({ date: today, itemLevel: 640 });
    expect(row).to.deep.include({
      name: 'Onetrip', blizzard_id: '9100001', class_name: 'Mage', fetch_status: 'ok', item_level: 640, weekly_gain: measured.weeklyGain,
      gain_confidence: measured.confidence, member_item_level: 640, member_gain: measured.weeklyGain, missing_enchants: 1, tier_pieces: 2,
    });
    expect(measured.weeklyGain).to.equal(3);
    expect((row!.equipped_items as Array<{ item_name: string }>)[0]?.item_name).to.equal("Frost's 'Hood'");
    expect(new Date(row!.last_updated as string).toISOString()).to.equal(`${today}T10:00:00.000Z`);
  });

  it('records an unchanged fetch in one statement: fetched_at moves, the gear stays', async () => {
    const { guildId, characterId, key } = await member('Stillsame');
    const first = await findStoredCharacter(orm, key, gainWindowStart(today));
    await saveCharacterProjection(orm.em.fork(), projection(key, 'Stillsame', first!.history, 9_100_002, 641));
    const stored = await findStoredCharacter(orm, key, gainWindowStart(today));
    sent = [];
    const later = { ...projection(key, 'Stillsame', stored!.history, 9_100_002, null), itemLevel: stored!.itemLevel };
    later.fetchedAt = new Date(`${today}T11:00:00Z`);
    const saved = await saveCharacterProjection(orm.em.fork(), later);

    expect(sent).to.have.length(1);
    expect(saved).to.deep.equal({ guildIds: [guildId], activity: loggedIn(`${today}T09:00:00Z`) });
    const [row] = await query<{ item_level: number; fetched_at: string; equipped_items: unknown[]; last_updated: string }>(
      orm,
      `select p.item_level, p.fetched_at, p.equipped_items, m.last_updated
         from character_progress p join guild_memberships m on m.character_id = p.character_id where p.character_id = ?`,
      [characterId],
    );
    expect(row?.item_level).to.equal(641);
    expect(row?.equipped_items).to.have.length(1);
    expect(new Date(row!.fetched_at).toISOString()).to.equal(`${today}T11:00:00.000Z`);
    expect(new Date(row!.last_updated).toISOString()).to.equal(`${today}T11:00:00.000Z`);
  });

  it('takes the transactional path for a renamed character and moves it to the new name', async () => {
    const former = await member('Oldname', 9_100_003);
    const key = { region: 'us', realm, nameKey: 'newname' };
    sent = [];
    const saved = await saveCharacterProjection(orm.em.fork(), projection(key, 'Newname', [], 9_100_003, 642));

    expect(sent.length).to.be.greaterThan(1);
    expect(saved).to.deep.equal({ guildIds: [former.guildId], formerKey: former.key, activity: loggedIn(`${today}T09:00:00Z`) });
    const [row] = await query<{ id: string; name: string }>(orm, 'select id, name from characters where region = ? and realm_slug = ? and name_key = ?', ['us', realm, 'newname']);
    expect(Number(row?.id)).to.equal(former.characterId);
    expect(row?.name).to.equal('Newname');
  });

  it('notes a later log-in in the same statement and keeps the latest one; a fetch that saw none leaves it', async () => {
    const { characterId, key } = await member('Loginnoted');
    const save = async (lastLoginAt: string | null) => {
      const stored = await findStoredCharacter(orm, key, gainWindowStart(today));
      sent = [];
      const saved = await saveCharacterProjection(orm.em.fork(), { ...projection(key, 'Loginnoted', stored!.history, 9_100_004, 643), lastLoginAt: lastLoginAt === null ? null : new Date(lastLoginAt) });
      expect(sent).to.have.length(1);
      return saved.activity;
    };
    expect(await save(null)).to.deep.equal({ lastLoginAt: null, fetchedLoginAt: null, fetchedAt: null });
    expect(await save(`${today}T08:00:00Z`)).to.deep.equal(loggedIn(`${today}T08:00:00Z`));
    // Activity fetched since: the state read back carries it.
    await query(orm, `update character_activity set fetched_login_at = last_login_at, fetched_at = ?::timestamptz where character_id = ?`, [`${today}T08:30:00Z`, characterId]);
    const fetched = { lastLoginAt: new Date(`${today}T08:00:00Z`), fetchedLoginAt: new Date(`${today}T08:00:00Z`), fetchedAt: new Date(`${today}T08:30:00Z`) };
    expect(await save(`${today}T07:00:00Z`)).to.deep.equal(fetched);
    expect(await save(null)).to.deep.equal(fetched);
    expect(await save(`${today}T09:30:00Z`)).to.deep.equal({ ...fetched, lastLoginAt: new Date(`${today}T09:30:00Z`) });
  });
});

import { expect } from 'chai';
import { characterParams, characterQuery } from '../../../src/api/schemas/characters.js';
import { guildIdSchema } from '../../../src/api/schemas/common.js';
import { membersQuery } from '../../../src/api/schemas/members.js';
import { messageBody } from '../../../src/api/schemas/message.js';

describe('route input schemas', () => {
  it('reads guild ids as positive integers that fit the database', () => {
    expect(guildIdSchema.parse('42')).to.equal(42);
    for (const bad of ['0', '-1', '1.5', '1e3', ' 1', '0x10', '2147483648', '', 'abc']) expect(guildIdSchema.safeParse(bad).success, bad).to.equal(false);
  });

  it('normalises the class filter however it is spelled and refuses unknown classes', () => {
    for (const spelling of ['Death Knight', 'death-knight', 'DEATH_KNIGHT', 'deathknight']) {
      expect(membersQuery.parse({ class: spelling }).class).to.equal('Death Knight');
    }
    expect(membersQuery.safeParse({ class: 'bard' }).success).to.equal(false);
  });

  it('gives the overview its defaults and reads role case-insensitively', () => {
    expect(membersQuery.parse({})).to.deep.equal({ sort: 'ilvl', limit: 1000, offset: 0, summary: true, format: 'json' });
    expect(membersQuery.parse({ status: 'on_track' }).status).to.equal('ahead');
    expect(membersQuery.parse({ status: 'ahead' }).status).to.equal('ahead');
    expect(membersQuery.parse({ role: 'dps', summary: 'false' })).to.include({ role: 'DPS', summary: false });
    for (const bad of [{ sort: 'dps' }, { limit: '1001' }, { limit: '5.5' }, { offset: '-1' }, { status: 'late' }, { role: 'support' }]) {
      expect(membersQuery.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
    }
  });

  it('measures a message after trimming, in characters, and keeps it as sent', () => {
    expect(messageBody.parse({ message: '  hi  ' }).message).to.equal('  hi  ');
    expect(messageBody.safeParse({ message: '🐉'.repeat(2000) }).success).to.equal(true);
    const tooLong = messageBody.safeParse({ message: 'x'.repeat(2001) });
    expect(tooLong.success).to.equal(false);
    expect(tooLong.error?.issues[0]?.code).to.equal('too_big');
    // Blank clears the message.
    expect(messageBody.parse({ message: '' }).message).to.equal('');
    expect(messageBody.parse({ message: ' \n ' }).message).to.equal(' \n ');
    expect(messageBody.safeParse({}).error?.issues[0]?.code).to.equal('invalid_type');
  });

  it('accepts character names in any script and realms as slugs or names', () => {
    expect(characterParams.parse({ guild_id: '1', character_name: 'Zúljín' })).to.deep.equal({ guild_id: 1, character_name: 'Zúljín' });
    expect(characterParams.safeParse({ guild_id: '1', character_name: 'x'.repeat(25) }).success).to.equal(false);
    expect(characterQuery.parse({ realm: 'Area 52' }).realm).to.equal('area-52');
    expect(characterQuery.safeParse({ realm: '<script>' }).success).to.equal(false);
    // No realm: the guild's own applies.
    expect(characterQuery.safeParse({}).success).to.equal(true);
    expect(characterQuery.safeParse({ realm: '' }).success).to.equal(false);
  });
});

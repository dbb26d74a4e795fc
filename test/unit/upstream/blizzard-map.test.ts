import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CLASS_NAMES, className } from '../../../src/upstream/blizzard/classes.js';
import { itemLevel } from '../../../src/domain/index.js';
import { toCharacterProfile, toEquippedItems, toGuildRoster, toMythicPlus, toRaidActivity } from '../../../src/upstream/blizzard/map.js';
import { characterPath, guildRosterPath, guildSlug, nameSegment } from '../../../src/upstream/blizzard/paths.js';
import {
  equipmentSchema, mythicKeystoneProfileSchema, profileSchema, raidEncountersSchema, rosterSchema,
} from '../../../src/upstream/blizzard/schemas.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/upstream/${name}`, import.meta.url), 'utf8')) as unknown;

describe('Battle.net mapping', () => {
  describe('paths', () => {
    it('lower-cases names and encodes them as UTF-8', () => {
      expect(nameSegment('Zúljín')).to.equal('z%C3%BAlj%C3%ADn');
      expect(nameSegment('Zu\u0301lji\u0301n')).to.equal('z%C3%BAlj%C3%ADn');
      expect(characterPath('area-52', 'Thrall')).to.equal('/profile/wow/character/area-52/thrall');
    });

    it('slugs guild names: lower-case, spaces to dashes, non-ASCII encoded', () => {
      expect(guildSlug('Gallywix Dive Team')).to.equal('gallywix-dive-team');
      expect(guildRosterPath('bleeding-hollow', 'Gallywix Dive Team')).to.equal('/data/wow/guild/bleeding-hollow/gallywix-dive-team/roster');
      expect(guildRosterPath('argent-dawn', 'Les Éclaireurs')).to.equal('/data/wow/guild/argent-dawn/les-%C3%A9claireurs/roster');
    });
  });

  it('names every class the recorded class index lists, as it spells them', () => {
    const index = fixture('playable-class-index.json') as { classes: Array<{ id: number; name: string }> };
    for (const cls of index.classes) expect(className(cls.id)).to.equal(cls.name);
    expect(Object.keys(CLASS_NAMES)).to.have.length(index.classes.length);
    expect(className(99)).to.equal('Unknown');
  });

  it('maps the Midnight profile, with its squished item level', () => {
    const profile = toCharacterProfile(profileSchema.parse(fixture('character-profile-midnight.json')));
    expect(profile).to.deep.equal({
      id: 177763085,
      name: 'Jw',
      realmSlug: 'malorne',
      level: 80,
      className: 'Rogue',
      specName: 'Subtlety',
      guild: { name: 'Gallywix Dive Team', realmSlug: 'bleeding-hollow' },
      equippedItemLevel: 134,
      lastLoginAt: 1771041257000,
    });
  });

  it('maps a guildless profile without a spec to nulls', () => {
    const raw = fixture('character-profile.json') as Record<string, unknown>;
    delete raw.guild;
    delete raw.active_spec;
    delete raw.equipped_item_level;
    expect(toCharacterProfile(profileSchema.parse(raw))).to.include({ guild: null, specName: null, equippedItemLevel: null });
  });

  it('maps equipment: slots, levels, permanent enchants, gems and empty sockets, tier sets', () => {
    const items = toEquippedItems(equipmentSchema.parse(fixture('character-equipment-2h-midnight.json')));
    expect(items.map((i) => i.slot)).to.include.members(['head', 'main_hand', 'shirt', 'tabard', 'finger_1', 'back']);
    const head = items.find((i) => i.slot === 'head');
    expect(head).to.deep.equal({
      slot: 'head',
      itemId: 217146,
      name: "Algari Competitor's Plate Helm",
      itemLevel: 109,
      quality: 'EPIC',
      inventoryType: 'HEAD',
      nameDescription: null,
      enchantmentIds: [],
      sockets: [213497],
      setId: null,
      itemSubclass: { classId: 4, id: 4, name: 'Plate' },
    });
    expect(items.find((i) => i.slot === 'main_hand')).to.include({ inventoryType: 'TWOHWEAPON', itemLevel: 144 });
    expect(items.find((i) => i.slot === 'main_hand')?.itemSubclass).to.deep.equal({ classId: 2, id: 8, name: 'Sword' });
    expect(items.find((i) => i.slot === 'back')).to.include({ quality: 'ARTIFACT', nameDescription: 'Rank 6' });
    expect(items.filter((i) => i.setId === 1919)).to.have.length(4);
    expect(items.find((i) => i.slot === 'legs')?.enchantmentIds).to.have.length(1);
  });

  it('tells a wand from a gun by its item subclass, so a lone wand counts in one hand only', () => {
    const withMainHand = (type: string, subclass: { id: number; name: string }) => {
      const raw = fixture('character-equipment-2h-midnight.json') as { equipped_items: Array<Record<string, unknown>> };
      raw.equipped_items = raw.equipped_items.filter((i) => (i.slot as { type: string }).type !== 'OFF_HAND');
      const main = raw.equipped_items.find((i) => (i.slot as { type: string }).type === 'MAIN_HAND')!;
      main.inventory_type = { type, name: 'Ranged' };
      main.item_subclass = { id: subclass.id, name: subclass.name };
      return toEquippedItems(equipmentSchema.parse(raw));
    };
    const wand = withMainHand('RANGEDRIGHT', { id: 19, name: 'Wand' });
    const gun = withMainHand('RANGEDRIGHT', { id: 3, name: 'Gun' });
    const mainHand = wand.find((i) => i.slot === 'main_hand')!;
    expect(mainHand.itemSubclass).to.deep.equal({ classId: 2, id: 19, name: 'Wand' });
    // The gun fills the empty off hand with its own level; the wand leaves it at 0.
    expect(itemLevel(gun) - itemLevel(wand)).to.be.closeTo(mainHand.itemLevel / 16, 0.1);
  });

  it('keeps empty sockets as null and drops temporary enchants', () => {
    const raw = fixture('character-equipment.json') as { equipped_items: Array<Record<string, unknown>> };
    const neck = raw.equipped_items.find((i) => (i.slot as { type: string }).type === 'NECK')!;
    (neck.sockets as Array<Record<string, unknown>>)[1] = { socket_type: { type: 'PRISMATIC', name: 'Prismatic Socket' } };
    const weapon = raw.equipped_items.find((i) => (i.slot as { type: string }).type === 'MAIN_HAND')!;
    (weapon.enchantments as unknown[]).push({ display_string: 'Oiled', enchantment_id: 7495, enchantment_slot: { id: 1, type: 'TEMPORARY' } });
    const items = toEquippedItems(equipmentSchema.parse(raw));
    expect(items.find((i) => i.slot === 'neck')?.sockets).to.have.length(2).and.to.include(null);
    expect(items.find((i) => i.slot === 'main_hand')?.enchantmentIds).to.not.include(7495);
  });

  it('maps the roster with class names from ids', () => {
    const roster = toGuildRoster(rosterSchema.parse(fixture('guild-roster.json')));
    expect(roster.members.map((m) => m.className)).to.include.members(['Warrior', 'Rogue', 'Evoker', 'Demon Hunter']);
    expect(roster.members.filter((m) => m.level < 80)).to.have.length(2);
  });

  describe('activity', () => {
    const ref = { key: { href: 'https://us.api.blizzard.com/x' } };
    it('maps a Mythic+ profile; no rating means no score and colour', () => {
      const run = { completed_timestamp: 1765300000000, duration: 1900000, keystone_level: 12, is_completed_within_time: true, dungeon: { ...ref, name: 'Skyreach', id: 161 } };
      const rated = { current_mythic_rating: { rating: 2450.3, color: { r: 163, g: 53, b: 238, a: 1 } }, current_period: { period: { ...ref, id: 1041 }, best_runs: [run] } };
      expect(toMythicPlus(mythicKeystoneProfileSchema.parse(rated))).to.deep.equal({
        score: 2450.3,
        color: { r: 163, g: 53, b: 238, a: 1 },
        runs: [{ dungeonId: 161, dungeon: 'Skyreach', keystoneLevel: 12, completedAt: 1765300000000, inTime: true }],
      });
      expect(toMythicPlus(mythicKeystoneProfileSchema.parse({ current_period: { period: { ...ref, id: 1041 } } }))).to.deep.equal({ score: null, color: null, runs: [] });
      expect(mythicKeystoneProfileSchema.safeParse({ current_period: { best_runs: [{ ...run, keystone_level: 'high' }] } }).success).to.equal(false);
    });

    it('maps raid encounters per instance and difficulty, dropping legacy modes', () => {
      const raw = {
        expansions: [{ expansion: { ...ref, name: 'Midnight', id: 516 }, instances: [{
          instance: { ...ref, name: 'The Voidspire', id: 1307 },
          modes: [
            { difficulty: { type: 'HEROIC', name: 'Heroic' }, status: { type: 'IN_PROGRESS', name: 'In Progress' },
              progress: { completed_count: 1, total_count: 6, encounters: [{ encounter: { ...ref, name: 'Vorasius', id: 3177 }, completed_count: 2, last_kill_timestamp: 1765300000000 }] } },
            { difficulty: { type: 'LEGACY_25_MAN', name: '25 Player' }, status: { type: 'COMPLETE', name: 'Complete' },
              progress: { completed_count: 1, total_count: 1, encounters: [{ encounter: { ...ref, name: 'Old', id: 1 }, completed_count: 1, last_kill_timestamp: 1 }] } },
          ],
        }] }],
      };
      expect(toRaidActivity(raidEncountersSchema.parse(raw))).to.deep.equal({
        modes: [{ instanceId: 1307, instanceName: 'The Voidspire', difficulty: 'heroic', completed: 1, total: 6 }],
        encounters: [{ instanceId: 1307, instanceName: 'The Voidspire', difficulty: 'heroic', encounterId: 3177, encounterName: 'Vorasius', lastKillAt: 1765300000000 }],
      });
    });
  });
});

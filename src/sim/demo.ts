import { ALT_RANK, type Faction } from './catalog.js';
import type { WorldGuildSpec } from './world.js';

/**
 * The demo guilds and users: fixed names and roles, so that `npm run dev`, the docs and tests can point at
 * "the Guild Master of guild 1" or "a member with an alt in guild 2".
 */

export const DEMO_USERS = { guildMaster: 1001, officer: 1002, member: 1003, otherGuildMember: 1004 } as const;

export interface FixedCharacter {
  name: string;
  owner: number;
  rank: number;
  classId: number;
  specName: string;
  /** Item-level offset from the world's centre, so the demo users are predictably ahead or behind. */
  levelOffset?: number;
}

export interface DemoGuild extends WorldGuildSpec {
  faction: Faction;
  /** Some members live on this connected realm, as on the real Bleeding Hollow. */
  connectedRealm?: string;
  fixed: FixedCharacter[];
  /** WarcraftLogs bosses killed per difficulty id (3 Normal, 4 Heroic, 5 Mythic). */
  killsByDifficulty: Record<number, number>;
}

export const DEMO_GUILDS: readonly DemoGuild[] = [
  {
    id: 1, name: 'Gallywix Dive Team', realm: 'bleeding-hollow', region: 'us', members: 30, faction: 'ALLIANCE', connectedRealm: 'kilrogg',
    killsByDifficulty: { 3: 9, 4: 9, 5: 4 },
    fixed: [
      { name: 'Gallyboss', owner: DEMO_USERS.guildMaster, rank: 0, classId: 1, specName: 'Protection', levelOffset: 8 },
      { name: 'Gallybank', owner: DEMO_USERS.guildMaster, rank: ALT_RANK, classId: 5, specName: 'Holy', levelOffset: -12 },
      { name: 'Sprocketta', owner: DEMO_USERS.officer, rank: 1, classId: 8, specName: 'Fire', levelOffset: 3 },
      { name: 'Zúljín', owner: DEMO_USERS.member, rank: 3, classId: 3, specName: 'Beast Mastery', levelOffset: -9 },
    ],
  },
  {
    id: 2, name: 'Goblin Cartel', realm: 'area-52', region: 'us', members: 20, faction: 'HORDE',
    killsByDifficulty: { 3: 9, 4: 6 },
    fixed: [
      { name: 'Voljin', owner: DEMO_USERS.member, rank: ALT_RANK, classId: 7, specName: 'Restoration', levelOffset: -15 },
      { name: 'Thrall', owner: DEMO_USERS.otherGuildMember, rank: 3, classId: 7, specName: 'Enhancement', levelOffset: -4 },
      { name: 'Aggra', owner: DEMO_USERS.otherGuildMember, rank: ALT_RANK, classId: 11, specName: 'Restoration', levelOffset: 2 },
    ],
  },
  {
    id: 3, name: 'Argent Vigil', realm: 'argent-dawn', region: 'eu', members: 25, faction: 'ALLIANCE',
    killsByDifficulty: { 3: 9, 4: 9, 5: 9 },
    fixed: [],
  },
];

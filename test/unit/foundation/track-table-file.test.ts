import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presentUpgradePlan } from '../../../src/api/presenters/upgrade-plan.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { DEFAULT_TRACK_TABLE, GEAR_SLOTS, trackTableFor } from '../../../src/domain/index.js';
import { trackTableFromFile } from '../../../src/season/track-table-file.js';

const SEASON_2 = {
  expansion: 'Midnight',
  season: 'Season 2',
  tracks: [
    { name: 'Champion', item_levels: [272, 275, 278, 282, 285, 288] },
    { name: 'Hero', item_levels: [285, 288, 291, 295, 298, 301] },
  ],
};

describe('upgrade track table file (UPGRADE_TRACKS_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracks-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const minimal = { JWT_SECRET_KEY: 'k' };

  it('reads a season table written like a plan file, and refuses one that is not a table', () => {
    expect(trackTableFromFile(SEASON_2)).to.deep.equal({
      expansion: 'Midnight',
      season: 'Season 2',
      tracks: [
        { name: 'Champion', itemLevels: [272, 275, 278, 282, 285, 288] },
        { name: 'Hero', itemLevels: [285, 288, 291, 295, 298, 301] },
      ],
    });
    expect(() => trackTableFromFile({ ...SEASON_2, tracks: [] })).to.throw(/tracks/);
    expect(() => trackTableFromFile({ ...SEASON_2, tracks: [{ name: 'Hero', item_levels: [290, 288] }] })).to.throw(/must be above the rank before/);
    expect(() => trackTableFromFile({ ...SEASON_2, tracks: [...SEASON_2.tracks, { name: 'hero', item_levels: [1] }] })).to.throw(/listed twice/);
  });

  it('is loaded once with the configuration; a bad file stops start-up naming the variable', () => {
    const config = loadConfig({ ...minimal, UPGRADE_TRACKS_FILE: file('good.json', JSON.stringify(SEASON_2)) });
    expect(config.upgradeTracks?.season).to.equal('Season 2');
    expect(loadConfig(minimal).upgradeTracks).to.equal(null);
    for (const [path, message] of [
      [file('bad.json', '{"expansion": "Midnight"'), /is not JSON/],
      [join(dir, 'missing.json'), /cannot read .*ENOENT/],
      [file('shape.json', JSON.stringify({ ...SEASON_2, season: '' })), /season/],
    ] as const) {
      try {
        loadConfig({ ...minimal, UPGRADE_TRACKS_FILE: path });
        expect.fail('a bad track file was accepted');
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).problems.join(' ')).to.match(/^UPGRADE_TRACKS_FILE: /).and.match(message);
      }
    }
  });

  it('replaces the built-in table of its own expansion only, and the upgrade plan says which table it used', () => {
    const table = trackTableFromFile(SEASON_2);
    expect(trackTableFor('midnight', table)).to.equal(table);
    expect(trackTableFor('The Next One', table)).to.equal(DEFAULT_TRACK_TABLE);
    const priorities = GEAR_SLOTS.map((slot) => ({ slot, ilvl: slot === 'head' ? 275 : 280, track: slot === 'head' ? 'Champion 2/6' : null }));
    const plan = presentUpgradePlan(279.7, priorities, 279.9, 'Midnight', table)!;
    expect(plan.track_table).to.equal('Midnight Season 2');
    expect(plan.steps.map((s) => [s.slot, s.from, s.to, s.ilvl_gain])).to.deep.equal([['head', 'Champion 2/6', 'Champion 3/6', 3]]);
    // The built-in Midnight Season 1 table has 8 Champion ranks: a 2/6 item is another season's, not planned.
    expect(presentUpgradePlan(279.7, priorities, 279.9, 'Midnight')!.steps).to.deep.equal([]);
  });
});

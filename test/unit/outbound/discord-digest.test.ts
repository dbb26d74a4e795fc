import { expect } from 'chai';
import { buildResetDigest, type DigestMember } from '../../../src/domain/reset-digest.js';
import { rosterChartPng, rosterChartSvg } from '../../../src/outbound/chart.js';
import { clip, digestEmbeds, DISCORD_LIMITS, embedsLength, withinDiscordLimits, type DiscordEmbed } from '../../../src/outbound/discord.js';
import { checkOutboundUrl } from '../../../src/outbound/client.js';
import { discordWebhookHint } from '../../../src/outbound/discord.js';
import { seal, unseal } from '../../../src/outbound/sealed.js';

const week = { week: 5, targetIlvl: 270, previousTargetIlvl: 265, startsAt: new Date('2026-12-08T15:00:00Z') };
const member = (name: string, itemLevel: number | null, extra: Partial<DigestMember> = {}): DigestMember => ({
  characterId: name.length * 1000 + (itemLevel ?? 0), name, realm: 'area-52', className: 'Mage', itemLevel, itemLevelWeekAgo: null, level: 90, weeklyGain: null,
  targetIlvl: 270, previousTargetIlvl: 265, ...extra,
});

/** Every piece of every embed within its own limit, and the whole within the total. */
function expectWithinLimits(embeds: DiscordEmbed[]): void {
  const L = DISCORD_LIMITS;
  const len = (t: string | undefined) => [...(t ?? '')].length;
  expect(embeds.length).to.be.at.most(L.embeds);
  for (const e of embeds) {
    expect(len(e.title)).to.be.at.most(L.title);
    expect(len(e.description)).to.be.at.most(L.description);
    expect(len(e.footer?.text)).to.be.at.most(L.footer);
    expect((e.fields ?? []).length).to.be.at.most(L.fields);
    for (const f of e.fields ?? []) {
      expect(len(f.name)).to.be.within(1, L.fieldName);
      expect(len(f.value)).to.be.within(1, L.fieldValue);
    }
  }
  expect(embedsLength(embeds)).to.be.at.most(L.total);
}

describe('the reset digest: rules, Discord embeds and the roster chart', () => {
  it('counts by the status rule, levelling alts apart, and picks gainers, members at risk and those who fell behind', () => {
    const digest = buildResetDigest(
      [
        member('Ahead', 272, { itemLevelWeekAgo: 268 }),
        member('Exact', 269.96, { itemLevelWeekAgo: 269.96 }),
        member('Slipped', 267, { itemLevelWeekAgo: 266, weeklyGain: 1 }),
        member('Catching', 268, { itemLevelWeekAgo: 262, weeklyGain: 4 }),
        member('Unknown', null),
        member('Alt', 200, { level: 70, itemLevelWeekAgo: 150 }),
      ],
      week,
      { levelCap: 90, gmMessage: 'Raid at 8' },
    );
    expect(digest.counts).to.deep.equal({ onTrack: 2, behind: 2, unknown: 1, levelling: 1 });
    expect(digest.topGainers.map((g) => [g.name, g.gain])).to.deep.equal([['Alt', 50], ['Catching', 6], ['Ahead', 4], ['Slipped', 1]]);
    // Catching is 2 behind with a pace of 4 a week: not at risk. Slipped is 3 behind at 1 a week: at risk.
    expect(digest.atRisk.map((m) => [m.name, m.gap])).to.deep.equal([['Slipped', -3]]);
    expect(digest.fellBehind.map((m) => m.name)).to.deep.equal(['Slipped', 'Catching']);
    expect(digest.chart.map((c) => c.name)).to.deep.equal(['Ahead', 'Exact', 'Catching', 'Slipped']);
  });

  it("judges a member on a team plan against its team's target, in the counts, the lists and the chart", () => {
    const members = [member('Guildie', 272), member('Mythic', 272, { targetIlvl: 273, previousTargetIlvl: 268 })];
    const digest = buildResetDigest(members, week, { levelCap: 90, gmMessage: null });
    expect(digest.counts).to.include({ onTrack: 1, behind: 1 });
    expect(digest.fellBehind.map((m) => [m.name, m.gap])).to.deep.equal([['Mythic', -1]]);
    expect(digest.chart.find((c) => c.name === 'Mythic')).to.include({ targetIlvl: 273 });
    expect(rosterChartSvg(digest.chart, digest.targetIlvl, 't').match(/fill="#e74c3c"/g)).to.have.length(1);
  });

  it('keeps the embeds of a 500-member guild with long names and a 2000-character message within every Discord limit', () => {
    const members = Array.from({ length: 500 }, (_, i) => member(`Ñame${'x'.repeat(18)}${i}`, 200 + (i % 60), { itemLevelWeekAgo: 190, weeklyGain: 0 }));
    const digest = buildResetDigest(members, week, { levelCap: 90, gmMessage: '🐉'.repeat(2000) });
    expect(digest.atRisk.length).to.be.above(300);
    const embeds = digestEmbeds(digest, 'G'.repeat(300), { withChart: true });
    expectWithinLimits(embeds);
    const atRisk = embeds[0]!.fields!.find((f) => f.name.startsWith('At risk'))!;
    expect(atRisk.value).to.match(/… and \d+ more$/);
    expect(embeds[1]!.description).to.have.length.above(100);
  });

  it('clips any embed set to the limits: too many embeds, fields, and a total over 6000', () => {
    const field = { name: 'n'.repeat(300), value: 'v'.repeat(2000) };
    const embeds = Array.from({ length: 12 }, () => ({ title: 't'.repeat(300), description: 'd'.repeat(5000), fields: Array.from({ length: 30 }, () => field), footer: { text: 'f'.repeat(3000) } }));
    const fitted = withinDiscordLimits(embeds);
    expectWithinLimits(fitted);
    expect(fitted.length).to.be.within(1, 10);
    expect(fitted[0]!.title).to.have.length(256);
    expect(clip('🐉🐉🐉', 2)).to.equal('🐉…');
    expect(clip('abc', 3)).to.equal('abc');
  });

  it('escapes Discord markdown in names and messages', () => {
    const digest = buildResetDigest([member('Bold', 280)], week, { levelCap: 90, gmMessage: '**all** in _now_ [link](http://x)' });
    const embeds = digestEmbeds(digest, 'G', { withChart: false });
    expect(embeds[1]!.description).to.equal('\\*\\*all\\*\\* in \\_now\\_ \\[link\\]\\(http://x\\)');
    expect(embeds[0]!.image).to.equal(undefined);
  });

  it('draws the roster against the target line as a PNG, names escaped', () => {
    const svg = rosterChartSvg([{ name: '<Evil&>', itemLevel: 272 }, { name: 'Low', itemLevel: 260 }], 270, 'G: week 5');
    expect(svg).to.include('&#60;Evil&#38;&#62;');
    expect(svg).to.include('target 270');
    expect((svg.match(/fill="#2ecc71"/g) ?? []).length).to.equal(1);
    expect((svg.match(/fill="#e74c3c"/g) ?? []).length).to.equal(1);
    const png = rosterChartPng(Array.from({ length: 300 }, (_, i) => ({ name: `M${i}`, itemLevel: 250 + (i % 30) })), 270, 'big guild');
    expect(png.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
    // IHDR: width and height as drawn.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).to.deep.equal([800, 400]);
  });

  it("takes Discord's own webhook URLs only, and shows back no token", () => {
    const strict = { allowLoopbackForTests: false };
    const hint = (u: string) => discordWebhookHint(checkOutboundUrl(u, strict), false);
    expect(hint('https://discord.com/api/webhooks/1234/secret-token')).to.equal('discord.com/api/webhooks/1234/…');
    expect(hint('https://discordapp.com/api/v10/webhooks/99/tok')).to.equal('discordapp.com/api/webhooks/99/…');
    expect(hint('https://discord.com.evil.example/api/webhooks/1/t')).to.equal(undefined);
    expect(hint('https://discord.com/api/channels/1/messages')).to.equal(undefined);
  });

  it('seals secrets so only the same SECRET_KEY opens them', () => {
    const sealed = seal('key-one', 'whsec_abc');
    expect(sealed).to.not.include('whsec_abc');
    expect(unseal('key-one', sealed)).to.equal('whsec_abc');
    expect(() => unseal('key-two', sealed)).to.throw();
    expect(seal('key-one', 'whsec_abc')).to.not.equal(sealed);
  });
});

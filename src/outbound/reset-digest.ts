import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { findCurrentMessage } from '../db/tables/guild-messages.js';
import { digestMembers } from '../db/tables/guild-memberships-digest.js';
import { StoredGuildPlans } from '../api/services/guild-plans.js';
import type { Clock } from '../clock.js';
import type { RegionCode } from '../domain/regions.js';
import { buildResetDigest, type ResetDigest } from '../domain/reset-digest.js';
import type { Logger } from '../logger.js';
import { SeasonCalendar } from '../season/calendar.js';
import { guildTargets, type GuildTargets } from '../season/team-targets.js';
import { rosterChartPng } from './chart.js';
import { sendOutbound, type OutboundPolicy, type OutboundResult } from './client.js';
import { digestEmbeds, discordMultipart } from './discord.js';
import { unseal } from './sealed.js';

export interface DigestDeps {
  orm: MikroORM;
  clock: Clock;
  season: SeasonCalendar;
  config: Config;
  logger: Logger;
}

export interface DigestGuild {
  id: number;
  name: string;
  region: RegionCode;
}

const DAY_MS = 86_400_000;

/**
 * A season calendar that knows each guild's own plan. The api's already does; the worker's answers for the
 * season plan alone (its refreshes need no guild plan), so the digest and the change events build one once.
 */
const guildAware = new WeakMap<SeasonCalendar, SeasonCalendar>();
function guildAwareSeason(deps: DigestDeps): SeasonCalendar {
  let season = guildAware.get(deps.season);
  if (!season) {
    const guildPlans = new StoredGuildPlans(deps.orm, deps.logger, () => deps.season.planFor(deps.clock.now(), deps.config.blizzard.region));
    season = new SeasonCalendar({ orm: deps.orm, logger: deps.logger, clock: deps.clock, resets: deps.config.weeklyResets, guildPlans });
    guildAware.set(deps.season, season);
  }
  return season;
}

/** Every member's target at an instant: its team plan's, else the guild's (own plan, else the season's). */
export function targetsAt(deps: DigestDeps, guild: DigestGuild, at: Date): Promise<GuildTargets> {
  return guildTargets({ orm: deps.orm, logger: deps.logger, season: guildAwareSeason(deps) }, guild.id, guild.region, at);
}

/** Everything the digest of a guild at a reset says, read from the stored projections. */
export async function buildGuildDigest(deps: DigestDeps, guild: DigestGuild, resetAt: Date): Promise<ResetDigest> {
  const [now, before] = await Promise.all([targetsAt(deps, guild, resetAt), targetsAt(deps, guild, new Date(resetAt.getTime() - 1))]);
  const weekAgoDay = new Date(resetAt.getTime() - 7 * DAY_MS).toISOString().slice(0, 10);
  const [stored, message] = await Promise.all([digestMembers(deps.orm, guild.id, weekAgoDay), findCurrentMessage(deps.orm, guild.id)]);
  const members = stored.map(({ rankId, ...m }) => {
    const who = { rankId, characterName: m.name, realm: m.realm };
    return { ...m, targetIlvl: now.targetOf(who).targetIlvl, previousTargetIlvl: before.targetOf(who).targetIlvl };
  });
  const gmMessage = message && message.message.trim() !== '' ? message.message : null;
  const week = { week: now.season.week.week, targetIlvl: now.season.week.targetIlvl, previousTargetIlvl: before.season.week.targetIlvl, startsAt: resetAt };
  return buildResetDigest(members, week, { levelCap: now.season.levelCap, gmMessage });
}

/** The digest as the `digest.weekly` event's data. */
export function digestEventData(digest: ResetDigest): Record<string, unknown> {
  const line = (m: { name: string; realm: string; itemLevel: number | null }) => ({ character_name: m.name, realm: m.realm, item_level: m.itemLevel });
  return {
    week: digest.week,
    target_ilvl: digest.targetIlvl,
    reset_at: digest.startsAt.toISOString(),
    counts: { on_track: digest.counts.onTrack, behind: digest.counts.behind, unknown: digest.counts.unknown, levelling: digest.counts.levelling },
    top_gainers: digest.topGainers.map((g) => ({ ...line(g), gain: g.gain })),
    at_risk: digest.atRisk.map((m) => ({ ...line(m), gap: m.gap, weekly_gain: m.weeklyGain })),
    fell_behind: digest.fellBehind.map((m) => ({ ...line(m), gap: m.gap })),
    gm_message: digest.gmMessage,
  };
}

/** Posts the digest to the guild's Discord webhook: the embeds and the roster chart in one multipart request. */
export async function postDigest(
  deps: Pick<DigestDeps, 'config'>,
  policy: OutboundPolicy,
  urlSealed: string,
  digest: ResetDigest,
  guildName: string,
  options: { isSample?: boolean } = {},
): Promise<OutboundResult> {
  const chart = digest.chart.length > 0
    ? rosterChartPng(digest.chart, digest.targetIlvl, `${guildName}: week ${digest.week}`)
    : null;
  const embeds = digestEmbeds(digest, guildName, { withChart: chart !== null, isSample: options.isSample });
  const { body, contentType } = discordMultipart(embeds, chart);
  return sendOutbound(policy, { url: unseal(deps.config.secretKey, urlSealed), headers: { 'content-type': contentType }, body });
}

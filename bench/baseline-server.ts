import { createServer } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { systemClock } from '../src/clock.js';
import { openOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';
import { findCharacterForGuild } from '../src/db/tables/characters.js';
import { countGuildMembers, findGuildMembers, type MemberSortKey } from '../src/db/tables/guild-memberships-overview.js';
import { nameKey } from '../src/queue/schemas.js';
import { presentCharacterDetail, presentForecast } from '../src/api/presenters/character.js';
import { presentHistory } from '../src/api/presenters/history.js';
import { presentUpgradePlan } from '../src/api/presenters/upgrade-plan.js';
import { itemLevelHistory } from '../src/db/tables/item-level-history.js';
import { findActivity } from '../src/db/tables/character-activity.js';
import { resetPeriodAt } from '../src/domain/activity.js';
import { presentActivity } from '../src/api/presenters/activity.js';
import { historyRange } from '../src/domain/history.js';
import { presentOverview } from '../src/api/presenters/members.js';
import { freshnessOf } from '../src/api/services/freshness.js';
import { SeasonCalendar } from '../src/season/calendar.js';
import { DEFAULT_RESETS } from '../src/domain/resets.js';
import type { RegionCode } from '../src/domain/types.js';

/*
 * The floor the service is measured against: the same two reads as the api (same query functions, so the same
 * SQL on the same tables, over the same pool size) and the same presenters (same JSON), in a bare Koa handler
 * with no auth, permission check, rate limit, validation, response cache, logging or metrics.
 */
import { NATURAL_ORDER } from '../src/api/services/overview.js';
const REGION: RegionCode = 'us';
const CHARACTER_CACHE_TTL = 3600;

const logger = createLogger({ level: 'silent' });
const orm = await openOrm({ databaseUrl: process.env.DATABASE_URL as string, poolMax: 20 });
const season = new SeasonCalendar({ orm, logger, clock: systemClock, resets: DEFAULT_RESETS });
const app = new Koa();
const router = new Router();

router.get('/health', (ctx) => {
  ctx.body = { status: 'healthy' };
});

router.get('/guilds/:guild_id/progress/character/:name', async (ctx) => {
  const guildId = Number(ctx.params.guild_id);
  const realm = String(ctx.query.realm);
  const record = await findCharacterForGuild(orm, guildId, realm, nameKey(String(ctx.params.name)));
  if (!record) {
    ctx.status = 404;
    return;
  }
  const now = await season.now(record.region as RegionCode);
  const range = historyRange(now.at.toISOString().slice(0, 10), 12);
  const [points, line, horizon, activity] = await Promise.all([
    itemLevelHistory(orm, record.characterId, range.from, range.to),
    season.targetLine(record.region as RegionCode, new Date(`${range.from}T00:00:00.000Z`), now.at),
    season.horizon(record.region as RegionCode, now.at),
    findActivity(orm, record.characterId),
  ]);
  const period = resetPeriodAt(now.at, record.region as RegionCode, DEFAULT_RESETS);
  const extras = {
    history: presentHistory(12, range, points, line),
    activity: activity ? presentActivity(activity, now.week.week, period) : null,
    forecast: presentForecast(record, horizon),
    upgradePlan: presentUpgradePlan(record.itemLevel, record.gearPriorities, now.week.targetIlvl, now.expansion),
  };
  ctx.body = presentCharacterDetail(record, now.week, freshnessOf(record, CHARACTER_CACHE_TTL, 'Battle.net', true, Date.now()), extras);
});

router.get('/guilds/:guild_id/progress/members', async (ctx) => {
  const guildId = Number(ctx.params.guild_id);
  const sort = (ctx.query.sort as MemberSortKey | undefined) ?? 'ilvl';
  const now = await season.now(REGION);
  const horizon = await season.horizon(REGION, now.at);
  const weekStart = resetPeriodAt(now.at, REGION, DEFAULT_RESETS).startsAt;
  const filters = { guildId, targetIlvl: now.week.targetIlvl, horizon, weekStart };
  const [members, counts] = await Promise.all([
    findGuildMembers(orm, { ...filters, sort, order: NATURAL_ORDER[sort], limit: Number(ctx.query.limit ?? 100), offset: 0 }),
    countGuildMembers(orm, { ...filters, levelCap: now.levelCap }),
  ]);
  ctx.body = presentOverview(guildId, now, counts, members, true);
});

app.use(router.routes());
const server = createServer(app.callback());
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => server.close(() => void orm.close(true).then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

/**
 * What `npm run dev` prints once everything answers: the endpoints, the demo users with ready tokens, and a
 * shell line for every route, each of which answers 2xx against the dev stack as printed (a test runs them).
 * Pure: the runner gathers the facts, this only words them.
 */

export interface DemoUser {
  /** Shell variable holding the user's token, e.g. GM_TOKEN. */
  variable: string;
  role: string;
  bnetId: number;
  token: string;
  characters: Array<{ name: string; realm: string; region: string; guildId: number | null }>;
}

export interface DemoGuild {
  id: number;
  name: string;
  realm: string;
  region: string;
  members: number;
}

export interface BannerFacts {
  apiUrl: string;
  workerUrl: string;
  /** Set when the built-in simulated upstreams run. */
  simulator?: { url: string; guilds: DemoGuild[]; users: DemoUser[] };
  /** A value is shown only while it is the development default; a secret of one's own is never printed. */
  jwtSecret: { value?: string };
  webhookSecret: { configured: boolean; value?: string };
  dashboard?: { user: string; password?: string };
}

export interface BannerCommand {
  what: string;
  /** One shell line (POSIX sh), run after the `export` lines. */
  command: string;
}

/** The `export` lines the commands rely on. */
export function bannerExports(facts: BannerFacts): string[] {
  const lines = [`export API=${facts.apiUrl} WORKER=${facts.workerUrl}${facts.simulator ? ` SIM=${facts.simulator.url}` : ''}`];
  for (const user of facts.simulator?.users ?? []) lines.push(`export ${user.variable}=${user.token}`);
  if (facts.webhookSecret.value) lines.push(`export WEBHOOK_SECRET=${facts.webhookSecret.value}`);
  return lines;
}

const bearer = (variable: string) => `-H "Authorization: Bearer $${variable}"`;

/** Every route of the api, the worker and the simulator's controls, as commands that work on the dev stack. */
export function bannerCommands(facts: BannerFacts): BannerCommand[] {
  const commands: BannerCommand[] = [
    { what: 'api health (Postgres and Redis)', command: 'curl $API/health' },
    { what: 'api readiness', command: 'curl $API/ready' },
    { what: 'api metrics (Prometheus)', command: 'curl $API/metrics' },
    { what: 'OpenAPI description of every route', command: 'curl $API/openapi.json' },
    { what: 'worker health', command: 'curl $WORKER/health' },
    { what: 'worker metrics', command: 'curl $WORKER/metrics' },
  ];
  if (facts.dashboard?.password) {
    commands.push({ what: `queue dashboard (open $API/admin/queues in a browser: ${facts.dashboard.user} / ${facts.dashboard.password})`, command: `curl -u ${facts.dashboard.user}:${facts.dashboard.password} $API/admin/queues` });
  }
  const sim = facts.simulator;
  const byRole = (role: string) => sim?.users.find((u) => u.role === role);
  const gm = byRole('guildMaster');
  const officer = byRole('officer');
  const member = byRole('member');
  const other = byRole('otherGuildMember');
  const [first, second] = sim?.guilds ?? [];
  if (sim && gm && officer && member && first) {
    const g = `$API/guilds/${first.id}/progress`;
    const main = gm.characters.find((c) => c.guildId === first.id);
    commands.push(
      { what: `my characters (the first read of a guild syncs it in the background)`, command: `curl ${bearer(member.variable)} ${g}/characters` },
      ...(main
        ? [
            { what: `character view of ${main.name} (realm defaults to the guild's)`, command: `curl ${bearer(gm.variable)} ${g}/character/${encodeURIComponent(main.name)}` },
            { what: `${main.name}'s daily item levels over the last 4 weeks`, command: `curl ${bearer(gm.variable)} "${g}/character/${encodeURIComponent(main.name)}/history?weeks=4"` },
            { what: 'the same as CSV', command: `curl ${bearer(gm.variable)} "${g}/character/${encodeURIComponent(main.name)}/history?format=csv"` },
          ]
        : []),
      { what: 'officer overview, highest item level first', command: `curl ${bearer(officer.variable)} "${g}/members?sort=ilvl"` },
      { what: 'officer overview as CSV', command: `curl ${bearer(officer.variable)} "${g}/members?format=csv"` },
      { what: "comparison with the realm's guilds on WarcraftLogs", command: `curl ${bearer(member.variable)} ${g}/comparisons` },
      { what: "the Guild Master's message", command: `curl ${bearer(member.variable)} ${g}/message` },
      { what: 'write the message (Guild Master only)', command: `curl -X PUT ${bearer(gm.variable)} -H 'content-type: application/json' -d '{"message":"Focus on DPS!"}' ${g}/message` },
      { what: 'clear the message (Guild Master only; the history keeps it)', command: `curl -X DELETE ${bearer(gm.variable)} ${g}/message` },
      { what: 'message history (Officer and up)', command: `curl ${bearer(officer.variable)} ${g}/message/history` },
      { what: 'roadmap: the weekly item-level plan', command: `curl ${bearer(member.variable)} ${g}/roadmap` },
    );
    if (second && other) commands.push({ what: `the other demo guild, ${second.name}`, command: `curl ${bearer(other.variable)} $API/guilds/${second.id}/progress/characters` });
  }
  if (facts.webhookSecret.value && first) {
    // The signature covers "<timestamp>.<body>" and a timestamp over 5 minutes old is refused, so the line signs
    // at run time instead of carrying a signature that would expire.
    const body = `'{"id":"evt-dev-'$ts'","type":"guild.roster_changed","guild_id":${first.id},"occurred_at":"'$(date -u +%Y-%m-%dT%H:%M:%SZ)'","data":{}}'`;
    commands.push({
      what: 'a signed guild-api webhook (the guild is resynced)',
      command:
        `ts=$(date +%s); body=${body}; sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" -r | cut -d' ' -f1); ` +
        `curl -X POST -H 'content-type: application/json' -H "X-Webhook-Timestamp: $ts" -H "X-Webhook-Signature: sha256=$sig" --data "$body" $API/webhooks/guild-api`,
    });
  }
  if (sim && gm) {
    const main = gm.characters[0];
    commands.push(
      { what: 'simulator: demo guilds, users and their characters', command: 'curl $SIM/__admin/world' },
      { what: 'simulator: a fresh token for any bnet id (valid one hour)', command: `curl -X POST -d '{"bnet_id":${gm.bnetId}}' $SIM/__admin/tokens` },
      { what: 'simulator: the faults switched on', command: 'curl $SIM/__admin/faults' },
      { what: 'simulator: slow Battle.net down by 200 ms', command: `curl -X PUT -d '{"latencyMs":200}' $SIM/__admin/faults` },
      { what: 'simulator: every fault off again', command: 'curl -X DELETE $SIM/__admin/faults' },
      { what: 'simulator: requests each upstream has seen', command: 'curl $SIM/__admin/counters' },
      ...(main ? [{ what: `simulator: ${main.name} upgrades a piece of gear`, command: `curl -X POST -d '{"region":"${main.region}","realm":"${main.realm}","name":"${main.name}"}' $SIM/__admin/change-gear` }] : []),
    );
  }
  return commands;
}

/** The whole banner, line by line. */
export function renderBanner(facts: BannerFacts): string[] {
  const lines: string[] = ['', `progress-api is running: ${facts.apiUrl} (worker ${facts.workerUrl})`];
  const sim = facts.simulator;
  if (sim) {
    lines.push('', `Simulated Battle.net, WarcraftLogs and guild-api: ${sim.url} (no upstream credentials are set)`);
    lines.push('Demo guilds:');
    for (const g of sim.guilds) lines.push(`  guild ${g.id}  ${g.name} (${g.realm}, ${g.region}), ${g.members} members`);
    lines.push('Demo users (tokens valid for one hour; a new one: POST $SIM/__admin/tokens below):');
    for (const u of sim.users) {
      const chars = u.characters.map((c) => `${c.name}-${c.realm}${c.guildId ? ` (guild ${c.guildId})` : ''}`).join(', ');
      lines.push(`  $${u.variable.padEnd(13)} ${u.role.padEnd(17)} bnet_id ${u.bnetId}  ${chars}`);
    }
  }
  lines.push('', 'Development secrets:');
  lines.push(facts.jwtSecret.value ? `  JWT_SECRET_KEY=${facts.jwtSecret.value}  (tokens are HS256 with bnet_id and type "access")` : '  JWT_SECRET_KEY is your own: mint tokens with it (HS256, bnet_id, type "access")');
  if (facts.webhookSecret.value) lines.push(`  WEBHOOK_SECRET=${facts.webhookSecret.value}  (HMAC-SHA256 of "<timestamp>.<body>", see docs/webhooks.md)`);
  else lines.push(`  WEBHOOK_SECRET ${facts.webhookSecret.configured ? 'is your own' : 'is unset: webhooks answer 503'}`);
  if (facts.dashboard) lines.push(`  queue dashboard ${facts.apiUrl}/admin/queues  user ${facts.dashboard.user}, password ${facts.dashboard.password ?? 'from QUEUE_DASHBOARD_PASSWORD'}`);
  lines.push('', 'Paste these first:');
  for (const line of bannerExports(facts)) lines.push(`  ${line}`);
  lines.push('', 'Then try (docs/dev.md explains each, docs/api.md the contract):');
  for (const c of bannerCommands(facts)) lines.push(`  # ${c.what}`, `  ${c.command}`);
  lines.push('', 'Ctrl-C stops everything.');
  return lines;
}

import { randomBytes } from 'node:crypto';
import { formatNumber } from '../domain/format.js';
import type { ResetDigest } from '../domain/reset-digest.js';

/** Discord's documented embed limits (characters; the total counts titles, descriptions, fields, footers, authors). */
export const DISCORD_LIMITS = Object.freeze({
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
});

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
  image?: { url: string };
  footer?: { text: string };
  timestamp?: string;
}

/** Characters as Discord counts them (code points, so an emoji is one). */
const length = (text: string | undefined) => (text === undefined ? 0 : [...text].length);

/** Cut to at most `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return max <= 0 ? '' : `${chars.slice(0, max - 1).join('')}…`;
}

export function embedsLength(embeds: readonly DiscordEmbed[]): number {
  return embeds.reduce(
    (sum, e) => sum + length(e.title) + length(e.description) + length(e.footer?.text)
      + (e.fields ?? []).reduce((s, f) => s + length(f.name) + length(f.value), 0),
    0,
  );
}

/**
 * Holds embeds to Discord's limits, whatever their content: at most 10 embeds and 25 fields each, every piece
 * clipped to its own limit, then, while the total is over 6000, the longest description or field value is cut
 * (a list loses its tail, the message its end) rather than the request being refused.
 */
export function withinDiscordLimits(embeds: readonly DiscordEmbed[]): DiscordEmbed[] {
  const L = DISCORD_LIMITS;
  const fitted = embeds.slice(0, L.embeds).map((e) => ({
    ...e,
    ...(e.title !== undefined && { title: clip(e.title, L.title) }),
    ...(e.description !== undefined && { description: clip(e.description, L.description) }),
    ...(e.footer && { footer: { text: clip(e.footer.text, L.footer) } }),
    ...(e.fields && {
      fields: e.fields.slice(0, L.fields).map((f) => ({ ...f, name: clip(f.name, L.fieldName) || '\u200b', value: clip(f.value, L.fieldValue) || '\u200b' })),
    }),
  }));
  for (let excess = embedsLength(fitted) - L.total; excess > 0; excess = embedsLength(fitted) - L.total) {
    let longest: { get: () => string; set: (v: string) => void } | undefined;
    let longestLength = 0;
    for (const e of fitted) {
      if (length(e.description) > longestLength) {
        longestLength = length(e.description);
        longest = { get: () => e.description as string, set: (v) => (e.description = v) };
      }
      for (const f of e.fields ?? []) {
        if (length(f.value) > longestLength) {
          longestLength = length(f.value);
          longest = { get: () => f.value, set: (v) => (f.value = v) };
        }
      }
    }
    // Lists and messages shrink first; a value is not cut below 100 characters this way.
    if (!longest || longestLength <= 100) break;
    longest.set(clip(longest.get(), Math.max(100, longestLength - excess)));
  }
  return embedsLength(fitted) <= L.total ? fitted : withinBudget(fitted, L.total);
}

/** The last resort: pieces kept in order while the budget lasts, the rest clipped or left out. */
function withinBudget(embeds: readonly DiscordEmbed[], total: number): DiscordEmbed[] {
  let budget = total;
  const take = (text: string) => {
    const kept = clip(text, budget);
    budget -= length(kept);
    return kept;
  };
  const kept: DiscordEmbed[] = [];
  for (const e of embeds) {
    if (budget <= 0) break;
    const { title, description, footer, fields, ...rest } = e;
    const out: DiscordEmbed = { ...rest };
    if (title) out.title = take(title);
    if (description && budget > 0) out.description = take(description);
    if (fields) {
      out.fields = [];
      for (const f of fields) {
        if (budget < length(f.name) + 1) break;
        const name = take(f.name);
        out.fields.push({ ...f, name, value: take(f.value) || '\u200b' });
      }
    }
    if (footer && budget > 0) out.footer = { text: take(footer.text) };
    kept.push(out);
  }
  return kept;
}

const GREEN = 0x2ecc71;
const AMBER = 0xf1c40f;
const GREY = 0x95a5a6;

/** Lines of a list, as many as fit a field value, then how many were left out. */
function listValue(lines: readonly string[], empty: string): string {
  if (lines.length === 0) return empty;
  const shown: string[] = [];
  for (const [i, line] of lines.entries()) {
    const more = lines.length - i;
    const next = [...shown, line].join('\n');
    const tail = more > 1 ? `\n… and ${more - 1} more` : '';
    if (length(next) + length(tail) > DISCORD_LIMITS.fieldValue) {
      shown.push(`… and ${more} more`);
      return shown.join('\n');
    }
    shown.push(line);
  }
  return shown.join('\n');
}

/** Discord markdown in names and messages is shown as typed, not interpreted. */
const plain = (text: string) => text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1');

export const ROSTER_CHART_FILENAME = 'roster.png';

/** The reset digest as Discord embeds, within Discord's limits; the roster chart is the attached image. */
export function digestEmbeds(digest: ResetDigest, guildName: string, options: { withChart: boolean; isSample?: boolean }): DiscordEmbed[] {
  const { counts } = digest;
  const judged = counts.onTrack + counts.behind + counts.unknown;
  const color = judged === 0 ? GREY : counts.behind === 0 ? GREEN : AMBER;
  const sample = options.isSample ? ' (sample)' : '';
  const fields: NonNullable<DiscordEmbed['fields']> = [
    { name: 'On track', value: String(counts.onTrack), inline: true },
    { name: 'Behind', value: String(counts.behind), inline: true },
    { name: 'Unknown', value: String(counts.unknown), inline: true },
  ];
  if (counts.levelling > 0) fields.push({ name: 'Levelling (below the cap)', value: String(counts.levelling), inline: true });
  fields.push({
    name: 'Biggest gains last week',
    value: listValue(digest.topGainers.map((g, i) => `${i + 1}. ${plain(g.name)} +${formatNumber(g.gain)} (${formatNumber(g.itemLevel ?? 0)})`), 'No gains recorded last week'),
  });
  fields.push({
    name: `At risk (${digest.atRisk.length})`,
    value: listValue(digest.atRisk.map((m) => `${plain(m.name)} ${formatNumber(m.itemLevel ?? 0)} (${formatNumber(m.gap)})`), 'Nobody: everyone behind is catching up at their pace'),
  });
  if (digest.fellBehind.length > 0) {
    fields.push({ name: `Fell behind at this reset (${digest.fellBehind.length})`, value: listValue(digest.fellBehind.map((m) => `${plain(m.name)} (${formatNumber(m.gap)})`), '') });
  }
  const main: DiscordEmbed = {
    title: `${guildName}: week ${digest.week}, target ${formatNumber(digest.targetIlvl)}${sample}`,
    description: `The week began at the reset. ${counts.onTrack} of ${judged} members are on track for item level ${formatNumber(digest.targetIlvl)}.`,
    color,
    fields,
    ...(options.withChart && { image: { url: `attachment://${ROSTER_CHART_FILENAME}` } }),
    footer: { text: 'progress-api reset digest' },
    timestamp: digest.startsAt.toISOString(),
  };
  const embeds = [main];
  if (digest.gmMessage && digest.gmMessage.trim() !== '') {
    embeds.push({ title: "The Guild Master's message", description: plain(digest.gmMessage), color });
  }
  return withinDiscordLimits(embeds);
}

/**
 * The webhook request: `payload_json` with the embeds and, when there is a chart, the PNG as `files[0]`, in
 * one multipart body. Mentions are switched off, so a name or message with @everyone pings nobody.
 */
export function discordMultipart(embeds: DiscordEmbed[], chartPng: Buffer | null): { body: Buffer; contentType: string } {
  const boundary = `progress-${randomBytes(12).toString('hex')}`;
  const payload = {
    username: 'progress-api',
    embeds,
    allowed_mentions: { parse: [] },
    ...(chartPng && { attachments: [{ id: 0, filename: ROSTER_CHART_FILENAME }] }),
  };
  const parts: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`),
  ];
  if (chartPng) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="${ROSTER_CHART_FILENAME}"\r\nContent-Type: image/png\r\n\r\n`));
    parts.push(chartPng, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

const DISCORD_HOSTS = new Set(['discord.com', 'discordapp.com', 'canary.discord.com', 'ptb.discord.com']);

/**
 * A Discord webhook URL: https on one of Discord's hosts, path /api/webhooks/<id>/<token>. Answers the part that
 * may be shown back (host and webhook id, never the token), or undefined. Under the test-only loopback
 * setting any URL is taken, so a local receiver can stand in for Discord.
 */
export function discordWebhookHint(url: URL, allowAnyForTests: boolean): string | undefined {
  const match = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/[\w-]+\/?$/.exec(url.pathname);
  if (DISCORD_HOSTS.has(url.hostname) && match) return `${url.hostname}/api/webhooks/${match[1]}/…`;
  if (allowAnyForTests) return `${url.host}${url.pathname.split('/').slice(0, -1).join('/')}/…`;
  return undefined;
}

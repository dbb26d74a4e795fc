import { Resvg } from '@resvg/resvg-js';
import { formatNumber } from '../domain/format.js';
import { progressFor } from '../domain/progress.js';

const WIDTH = 800;
const HEIGHT = 400;
const PLOT = { left: 56, right: 16, top: 44, bottom: 48 };
/** Names under the bars only while they stay readable. */
const MAX_NAMED_BARS = 30;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The roster against the week's target as an SVG: one bar per member (highest first), green at or above its
 * own target (a team plan's or the guild's) and red below it by the status rule, and the guild's target as a
 * line across. Built in code, so the picture
 * needs no template and no browser.
 */
export function rosterChartSvg(members: ReadonlyArray<{ name: string; itemLevel: number; targetIlvl?: number }>, targetIlvl: number, title: string): string {
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const levels = [...members.map((m) => m.itemLevel), targetIlvl];
  const low = Math.floor(Math.min(...levels) - 5);
  const high = Math.ceil(Math.max(...levels) + 2);
  const y = (ilvl: number) => PLOT.top + plotHeight - ((ilvl - low) / Math.max(1, high - low)) * plotHeight;
  const slot = members.length > 0 ? plotWidth / members.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.8);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#2b2d31"/>`,
    `<text x="${PLOT.left}" y="28" font-size="18" fill="#f2f3f5">${escapeXml(title)}</text>`,
  ];
  const step = Math.max(1, Math.ceil((high - low) / 6));
  for (let level = Math.ceil(low / step) * step; level <= high; level += step) {
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(level).toFixed(1)}" y2="${y(level).toFixed(1)}" stroke="#3f4147" stroke-width="1"/>`,
      `<text x="${PLOT.left - 6}" y="${(y(level) + 4).toFixed(1)}" font-size="11" fill="#b5bac1" text-anchor="end">${level}</text>`,
    );
  }
  members.forEach((m, i) => {
    const x = PLOT.left + i * slot + (slot - barWidth) / 2;
    const top = y(m.itemLevel);
    const color = progressFor(m.itemLevel, m.targetIlvl ?? targetIlvl).status === 'ahead' ? '#2ecc71' : '#e74c3c';
    parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(PLOT.top + plotHeight - top).toFixed(1)}" fill="${color}"/>`);
    if (members.length <= MAX_NAMED_BARS) {
      const cx = (x + barWidth / 2).toFixed(1);
      const ty = PLOT.top + plotHeight + 10;
      parts.push(`<text x="${cx}" y="${ty}" font-size="10" fill="#b5bac1" text-anchor="end" transform="rotate(-40 ${cx} ${ty})">${escapeXml(m.name)}</text>`);
    }
  });
  const ty = y(targetIlvl).toFixed(1);
  parts.push(
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${ty}" y2="${ty}" stroke="#f1c40f" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${WIDTH - PLOT.right}" y="${(Number(ty) - 6).toFixed(1)}" font-size="12" fill="#f1c40f" text-anchor="end">target ${formatNumber(targetIlvl)}</text>`,
    '</svg>',
  );
  return parts.join('');
}

/** The chart as a PNG, rendered in-process by resvg (prebuilt, no native build, no browser). */
export function rosterChartPng(members: ReadonlyArray<{ name: string; itemLevel: number; targetIlvl?: number }>, targetIlvl: number, title: string): Buffer {
  const svg = rosterChartSvg(members, targetIlvl, title);
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
}

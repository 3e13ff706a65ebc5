import { escapeHtml, raw, type SafeHtml } from './html.js';
import type { Slot } from './uptime-buckets.js';

const WIDTH = 288;
const HEIGHT = 18;

/**
 * The state history of one service as an inline SVG strip over [from, to): one column per slot,
 * green for the share it was up, red for the share it was down, grey where nothing was known.
 */
export function historyChart(service: string, slots: readonly Slot[], from: number, to: number): SafeHtml {
  const scale = WIDTH / (to - from);
  const parts: string[] = [];
  for (const slot of slots) {
    const x = ((slot.start - from) * scale).toFixed(2);
    const w = Math.max(0.5, (slot.end - slot.start) * scale).toFixed(2);
    if (slot.knownMs === 0) {
      parts.push(`<rect x="${x}" y="0" width="${w}" height="${HEIGHT}" class="unknown"/>`);
      continue;
    }
    const upShare = slot.upMs / slot.knownMs;
    const upHeight = upShare * HEIGHT;
    if (upShare < 1) parts.push(`<rect x="${x}" y="0" width="${w}" height="${(HEIGHT - upHeight).toFixed(2)}" class="down"/>`);
    if (upShare > 0) parts.push(`<rect x="${x}" y="${(HEIGHT - upHeight).toFixed(2)}" width="${w}" height="${upHeight.toFixed(2)}" class="up"/>`);
  }
  const label = escapeHtml(`${service}: state over the last 24 hours`);
  return raw(
    `<svg class="history" role="img" aria-label="${label}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">` +
      `<title>${label}</title>${parts.join('')}</svg>`,
  );
}

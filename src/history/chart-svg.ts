/**
 * The memory chart as SVG: each container run as a line (the alerted pod's strong, the workload's
 * other pods grey), the limit as a dashed red line, each kill as a red ×, hours along the bottom.
 * Pure: text in, text out; `chart-png.ts` renders it. Sized for a 600 px email column and a Slack
 * thread (720 × 300 user units).
 */
import type { MemoryHistory } from '../diagnosis/document.ts';
import { bytesShort } from './sparkline.ts';

export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 300;
const PLOT = { left: 64, right: 696, top: 58, bottom: 252 };
const FONT = 'font-family="DejaVu Sans"';
const OWN = '#0969da';
const OTHER = '#8c959f';
const LIMIT = '#cf222e';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2 or 5 × a power of two in MiB, so that 4–6 gridlines fit. */
function tickStep(top: number): number {
  const mi = top / 1024 ** 2;
  for (const step of [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]) if (mi / step <= 6) return step * 1024 ** 2;
  return 32768 * 1024 ** 2;
}

/** Lines through the run's points, broken where Prometheus has no sample for more than three steps. */
function paths(points: readonly [number, number][], x: (t: number) => number, y: (v: number) => number, stepSeconds: number): string[] {
  const out: string[] = [];
  let d = '';
  let prev: number | undefined;
  for (const [t, v] of points) {
    const move = prev === undefined || t - prev > 3 * stepSeconds;
    if (move && d !== '') out.push(d);
    d = move ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}` : `${d} L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    prev = t;
  }
  if (d !== '') out.push(d);
  return out;
}

export function chartSvg(history: MemoryHistory, caption: { title: string; subtitle?: string /** Legend text for the × marks. */; ended?: string }): string {
  const values = history.runs.flatMap((r) => r.points.map((p) => p[1]));
  const top = Math.max(history.limitBytes ?? 0, ...values, 64 * 1024 ** 2) * 1.12;
  const span = Math.max(1, history.end - history.start);
  const x = (t: number) => PLOT.left + ((t - history.start) / span) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - (v / top) * (PLOT.bottom - PLOT.top);
  const parts: string[] = [];
  parts.push(`<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="16" y="24" ${FONT} font-size="15" font-weight="bold" fill="#1f2328">${esc(caption.title)}</text>`);
  if (caption.subtitle !== undefined) parts.push(`<text x="16" y="44" ${FONT} font-size="12.5" fill="#1f2328">${esc(caption.subtitle)}</text>`);

  const step = tickStep(top);
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d0d7de" stroke-width="1"/>`);
    parts.push(
      `<text x="${PLOT.left - 6}" y="${(y(v) + 4).toFixed(1)}" ${FONT} font-size="11" fill="#656d76" text-anchor="end">${v === 0 ? '0' : bytesShort(v)}</text>`,
    );
  }
  const hourStep = span > 12 * 3600 ? 4 * 3600 : span > 6 * 3600 ? 2 * 3600 : 3600;
  for (let t = Math.ceil(history.start / hourStep) * hourStep; t <= history.end; t += hourStep) {
    const label = `${new Date(t * 1000).toISOString().slice(11, 16)}`;
    parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}" stroke="#8c959f"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${PLOT.bottom + 17}" ${FONT} font-size="11" fill="#656d76" text-anchor="middle">${label}</text>`);
  }
  parts.push(`<text x="${PLOT.right}" y="${PLOT.bottom + 32}" ${FONT} font-size="11" fill="#656d76" text-anchor="end">UTC</text>`);
  parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#8c959f"/>`);

  // Other pods first, so the alerted pod's line is drawn on top.
  const ordered = [...history.runs].sort((a, b) => Number(a.pod === history.pod) - Number(b.pod === history.pod));
  for (const run of ordered) {
    const own = run.pod === history.pod;
    for (const d of paths(run.points, x, y, history.stepSeconds)) {
      parts.push(`<path d="${d}" fill="none" stroke="${own ? OWN : OTHER}" stroke-width="${own ? 2 : 1.25}" stroke-linejoin="round"/>`);
    }
  }
  if (history.limitBytes !== undefined) {
    const ly = y(history.limitBytes).toFixed(1);
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${ly}" y2="${ly}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    parts.push(
      `<text x="${PLOT.right}" y="${(Number(ly) - 5).toFixed(1)}" ${FONT} font-size="11" fill="${LIMIT}" text-anchor="end">limit ${bytesShort(history.limitBytes)}</text>`,
    );
  }
  for (const run of history.runs) {
    const last = run.points.at(-1);
    if (last === undefined || !history.kills.includes(last[0])) continue;
    const cx = x(last[0]);
    const cy = y(last[1]);
    parts.push(
      `<path d="M${(cx - 5).toFixed(1)},${(cy - 5).toFixed(1)} L${(cx + 5).toFixed(1)},${(cy + 5).toFixed(1)} M${(cx - 5).toFixed(1)},${(cy + 5).toFixed(1)} L${(cx + 5).toFixed(1)},${(cy - 5).toFixed(1)}" stroke="${LIMIT}" stroke-width="2.5"/>`,
    );
  }

  const legend = [
    `<line x1="${PLOT.left}" x2="${PLOT.left + 18}" y1="${CHART_HEIGHT - 12}" y2="${CHART_HEIGHT - 12}" stroke="${OWN}" stroke-width="2"/>`,
    `<text x="${PLOT.left + 24}" y="${CHART_HEIGHT - 8}" ${FONT} font-size="11" fill="#1f2328">${esc(history.pod)}</text>`,
  ];
  let lx = PLOT.left + 36 + history.pod.length * 6.2;
  if (history.runs.some((r) => r.pod !== history.pod)) {
    legend.push(`<line x1="${lx}" x2="${lx + 18}" y1="${CHART_HEIGHT - 12}" y2="${CHART_HEIGHT - 12}" stroke="${OTHER}" stroke-width="1.5"/>`);
    legend.push(`<text x="${lx + 24}" y="${CHART_HEIGHT - 8}" ${FONT} font-size="11" fill="#1f2328">other pods</text>`);
    lx += 100;
  }
  legend.push(
    `<path d="M${lx},${CHART_HEIGHT - 16} L${lx + 8},${CHART_HEIGHT - 8} M${lx},${CHART_HEIGHT - 8} L${lx + 8},${CHART_HEIGHT - 16}" stroke="${LIMIT}" stroke-width="2"/>`,
    `<text x="${lx + 14}" y="${CHART_HEIGHT - 8}" ${FONT} font-size="11" fill="#1f2328">${esc(caption.ended ?? 'killed')} (${history.kills.length})</text>`,
  );
  parts.push(...legend);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">${parts.join('')}</svg>`;
}

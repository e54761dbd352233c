/**
 * Small pure text helpers shared by the renderers: escaping for each target format, cutting text to a
 * limit with a visible marker, and human durations. Cluster-derived text (pod names, log lines) goes
 * through one of the escapers before it reaches any renderer's output.
 */

/** What a reader sees where text was cut to fit a limit. */
export const TRUNCATION_MARKER = '… (truncated)';

/**
 * Slack mrkdwn control characters: only `&`, `<` and `>` must be escaped, in all text including code
 * blocks (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Removes terminal control sequences and other C0/C1 controls except newline and tab, so a log line
 * cannot move the cursor, recolour or retitle the reader's terminal, or break a header.
 */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** One line: newlines and tabs become spaces (for headers, subjects, plain_text). */
export function oneLine(text: string): string {
  return stripControl(text).replace(/\s+/g, ' ').trim();
}

/**
 * Cuts `text` to at most `max` UTF-16 units (Slack's and our limits count characters; UTF-16 units
 * are never fewer, so this errs on the safe side), ending with the marker when anything was cut.
 * Never splits a surrogate pair or, with `entities`, an HTML/mrkdwn entity such as `&amp;`.
 */
export function truncate(text: string, max: number, options: { entities?: boolean; marker?: string } = {}): string {
  if (text.length <= max) return text;
  const marker = options.marker ?? TRUNCATION_MARKER;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let cut = text.slice(0, max - marker.length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  if (options.entities === true) cut = cut.replace(/&[#a-z0-9]*$/i, '');
  return cut + marker;
}

/** "45s", "12m", "2h 5m", "3d 4h": how long an incident lasted, for a phone screen. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** Duration of the incident from the alert's startsAt to endsAt, or undefined when either is unusable. */
export function incidentDuration(startsAt: string, endsAt: string | undefined): string | undefined {
  if (endsAt === undefined) return undefined;
  const start = Date.parse(startsAt);
  const end = Date.parse(endsAt);
  // Alertmanager's "unset" endsAt is year 1; any end before the start is not a real end.
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  return formatDuration(end - start);
}

/** `2026-04-09 14:03 UTC`: unambiguous for a team spread over time zones. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Only http(s) links reach a message; anything else (javascript:, data:) is dropped. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cuts prose to at most `max` characters at a word boundary, ending with `…`: a reader never sees
 * half a word. A single word longer than `max` (a URL, a hash) is cut where it must be.
 */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(0, max - 1));
  const space = room.search(/\s\S*$/);
  const cut = space > max / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:]+$/, '')}…`;
}

/**
 * Log lines for a message: repeats collapsed, and a short excerpt for a message with no room to
 * spare. Pure.
 */
import { truncateWords } from './text.ts';

/** Lines that differ only in numbers, hex ids and timestamps count as the same line. */
const shape = (line: string): string =>
  line
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.,]+Z?/g, '')
    .replace(/0x[0-9a-f]+|[0-9a-f]{8,}|\d+/gi, '#')
    .trim();

/**
 * Collapses runs of identical or near-identical lines: the first stays, the rest become one line
 * "… 19 more `heartbeat ok` lines …", so a log excerpt shows what changed, not what repeated.
 */
export function collapseRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i] ?? '';
    let j = i + 1;
    while (j < lines.length && line.trim() !== '' && shape(lines[j] ?? '') === shape(line)) j++;
    out.push(line);
    const more = j - i - 1;
    if (more === 1) out.push(lines[i + 1] ?? '');
    if (more > 1) out.push(`… ${more} more \`${truncateWords(shape(line).replace(/#/g, '').replace(/\s+/g, ' ').trim() || line.trim(), 40)}\` lines …`);
    i = j;
  }
  return out;
}

/**
 * At most `max` lines of the excerpt, the last ones (where a crash prints its reason), for a message
 * with no room to spare: repeats collapsed, and a line already said (`said`: the deciding fact, or an
 * earlier line of the excerpt) not said again.
 */
export function shortExcerpt(lines: readonly string[], max: number, said: readonly string[] = []): string[] {
  const seen = new Set(said.map((s) => shape(s)));
  const kept: string[] = [];
  for (const line of collapseRepeats(lines)) {
    const key = shape(line);
    if (key !== '' && seen.has(key)) continue;
    if (key !== '') seen.add(key);
    kept.push(line);
  }
  return kept.length <= max ? kept : ['…', ...kept.slice(kept.length - (max - 1))];
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, formatDuration, formatTime, incidentDuration, TRUNCATION_MARKER, truncate } from '../../../src/notify/text.ts';

describe('truncate', () => {
  it('short text → unchanged', () => expect(truncate('abc', 10)).toBe('abc'));
  it('long text → cut to the limit with the marker', () => {
    const out = truncate('x'.repeat(100), 20);
    expect(out).toHaveLength(20);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
  });
  it('cut inside an entity → the partial entity is dropped', () => {
    const escaped = escapeMrkdwn(`${'a'.repeat(5)}&&&&&&&&`);
    const out = truncate(escaped, 5 + 3 + TRUNCATION_MARKER.length, { entities: true });
    expect(out).toBe(`aaaaa${TRUNCATION_MARKER}`);
  });
  it('a limit no longer than the marker → as much of the marker as fits', () => {
    expect(truncate('x'.repeat(100), 5)).toBe(TRUNCATION_MARKER.slice(0, 5));
    expect(truncate('x'.repeat(100), 0)).toBe('');
  });
  it('a cut between the halves of a surrogate pair → the pair is dropped whole', () => {
    const text = `ab😀${'x'.repeat(40)}`;
    expect(truncate(text, 3 + TRUNCATION_MARKER.length)).toBe(`ab${TRUNCATION_MARKER}`);
  });
  it('any text and limit → never longer than the limit, never a lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 14, max: 200 }), (s, max) => {
        const out = truncate(escapeMrkdwn(s), max, { entities: true });
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      }),
    );
  });
});

describe('durations', () => {
  it.each([
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [2 * 3600_000 + 5 * 60_000, '2h 5m'],
    [3 * 3600_000, '3h'],
    [76 * 3600_000, '3d 4h'],
    [48 * 3600_000, '2d'],
    [-1, 'an unknown time'],
    [Number.NaN, 'an unknown time'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it("Alertmanager's unset endsAt (year 1) → no duration", () => {
    expect(incidentDuration('2026-04-09T14:03:10Z', '0001-01-01T00:00:00Z')).toBeUndefined();
  });
  it.each([
    ['no end yet', '2026-04-09T14:03:10Z', undefined, undefined],
    ['an end before the start', '2026-04-09T14:03:10Z', '2026-04-09T14:00:00Z', undefined],
    ['an unreadable start', 'yesterday', '2026-04-09T14:00:00Z', undefined],
    ['start and end', '2026-04-09T14:03:10Z', '2026-04-09T14:15:10Z', '12m'],
  ])('%s → %s', (_what, start, end, text) => expect(incidentDuration(start, end)).toBe(text));
});

describe('formatTime', () => {
  it('a time → minutes in UTC, whatever the offset it was written with', () => expect(formatTime('2026-04-09T16:03:59+02:00')).toBe('2026-04-09 14:03 UTC'));
  it('text that is no time → shown as it came', () => expect(formatTime('soon')).toBe('soon'));
});

/**
 * The memory decision is pure like the diagnosis: its modules import only each other and the
 * diagnosis core, do no I/O and read no clock; the I/O lives in prometheus.ts, read.ts and index.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PURE = ['runs.ts', 'decide.ts', 'explain.ts', 'sparkline.ts'];
const dir = join(import.meta.dirname, '../../../src/history');

describe('src/history purity', () => {
  it.each(PURE)('%s imports only pure modules and reads no clock', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
    for (const spec of imports) expect(spec, spec).toMatch(/^\.\/(?:runs|decide|sparkline)\.ts$|^\.\.\/diagnosis\//);
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|process\.|performance\.now/);
  });
});

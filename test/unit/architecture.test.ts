/**
 * The one purity check. The diagnosis, the incident decisions and the memory decision are pure
 * functions of their input (docs/architecture.md "The flow" and "Rooms"): a pure module imports only
 * what its core allows (type-only imports erase at run time), nothing from `node:` or a package, and
 * reads no clock. Checked on the import graph and the source
 * text, so a stray import or `Date.now()` fails CI. A new pure core is one more entry in PURE_CORES.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)(?!\s+type\b)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
}

const within =
  (...dirs: string[]) =>
  (path: string): boolean =>
    dirs.some((dir) => path.startsWith(`${join(root, dir)}/`));
const inDiagnosis = within('src/diagnosis');
const HISTORY_PURE = ['runs.ts', 'decide.ts', 'explain.ts', 'sparkline.ts'].map((f) => join(root, 'src/history', f));
/** The doctor's judgement: everything in src/doctor but its reads (read-cluster.ts) and its sink probes (sink-probes.ts). */
const DOCTOR_PURE = sourceFiles(join(root, 'src/doctor')).filter((f) => !/\/(?:read-cluster|sink-probes)\.ts$/.test(f));

/** Each pure core: its files, and what a file of it may import (as a resolved path). */
const PURE_CORES: { core: string; files: string[]; mayImport: (path: string) => boolean }[] = [
  { core: 'the diagnosis (src/diagnosis)', files: sourceFiles(join(root, 'src/diagnosis')), mayImport: inDiagnosis },
  { core: 'the incident decisions (src/incidents)', files: sourceFiles(join(root, 'src/incidents')), mayImport: within('src/incidents', 'src/diagnosis') },
  {
    core: 'the memory decision (src/history; its I/O lives in prometheus.ts, read.ts and index.ts)',
    files: HISTORY_PURE,
    mayImport: (path) => inDiagnosis(path) || HISTORY_PURE.filter((f) => !f.endsWith('/explain.ts')).includes(path),
  },
  { core: "the doctor's judgement (src/doctor; its reads live in read-cluster.ts)", files: DOCTOR_PURE, mayImport: (path) => DOCTOR_PURE.includes(path) },
];

describe('architecture', () => {
  it.each(PURE_CORES.map((c) => [c.core, c.files.length]))('finds the sources of %s', (_core, count) => {
    expect(count).toBeGreaterThan(3);
  });

  const cases = PURE_CORES.flatMap((c) => c.files.map((file) => [relative(root, file), file, c.mayImport] as const));
  it.each(cases)('%s imports nothing that does I/O and reads no clock', (_name, file, mayImport) => {
    const offending = importsOf(file).filter((spec) => !/^\.\.?\//.test(spec) || !mayImport(resolve(dirname(file), spec)));
    expect(offending).toEqual([]);
    expect(readFileSync(file, 'utf8')).not.toMatch(/Date\.now\(|new Date\(\)|process\.|performance\.now/);
  });

  it('never asks the Kubernetes API for Secrets', () => {
    const calls = sourceFiles(join(root, 'src')).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /\b(?:read|list|watch|create|patch|replace|delete)(?:Namespaced)?Secrets?(?:ForAllNamespaces)?\b|['"`]\/api\/v1\/[^'"`]*\/secrets\b/g,
        ),
      ].map((m) => `${relative(root, file)}: ${m[0]}`),
    );
    expect(calls).toEqual([]);
  });

  // A module small enough to read in one sitting (docs/architecture.md "Rooms"): past 300 lines a file
  // holds more than one job, and the next change should split it rather than grow it.
  it('keeps every source file at 300 lines or fewer', () => {
    const long = sourceFiles(join(root, 'src'))
      .map((file) => [relative(root, file), readFileSync(file, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 300);
    expect(long).toEqual([]);
  });
});

// Helpers for the alert-rule tests: turn the PrometheusRule manifests in alerts/ into the plain
// rule file promtool reads, and run Debian's promtool (package `prometheus`) on it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

/** The name the promtool unit tests in alerts/tests/ give in `rule_files`. */
export const EXTRACTED_RULE_FILE = 'crashtriage-rules.yml';

/** The result of one promtool run. */
export interface PromtoolRun {
  /** Exit status; null when promtool was killed by a signal. */
  status: number | null;
  /** stdout alone. */
  stdout: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/** A rule group as written in a PrometheusRule's spec.groups (only what the tests read). */
export interface RuleGroup {
  name: string;
  rules: Array<Record<string, unknown> & { alert?: string; record?: string; expr: string }>;
}

/**
 * Reads every YAML document in the given manifest files and returns the spec.groups of each
 * PrometheusRule, in file order. Throws on a document that is not a PrometheusRule, so a typo in
 * `kind` cannot silently drop rules from the test.
 */
export function extractRuleGroups(manifestPaths: readonly string[]): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (const path of manifestPaths) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
      const obj: unknown = doc.toJS();
      if (obj === null || obj === undefined) continue;
      const manifest = obj as { kind?: unknown; spec?: { groups?: RuleGroup[] } };
      if (manifest.kind !== 'PrometheusRule') {
        throw new Error(`${path}: expected kind PrometheusRule, got ${String(manifest.kind)}`);
      }
      groups.push(...(manifest.spec?.groups ?? []));
    }
  }
  return groups;
}

/** Locates a program on PATH; undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return undefined;
}

/** Locates promtool on PATH; undefined when it is not installed. */
export const findPromtool = (): string | undefined => findTool('promtool');

/** The message a test fails with when promtool is missing. */
export const PROMTOOL_MISSING =
  "promtool not found on PATH: install Debian's `prometheus` package (apt-get install -y prometheus), " +
  'which ships /usr/bin/promtool. The alert rule tests need it and do not skip without it.';

/**
 * Makes a temp directory holding the extracted rule file and copies of the promtool unit test
 * files, so the tests' relative `rule_files` entry resolves. Returns the directory.
 */
export function prepareRuleTestDir(groups: readonly RuleGroup[], testFiles: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-rules-'));
  // lineWidth 0: never fold long PromQL lines (folding is harmless, but keeps diffs readable).
  writeFileSync(join(dir, EXTRACTED_RULE_FILE), stringify({ groups }, { lineWidth: 0 }));
  for (const file of testFiles) copyFileSync(file, join(dir, file.split('/').at(-1) ?? file));
  return dir;
}

/** Runs promtool (or amtool) with the given arguments in `cwd`, capturing its output. */
export function runTool(program: string, args: readonly string[], cwd: string): PromtoolRun {
  const run = spawnSync(program, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout ?? '', output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

/** The .yaml files of a directory, sorted, as paths. */
export function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

// The shipped alert rules, checked and unit-tested by Debian's promtool (package `prometheus`), and
// the plain Alertmanager snippet checked by amtool (package `prometheus-alertmanager`). Both tools
// are required: a missing one fails these tests with the package to install, it never skips them.
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  EXTRACTED_RULE_FILE,
  extractRuleGroups,
  findPromtool,
  findTool,
  PROMTOOL_MISSING,
  prepareRuleTestDir,
  type RuleGroup,
  runTool,
  yamlFilesIn,
} from '../support/promtool.ts';

const RULE_MANIFESTS = ['alerts/crashtriage-rules.yaml'];
const TEST_FILES = yamlFilesIn('alerts/tests');
const groups = extractRuleGroups(RULE_MANIFESTS);
const alerts = groups.flatMap((g) => g.rules).filter((r) => typeof r.alert === 'string');
const alertNames = alerts.map((r) => r.alert as string);
const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function promtool(): string {
  const path = findPromtool();
  if (path === undefined) throw new Error(PROMTOOL_MISSING);
  return path;
}

function testDir(ruleGroups: readonly RuleGroup[] = groups): string {
  const dir = prepareRuleTestDir(ruleGroups, TEST_FILES);
  tempDirs.push(dir);
  return dir;
}

const baseName = (path: string): string => path.split('/').at(-1) ?? path;

interface AlertRuleTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string> }>;
}
interface UnitTestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: AlertRuleTest[] }>;
}
const unitTests = TEST_FILES.map((file) => ({ file, doc: parse(readFileSync(file, 'utf8')) as UnitTestFile }));
const alertRuleTests = unitTests.flatMap(({ doc }) => doc.tests.flatMap((t) => t.alert_rule_test ?? []));

describe('promtool', () => {
  it("is installed (Debian package 'prometheus')", () => {
    expect(findPromtool(), PROMTOOL_MISSING).toBeTypeOf('string');
  });

  it('check rules accepts the rule groups extracted from alerts/', () => {
    const dir = testDir();
    const run = runTool(promtool(), ['check', 'rules', EXTRACTED_RULE_FILE], dir);
    expect(run.status, run.output).toBe(0);
    const ruleCount = groups.reduce((n, g) => n + g.rules.length, 0);
    expect(run.output).toContain(`SUCCESS: ${ruleCount} rules found`);
  });

  it.each(TEST_FILES.map(baseName))('test rules passes %s', (file) => {
    const run = runTool(promtool(), ['test', 'rules', file], testDir());
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  // Proves the harness reports a broken rule: with `for: 0m` the Fast alert fires before the
  // window its tests pin down, and promtool must say so.
  it('test rules fails when an alert fires sooner than its for window', () => {
    const broken = structuredClone(groups).map((g) => ({
      ...g,
      rules: g.rules.map((r) => (r.alert === 'CrashtriageContainerRestartingFast' ? { ...r, for: '0m' } : r)),
    }));
    const run = runTool(promtool(), ['test', 'rules', 'restarts.test.yaml'], testDir(broken));
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('alertname: CrashtriageContainerRestartingFast');
  });
});

describe('alert rules', () => {
  it('are all in one group, after the records they read', () => {
    // Records in another group would be evaluated concurrently and lag the alerts by an interval.
    expect(groups.map((g) => g.name)).toEqual(['crashtriage.crashloop']);
    const rules = groups[0]?.rules ?? [];
    const lastRecord = rules.findLastIndex((r) => typeof r.record === 'string');
    const firstAlert = rules.findIndex((r) => typeof r.alert === 'string');
    expect(lastRecord).toBeLessThan(firstAlert);
  });

  it.each(alertNames)('%s has severity, summary, description and a runbook_url to its README section', (name) => {
    const rule = alerts.find((r) => r.alert === name) as { labels?: Record<string, string>; annotations?: Record<string, string> };
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toMatch(/\{\{ \$labels\.namespace \}\}\/\{\{ \$labels\.pod \}\}/);
    expect(rule.annotations?.description).toMatch(/\S/);
    const anchor = name.toLowerCase();
    expect(rule.annotations?.runbook_url).toBe(`https://github.com/crashtriage/crashtriage/blob/main/alerts/README.md#${anchor}`);
    // GitHub's anchor for "## Name" is the lower-cased name.
    expect(readFileSync('alerts/README.md', 'utf8')).toMatch(new RegExp(`^## ${name}$`, 'm'));
  });

  it.each(alertNames)('%s has a firing and a not-firing promtool case, firing with namespace, pod and container', (name) => {
    const cases = alertRuleTests.filter((t) => t.alertname === name);
    const firing = cases.filter((t) => (t.exp_alerts ?? []).length > 0);
    expect(firing.length, `no firing case for ${name}`).toBeGreaterThan(0);
    expect(
      cases.some((t) => (t.exp_alerts ?? []).length === 0),
      `no not-firing case for ${name}`,
    ).toBe(true);
    for (const labels of firing.flatMap((t) => t.exp_alerts ?? []).map((a) => a.exp_labels ?? {})) {
      expect(Object.keys(labels)).toEqual(expect.arrayContaining(['namespace', 'pod', 'container', 'severity']));
    }
  });

  it('promtool cases name only alerts that exist', () => {
    for (const t of alertRuleTests) expect(alertNames).toContain(t.alertname);
  });

  it.each(TEST_FILES.map(baseName))('%s loads only the extracted rule file', (file) => {
    const entry = unitTests.find((u) => baseName(u.file) === file);
    expect(entry?.doc.rule_files).toEqual([EXTRACTED_RULE_FILE]);
  });
});

// ---- deploy/alertmanager.yml, for Alertmanager without prometheus-operator ----

const AMTOOL_MISSING =
  "amtool not found on PATH: install Debian's `prometheus-alertmanager` package " +
  '(apt-get install -y prometheus-alertmanager), which ships /usr/bin/amtool.';

function amtool(): string {
  const path = findTool('amtool');
  if (path === undefined) throw new Error(AMTOOL_MISSING);
  return path;
}

// kube-prometheus's stock alerts that crashtriage takes (docs/architecture.md "The alerts it takes").
const STOCK_ALERTS = ['KubePodCrashLooping', 'KubeContainerWaiting', 'KubePodNotReady'];

describe('deploy/alertmanager.yml', () => {
  it('passes amtool check-config', () => {
    const run = runTool(amtool(), ['check-config', 'deploy/alertmanager.yml'], process.cwd());
    expect(run.status, run.output).toBe(0);
  });

  it.each([...alertNames, ...STOCK_ALERTS])('routes %s to the crashtriage receiver', (name) => {
    const args = [
      'config',
      'routes',
      'test',
      '--config.file=deploy/alertmanager.yml',
      `alertname=${name}`,
      'namespace=shop',
      'pod=cart-6c8d9-q2w4e',
      'container=cart',
    ];
    const run = runTool(amtool(), args, process.cwd());
    expect(run.status, run.output).toBe(0);
    expect(run.stdout.trim()).toBe('crashtriage');
  });

  it('does not route other alerts to crashtriage', () => {
    const args = ['config', 'routes', 'test', '--config.file=deploy/alertmanager.yml', 'alertname=KubeDeploymentReplicasMismatch', 'namespace=shop'];
    const run = runTool(amtool(), args, process.cwd());
    expect(run.status, run.output).toBe(0);
    expect(run.stdout.trim()).toBe('default');
  });
});

// The shipped alert rules, checked and unit-tested by Debian's promtool (package `prometheus`), and
// the plain Alertmanager snippet checked by amtool (package `prometheus-alertmanager`). Both tools
// are required: a missing one fails these tests with the package to install, it never skips them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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

const CRASH_LOOP_RULES = 'alerts/crashtriage-rules.yaml';
const RECEIVER_RULES = 'alerts/crashtriage-receiver-rules.yaml';
const RULE_MANIFESTS = [CRASH_LOOP_RULES, RECEIVER_RULES];
const TEST_FILES = yamlFilesIn('alerts/tests');
const groups = extractRuleGroups(RULE_MANIFESTS);
const alerts = groups.flatMap((g) => g.rules).filter((r) => typeof r.alert === 'string');
const alertNames = alerts.map((r) => r.alert as string);
const namesIn = (file: string) =>
  extractRuleGroups([file])
    .flatMap((g) => g.rules)
    .flatMap((r) => (typeof r.alert === 'string' ? [r.alert] : []));
const crashLoopAlertNames = namesIn(CRASH_LOOP_RULES);
const receiverAlertNames = namesIn(RECEIVER_RULES);
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
  it('are in one group per file, the crash-loop alerts after the records they read', () => {
    // Records in another group would be evaluated concurrently and lag the alerts by an interval.
    expect(groups.map((g) => g.name)).toEqual(['crashtriage.crashloop', 'crashtriage.receiver']);
    const rules = groups[0]?.rules ?? [];
    const lastRecord = rules.findLastIndex((r) => typeof r.record === 'string');
    const firstAlert = rules.findIndex((r) => typeof r.alert === 'string');
    expect(lastRecord).toBeLessThan(firstAlert);
  });

  it.each(alertNames)('%s has severity, summary, description and a runbook_url to its README section', (name) => {
    const rule = alerts.find((r) => r.alert === name) as { labels?: Record<string, string>; annotations?: Record<string, string> };
    // Never `info`: kube-prometheus-stack's InfoInhibitor would mute it, and crashtriage would never see it.
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    if (crashLoopAlertNames.includes(name)) expect(rule.annotations?.summary).toMatch(/\{\{ \$labels\.namespace \}\}\/\{\{ \$labels\.pod \}\}/);
    else expect(rule.annotations?.summary).toMatch(/crashtriage/);
    expect(rule.annotations?.description).toMatch(/\S/);
    const anchor = name.toLowerCase();
    expect(rule.annotations?.runbook_url).toBe(`https://github.com/crashtriage/crashtriage/blob/main/alerts/README.md#${anchor}`);
    // GitHub's anchor for "## Name" is the lower-cased name.
    expect(readFileSync('alerts/README.md', 'utf8')).toMatch(new RegExp(`^## ${name}$`, 'm'));
  });

  it.each(alertNames)('%s has a firing and a not-firing promtool case, firing with the labels its reader needs', (name) => {
    const cases = alertRuleTests.filter((t) => t.alertname === name);
    const firing = cases.filter((t) => (t.exp_alerts ?? []).length > 0);
    expect(firing.length, `no firing case for ${name}`).toBeGreaterThan(0);
    expect(
      cases.some((t) => (t.exp_alerts ?? []).length === 0),
      `no not-firing case for ${name}`,
    ).toBe(true);
    for (const labels of firing.flatMap((t) => t.exp_alerts ?? []).map((a) => a.exp_labels ?? {})) {
      const needed = crashLoopAlertNames.includes(name) ? ['namespace', 'pod', 'container', 'severity'] : ['job', 'severity'];
      expect(Object.keys(labels)).toEqual(expect.arrayContaining(needed));
    }
  });

  // Several clusters in one ruler (Thanos, Mimir): a `by` or `on` without `cluster` would merge or
  // match two clusters' series. clusters.test.yaml shows the effect; this finds every clause.
  it('every by/on clause of every rule keeps cluster', () => {
    const clauses = groups.flatMap((g) => g.rules).flatMap((r) => [...r.expr.matchAll(/\b(by|on|without|ignoring)\s*\(([^)]*)\)/g)]);
    expect(clauses.length).toBeGreaterThan(20);
    for (const [clause, keyword, labels] of clauses) {
      expect(['by', 'on'], clause).toContain(keyword);
      expect(labels?.split(',').map((l) => l.trim())[0], clause).toBe('cluster');
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

// ---- another label to keep: the documented rewrite (alerts/README.md, "Labels that survive") ----

/** The command alerts/README.md gives for keeping `region` too, run as written. */
function keepAlsoRegion(file: string): string {
  const run = spawnSync('sed', ['-E', 's/\\b(by|on) \\(cluster,/\\1 (cluster, region,/g', file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

describe('keeping another label', () => {
  const readmeCommand = "sed -E 's/\\b(by|on) \\(cluster,/\\1 (cluster, region,/g' alerts/crashtriage-rules.yaml";
  const regionTest = {
    rule_files: [EXTRACTED_RULE_FILE],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          {
            series:
              'kube_pod_container_status_restarts_total{region="eu",job="kube-state-metrics",namespace="shop",pod="cart-6c8d9-q2w4e",uid="u1",container="cart"}',
            values: '0+1x30',
          },
        ],
        alert_rule_test: [
          {
            eval_time: '15m',
            alertname: 'CrashtriageContainerRestartingFast',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', region: 'eu', namespace: 'shop', pod: 'cart-6c8d9-q2w4e', uid: 'u1', container: 'cart' },
                exp_annotations: {
                  summary: 'Container cart of shop/cart-6c8d9-q2w4e is restarting fast.',
                  description: 'Container cart of pod shop/cart-6c8d9-q2w4e restarted 15 times in the last 30 minutes.',
                  runbook_url: 'https://github.com/crashtriage/crashtriage/blob/main/alerts/README.md#crashtriagecontainerrestartingfast',
                },
              },
            ],
          },
        ],
      },
    ],
  };
  const runRegionTest = (ruleFileText: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'crashtriage-region-'));
    tempDirs.push(dir);
    const manifest = parse(ruleFileText) as { spec: { groups: RuleGroup[] } };
    writeFileSync(join(dir, EXTRACTED_RULE_FILE), stringify({ groups: manifest.spec.groups }, { lineWidth: 0 }));
    writeFileSync(join(dir, 'region.test.yaml'), stringify(regionTest));
    return runTool(promtool(), ['test', 'rules', 'region.test.yaml'], dir);
  };

  it('alerts/README.md gives the command', () => {
    expect(readFileSync('alerts/README.md', 'utf8')).toContain(readmeCommand);
  });

  it('after the rewrite every alert keeps region; before it, region is dropped', () => {
    const kept = runRegionTest(keepAlsoRegion(CRASH_LOOP_RULES));
    expect(kept.status, kept.output).toBe(0);
    const dropped = runRegionTest(readFileSync(CRASH_LOOP_RULES, 'utf8'));
    expect(dropped.status).not.toBe(0);
    expect(dropped.output).toContain('region');
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

function routes(config: string, ...labels: string[]): string {
  const run = runTool(amtool(), ['config', 'routes', 'test', `--config.file=${config}`, ...labels], process.cwd());
  expect(run.status, run.output).toBe(0);
  return run.stdout.trim();
}

function writeAlertmanagerConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-am-'));
  tempDirs.push(dir);
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, stringify(config));
  return file;
}

const POD = ['namespace=shop', 'pod=cart-6c8d9-q2w4e', 'container=cart'];

describe('deploy/alertmanager.yml', () => {
  it('passes amtool check-config, also with the optional inhibit rule merged in', () => {
    const run = runTool(amtool(), ['check-config', 'deploy/alertmanager.yml'], process.cwd());
    expect(run.status, run.output).toBe(0);
    const merged = { ...parse(readFileSync('deploy/alertmanager.yml', 'utf8')), ...parse(readFileSync('deploy/alertmanager-inhibit.yml', 'utf8')) };
    const withInhibit = runTool(amtool(), ['check-config', writeAlertmanagerConfig(merged)], process.cwd());
    expect(withInhibit.status, withInhibit.output).toBe(0);
    expect(withInhibit.output).toContain('1 inhibit rules');
  });

  it.each([...crashLoopAlertNames, ...STOCK_ALERTS])('routes %s to crashtriage AND, through the catch-all, to the default receiver', (name) => {
    expect(routes('deploy/alertmanager.yml', `alertname=${name}`, ...POD)).toBe('crashtriage,default');
  });

  it('a route after crashtriage still gets the stock alert (continue: true)', () => {
    expect(routes('deploy/alertmanager.yml', 'alertname=KubePodCrashLooping', 'namespace=payments')).toBe('crashtriage,team-payments');
  });

  it('without continue: true, the crashtriage route would take the stock alert from every route after it', () => {
    const config = parse(readFileSync('deploy/alertmanager.yml', 'utf8'));
    config.route.routes[0].continue = false;
    const file = writeAlertmanagerConfig(config);
    expect(routes(file, 'alertname=KubePodCrashLooping', 'namespace=payments')).toBe('crashtriage');
    expect(routes(file, 'alertname=KubePodCrashLooping', ...POD)).toBe('crashtriage');
  });

  it.each(receiverAlertNames)("routes crashtriage's own %s to you, not to crashtriage", (name) => {
    expect(routes('deploy/alertmanager.yml', `alertname=${name}`, 'namespace=crashtriage', 'job=crashtriage')).toBe('default');
  });

  it('does not route other alerts to crashtriage', () => {
    expect(routes('deploy/alertmanager.yml', 'alertname=KubeDeploymentReplicasMismatch', 'namespace=shop')).toBe('default');
  });
});

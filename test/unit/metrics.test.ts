// The metrics the dashboard and the receiver alerts read exist under those names (src/metrics.ts),
// and the failure series exist at zero from the start, so that the first failure is an increase.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics, primeFailureSeries } from '../../src/metrics.ts';

const metrics = createMetrics();
primeFailureSeries(metrics, ['slack', 'oncall-mail'], ['pods', 'pods/log', 'events']);
const exported = async () => metrics.registry.metrics();
const names = async () => new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));

/** `crashtriage_*` metric names in a PromQL text, with a histogram's _bucket/_sum/_count folded to its name. */
const metricNamesIn = (promql: string): string[] =>
  [...promql.matchAll(/\bcrashtriage_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')).filter((n) => !n.startsWith('crashtriage:'));

const dashboard = JSON.parse(readFileSync('deploy/grafana/crashtriage-dashboard.json', 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ query?: unknown }> };
};
const receiverRules = parse(readFileSync('alerts/crashtriage-receiver-rules.yaml', 'utf8')) as {
  spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
};

describe('metric names', () => {
  it.each(dashboard.panels.map((p) => [p.title, p]))('dashboard panel "%s" reads only metrics the service exports', async (_title, panel) => {
    const used = panel.targets.flatMap((t) => metricNamesIn(t.expr));
    // Prometheus' own `up` is the one other series a panel may read.
    expect(used.length > 0 || panel.targets.every((t) => /^sum\(up\{/.test(t.expr))).toBe(true);
    const known = await names();
    for (const name of used) expect(known, name).toContain(name);
  });

  it('the dashboard variables read an exported metric', async () => {
    const used = dashboard.templating.list.flatMap((v) => metricNamesIn(JSON.stringify(v.query ?? '')));
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(await names()).toContain(name);
  });

  it.each(receiverRules.spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]))('%s reads only exported metrics', async (_alert, rule) => {
    const known = await names();
    for (const name of metricNamesIn(rule.expr)) expect(known, name).toContain(name);
  });

  it('the check is live: an unknown name is not among the exported ones', async () => {
    expect(await names()).not.toContain('crashtriage_deliveries');
  });
});

describe('failure series at zero', () => {
  it('every webhook outcome, every sink and delivery outcome, and the API 401/403 per resource are exported before any failure', async () => {
    const text = await exported();
    expect(text).toContain('crashtriage_webhook_requests_total{outcome="rejected_auth"} 0');
    for (const sink of ['slack', 'oncall-mail']) {
      for (const outcome of ['sent', 'duplicate', 'retryable_failure', 'permanent_failure']) {
        expect(text).toContain(`crashtriage_deliveries_total{sink="${sink}",outcome="${outcome}"} 0`);
      }
    }
    expect(text).toContain('crashtriage_kube_api_calls_total{resource="pods/log",code="403"} 0');
  });
});

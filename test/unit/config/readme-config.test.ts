/** The README's CONFIG_FILE example is a valid configuration (documentation that cannot drift). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';

const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
const example = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((block) => block.startsWith('# CONFIG_FILE'));

describe('README configuration example', () => {
  it('loads without errors, with its sinks and routes', () => {
    expect(example).toBeDefined();
    const files: Record<string, string> = { '/etc/crashtriage/config.yaml': example ?? '', '/etc/crashtriage/smtp-password': 'pw\n' };
    const result = loadConfig({ WEBHOOK_TOKEN: 't', CONFIG_FILE: '/etc/crashtriage/config.yaml' }, (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(path), { code: 'ENOENT' });
      return text;
    });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(Object.keys(result.config.sinks).sort()).toEqual(['archive', 'oncall-mail', 'oncall-page', 'payments-slack', 'payments-teams']);
    expect(result.config.sinks['oncall-page']).toMatchObject({ type: 'pagerduty', severityMap: { sev1: 'critical' }, changeEvents: true });
    expect(result.config.routes).toHaveLength(2);
    expect(result.config.delivery.dedupeWindowMs).toBe(3_600_000);
  });
});

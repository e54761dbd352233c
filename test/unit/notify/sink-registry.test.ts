/**
 * The sink registry: every sink type's own description is what the config reads, what the logger
 * censors and what the incident filter decides on.
 */
import { Writable } from 'node:stream';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { SINK_TYPES, SinkSpec, sinkTypeOf } from '../../../src/notify/sinks/registry.ts';

const types = SINK_TYPES.map((t) => [t.type, t] as const);

describe('sink registry', () => {
  it.each(types)('%s: its schema is an object whose type is its own name', (name, type) => {
    expect(type.schema.properties.type).toMatchObject({ const: name });
    expect(type.schema.additionalProperties).toBe(false);
    expect(sinkTypeOf(name)).toBe(type);
    // A spec of just its type is valid exactly when the type requires nothing else.
    const required: readonly string[] = type.schema.required ?? [];
    expect(Value.Check(SinkSpec, { type: name })).toBe(required.every((k) => k === 'type'));
  });

  it('has one type per name, and says so for a name it lacks', () => {
    expect(new Set(SINK_TYPES.map((t) => t.type)).size).toBe(SINK_TYPES.length);
    expect(() => sinkTypeOf('carrier-pigeon')).toThrow('unknown sink type carrier-pigeon');
  });

  it.each(types.filter(([, t]) => t.secretFields.length > 0))(
    '%s: every secret field is censored wherever a sink spec or the config is logged',
    (name, type) => {
      const lines: string[] = [];
      const logger = createLogger(
        'info',
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const spec = Object.fromEntries([['type', name], ...type.secretFields.map((field, i) => [field, `secret-${i}-never-logged`])]);
      logger.info({ spec }, 'a sink');
      logger.info({ sinks: { [name]: spec } }, 'the config');
      expect(lines).toHaveLength(2);
      expect(lines.join('')).not.toMatch(/secret-\d-never-logged/);
      expect(lines.join('')).toContain('[REDACTED]');
    },
  );

  it('reads each sink the environment describes under its fixed name', () => {
    const result = loadConfig({
      WEBHOOK_TOKEN: 't',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_CHANNEL: '#alerts',
      SMTP_URL: 'smtp://mail.example:587',
      EMAIL_FROM: 'crashtriage@example.com',
      EMAIL_TO: 'a@example.com, b@example.com',
      FORWARD_WEBHOOK_URL: 'https://hooks.example/diagnoses',
      TEAMS_WEBHOOK_URL: 'https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x',
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY000000000000000STANDIN',
    });
    expect(result.ok && Object.fromEntries(Object.entries(result.config.sinks).map(([n, s]) => [n, s.type]))).toEqual({
      slack: 'slack',
      'slack-api': 'slack-api',
      teams: 'teams',
      pagerduty: 'pagerduty',
      email: 'email',
      webhook: 'webhook',
    });
    const everyDocument = SINK_TYPES.filter((t) => t.everyDocument).map((t) => t.type);
    // PagerDuty updates its one alert per incident and decides per document (pagerduty-events.ts).
    expect(everyDocument).toEqual(['slack-api', 'pagerduty', 'webhook']);
  });

  it('Teams and PagerDuty from the environment: any http(s) host, the optional settings, and errors by variable name', () => {
    const env = { WEBHOOK_TOKEN: 't' };
    const ok = loadConfig({
      ...env,
      TEAMS_WEBHOOK_URL:
        'https://default0a1b2c.3d.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0f1e/triggers/manual/paths/invoke?sig=x',
      TEAMS_RAW_CARD: 'true',
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY000000000000000STANDIN',
      PAGERDUTY_URL: 'https://events.eu.pagerduty.com/v2/enqueue',
      PAGERDUTY_SEVERITY_MAP: 'sev1=critical, SEV2=error',
      PAGERDUTY_CHANGE_EVENTS: 'true',
    });
    expect(ok.ok && ok.config.sinks).toEqual({
      teams: { type: 'teams', webhookUrl: expect.stringContaining('api.powerplatform.com'), raw: true },
      pagerduty: {
        type: 'pagerduty',
        routingKey: 'R0UT1NGKEY000000000000000STANDIN',
        url: 'https://events.eu.pagerduty.com/v2/enqueue',
        severityMap: { sev1: 'critical', sev2: 'error' },
        changeEvents: true,
      },
    });
    const bad = loadConfig({ ...env, TEAMS_WEBHOOK_URL: 'teams.example/hook?sig=SECRETSIG', PAGERDUTY_URL: 'https://events.pagerduty.com/v2/enqueue' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors).toEqual(['TEAMS_WEBHOOK_URL: not an http(s) URL', 'PAGERDUTY_ROUTING_KEY: required when PAGERDUTY_URL is set']);
    expect(JSON.stringify(bad)).not.toContain('SECRETSIG');
    const map = loadConfig({ ...env, PAGERDUTY_ROUTING_KEY: 'k', PAGERDUTY_SEVERITY_MAP: 'sev1=urgent' });
    expect(!map.ok && map.errors).toEqual(['PAGERDUTY_SEVERITY_MAP: "sev1=urgent" is not label=severity with severity one of critical, error, warning, info']);
  });
});

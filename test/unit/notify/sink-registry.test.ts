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
    });
    expect(result.ok && Object.fromEntries(Object.entries(result.config.sinks).map(([n, s]) => [n, s.type]))).toEqual({
      slack: 'slack',
      'slack-api': 'slack-api',
      email: 'email',
      webhook: 'webhook',
    });
    const everyDocument = SINK_TYPES.filter((t) => t.everyDocument).map((t) => t.type);
    expect(everyDocument).toEqual(['slack-api', 'webhook']);
  });
});

/**
 * Alertmanager's webhook payload, version 4, as JSON Schema (checked by Fastify's Ajv) with its type
 * derived from the schema. Field list: Alertmanager notify/webhook `Message` and template `Data`.
 * Unknown top-level fields are allowed (Alertmanager may add some); what we read is required.
 */
import { type Static, Type } from '@sinclair/typebox';

const LabelSet = Type.Record(Type.String(), Type.String());

/** RFC 3339 as Alertmanager writes it; `0001-01-01T00:00:00Z` is its "unset" endsAt. */
const Timestamp = Type.String({ format: 'date-time' });

export const WebhookAlert = Type.Object({
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  labels: LabelSet,
  annotations: LabelSet,
  startsAt: Timestamp,
  endsAt: Type.String(),
  generatorURL: Type.String(),
  fingerprint: Type.String({ minLength: 1, maxLength: 64 }),
});

export const WebhookPayload = Type.Object({
  version: Type.Literal('4'),
  groupKey: Type.String(),
  truncatedAlerts: Type.Integer({ minimum: 0 }),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  receiver: Type.String(),
  groupLabels: LabelSet,
  commonLabels: LabelSet,
  commonAnnotations: LabelSet,
  externalURL: Type.String(),
  alerts: Type.Array(WebhookAlert, { minItems: 1, maxItems: 10_000 }),
});

export type WebhookAlert = Static<typeof WebhookAlert>;
export type WebhookPayload = Static<typeof WebhookPayload>;

/** Alertmanager sends this zero time as `endsAt` of an alert that has not ended. */
export const UNSET_TIME = '0001-01-01T00:00:00Z';

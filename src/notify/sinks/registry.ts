/**
 * Every sink type crashtriage has, each described in its own file (sink-type.ts). The config's schema
 * and environment mapping, the logger's redaction, the incident filter and `createSink` derive from
 * this list: a new sink is its file and one line here.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { Sink, SinkDeps } from '../sink.ts';
import { consoleSinkType } from './console.ts';
import { emailSinkType } from './email.ts';
import { pagerDutySinkType } from './pagerduty.ts';
import type { SinkType } from './sink-type.ts';
import { slackApiSinkType } from './slack-api.ts';
import { slackWebhookSinkType } from './slack-webhook.ts';
import { teamsSinkType } from './teams.ts';
import { webhookSinkType } from './webhook.ts';

export const SINK_TYPES = [slackWebhookSinkType, slackApiSinkType, teamsSinkType, pagerDutySinkType, emailSinkType, webhookSinkType, consoleSinkType] as const;

type AnySinkType = (typeof SINK_TYPES)[number];
type SchemasOf<T extends readonly unknown[]> = { [K in keyof T]: T[K] extends { schema: infer S } ? S : never };

/** A sink's entry in the config, as written (YAML file or environment). */
export const SinkSpec = Type.Union(SINK_TYPES.map((t) => t.schema) as unknown as [...SchemasOf<typeof SINK_TYPES>]);
export type SinkSpec = Static<typeof SinkSpec>;

/** A sink as the service uses it: secrets read from their files already. */
export type ResolvedSink = AnySinkType extends infer T ? (T extends SinkType<infer _S, infer R> ? R : never) : never;

const BY_TYPE: ReadonlyMap<string, SinkType<AnySinkType['schema'], ResolvedSink>> = new Map(
  SINK_TYPES.map((t) => [t.type, t as unknown as SinkType<AnySinkType['schema'], ResolvedSink>]),
);

/** The description of a sink type; every spec the config produced has one (its schema admits no other type). */
export function sinkTypeOf(type: string): SinkType<AnySinkType['schema'], ResolvedSink> {
  const found = BY_TYPE.get(type);
  if (found === undefined) throw new Error(`unknown sink type ${type}`);
  return found;
}

/** Builds the adapter for a resolved sink spec (adapters are built at the edge, from config, and nowhere else). */
export function createSink(spec: ResolvedSink, deps: SinkDeps): Sink {
  return sinkTypeOf(spec.type).create(spec, deps);
}

/** The spec's fields that hold credentials, over every sink type. */
export const SINK_SECRET_FIELDS: readonly string[] = [...new Set(SINK_TYPES.flatMap((t) => t.secretFields))];

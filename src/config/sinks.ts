/**
 * Sinks from the environment variables of the README's configuration table (each sink type's
 * `fromEnv`, under its fixed name), and secrets read from their files. With no sink at all, the
 * console sink.
 */
import { type ResolvedSink, SINK_TYPES, type SinkSpec, sinkTypeOf } from '../notify/sinks/registry.ts';
import type { Env, ReadSecretFile } from '../notify/sinks/sink-type.ts';

/** The sinks the environment variables describe, under fixed names. */
export function sinksFromEnv(env: Env, errors: string[]): Record<string, SinkSpec> {
  const sinks: Record<string, SinkSpec> = {};
  for (const type of SINK_TYPES) {
    if (!('fromEnv' in type) || type.fromEnv === undefined) continue;
    const spec = type.fromEnv.read(env, errors);
    if (spec !== undefined) sinks[type.fromEnv.name] = spec;
  }
  return sinks;
}

export function resolveSinks(specs: Record<string, SinkSpec>, env: Env, readSecretFile: ReadSecretFile): Record<string, ResolvedSink> {
  // With no sink configured, diagnoses go to standard output so that a first run shows something.
  if (Object.keys(specs).length === 0) return { console: { type: 'console' } };
  const resolved: Record<string, ResolvedSink> = {};
  for (const [name, spec] of Object.entries(specs)) resolved[name] = sinkTypeOf(spec.type).resolve(spec as never, name, env, readSecretFile);
  return resolved;
}

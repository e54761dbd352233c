/**
 * What a sink type says about itself, in its own file (src/notify/sinks/<type>.ts): its name in the
 * config, the JSON Schema of its entry under `sinks:` in the YAML file, the environment variables that
 * configure one under a fixed name, which of its fields are secrets, whether it takes every document of
 * an incident, and how it is built. The config, the logger's redaction, the registry (registry.ts) and
 * the incident filter derive from the list of these, so a new sink is one file and one line there.
 */
import type { Static, TObject } from '@sinclair/typebox';
import type { Sink, SinkDeps } from '../sink.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a secret from a file; `name` is what an error about it says (the variable or the YAML path). Undefined when unset or unreadable (the error is recorded). */
export type ReadSecretFile = (name: string, path: string | undefined) => string | undefined;

export interface SinkType<Schema extends TObject, Resolved> {
  /** The `type` of a spec: `sinks: {mine: {type: <this>}}`. */
  type: Static<Schema>['type'];
  /** Its entry in the YAML file; `type` a literal, no additional properties. */
  schema: Schema;
  /**
   * The sink the environment describes (README "Configuration"), under the fixed name `name`, or
   * undefined when its variables are unset; a problem is pushed on `errors`, by variable name.
   */
  fromEnv?: { name: string; read(env: Env, errors: string[]): NoInfer<Static<Schema>> | undefined };
  /** Fields of the resolved spec that hold credentials: never logged (src/config/config.ts SECRET_PATHS). */
  secretFields: readonly string[];
  /** The spec with its secret files read (`name` is its name in the config); the spec itself when it has none. */
  resolve(spec: Static<Schema>, name: string, env: Env, readSecretFile: ReadSecretFile): Resolved;
  /**
   * True: it takes every document of an incident, because it edits the message it sent (Slack Web
   * API) or its reader is a program (the JSON webhook). False: only what is new to a person (the
   * incident opening, a new cause, its end), since what it sent cannot be changed (incident-filter.ts).
   */
  everyDocument: boolean;
  create(spec: NoInfer<Resolved>, deps: SinkDeps): Sink;
}

/** A sink type whose spec needs no secret file read: it is used as resolved. */
export function sinkType<Schema extends TObject, Resolved = Static<Schema>>(
  described: Omit<SinkType<Schema, Resolved>, 'resolve'> & Partial<Pick<SinkType<Schema, Resolved>, 'resolve'>>,
): SinkType<Schema, Resolved> {
  return { resolve: (spec) => spec as unknown as Resolved, ...described };
}

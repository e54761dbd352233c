/**
 * The settings file (`CONFIG_FILE`, YAML) as JSON Schema; the environment variables (README, "Configuration") map
 * onto the same shape in `config.ts`. A sink's entry is its type's schema (src/notify/sinks/registry.ts);
 * its secret fields are redacted by the logger (`SECRET_PATHS`).
 */
import { type Static, Type } from '@sinclair/typebox';
import { SinkSpec } from '../notify/sinks/registry.ts';

/** Like one level of Alertmanager's route tree: first match wins unless `continue` is set. */
export const RouteSpec = Type.Object(
  {
    /** Label equality, e.g. `{ namespace: payments }`. */
    match: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Label regex, anchored like Alertmanager's `match_re`, e.g. `{ severity: critical|warning }`. */
    matchRe: Type.Optional(Type.Record(Type.String(), Type.String())),
    sinks: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    continue: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RouteSpec = Static<typeof RouteSpec>;

export const FileSettings = Type.Object(
  {
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    host: Type.Optional(Type.String({ minLength: 1 })),
    webhookTokenFile: Type.Optional(Type.String({ minLength: 1 })),
    allowUnauthenticated: Type.Optional(Type.Boolean()),
    bodyLimitBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
    logLevel: Type.Optional(Type.String()),
    kubeconfig: Type.Optional(Type.String()),
    kubeContext: Type.Optional(Type.String()),
    kube: Type.Optional(
      Type.Object(
        {
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
          maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          logTailLines: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          logLimitBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024 })),
          /** The alert label naming the cluster (CLUSTER_LABEL). */
          clusterLabel: Type.Optional(Type.String({ minLength: 1 })),
          /** The cluster the default credentials reach (CLUSTER_NAME): alerts naming it need no context of their own. */
          clusterName: Type.Optional(Type.String({ minLength: 1 })),
          /** Cluster label value → kubeconfig context, where the names differ. */
          clusters: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
        },
        { additionalProperties: false },
      ),
    ),
    delivery: Type.Optional(
      Type.Object(
        {
          /** Time one webhook request may spend retrying sinks before answering 5xx. */
          budgetMs: Type.Optional(Type.Integer({ minimum: 100 })),
          sinkTimeoutMs: Type.Optional(Type.Integer({ minimum: 100 })),
          /** How long a sink's accepted message is remembered, to drop Alertmanager's resends of it. */
          dedupeWindowMs: Type.Optional(Type.Integer({ minimum: 60_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** More than `threshold` new incidents in one namespace within `windowMs`: the rest in one digest. */
    storm: Type.Optional(
      Type.Object(
        { threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), windowMs: Type.Optional(Type.Integer({ minimum: 10_000 })) },
        { additionalProperties: false },
      ),
    ),
    /** Where silences are created (ALERTMANAGER_URL, ALERTMANAGER_TOKEN). */
    alertmanager: Type.Optional(
      Type.Object({ url: Type.String({ format: 'uri' }), bearerToken: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
    ),
    /** Acting from Slack's buttons (SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_ACTIONS_ALLOWED). */
    slackActions: Type.Optional(
      Type.Object(
        {
          signingSecret: Type.Optional(Type.String({ minLength: 1 })),
          appToken: Type.Optional(Type.String({ minLength: 1 })),
          allowed: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          /** The slack-api sink that carries the buttons, when there are several. */
          sink: Type.Optional(Type.String({ minLength: 1 })),
          /** How often "until resolved" silences are checked. */
          checkIntervalMs: Type.Optional(Type.Integer({ minimum: 1000 })),
        },
        { additionalProperties: false },
      ),
    ),
    sinks: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }), SinkSpec)),
    routes: Type.Optional(Type.Array(RouteSpec)),
    /** Sinks for alerts no route matched; default: every sink. */
    defaultSinks: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);
export type FileSettings = Static<typeof FileSettings>;

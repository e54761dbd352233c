/** What the HTTP app is built from (buildApp in app.ts); each route plugin takes the part it needs. */
import type { FastifyBaseLogger } from 'fastify';
import type { HttpTimeouts } from '../config/config.ts';
import type { Metrics } from '../metrics.ts';
import type { AlertPipeline } from '../pipeline/ports.ts';
import type { HealthSource } from './health-routes.ts';
import type { SlackActionsRouteDeps } from './slack-actions-route.ts';

export interface AppDeps {
  config: { webhookToken?: string; bodyLimitBytes: number; http?: HttpTimeouts; requests?: { budgetMs: number; maxInFlight: number } };
  logger: FastifyBaseLogger;
  pipeline: AlertPipeline;
  metrics: Metrics;
  health: HealthSource;
  /** Milliseconds, like Date.now (tests move it). */
  clock?: () => number;
  /** With SLACK_SIGNING_SECRET: POST /slack/actions, Slack's request URL for the message buttons. */
  slackActions?: Omit<SlackActionsRouteDeps, 'metrics' | 'clock'>;
}

/**
 * The port the notifier delivers through: one `Sink` per configured sink name. A sink sends one
 * diagnosis, once per call, and throws a `SinkError` when it could not; retrying and deduplication
 * are the notifier's job, not the sink's.
 */

import type { Logger } from 'pino';
import type { DiagnosisDocument, IncidentRef } from '../diagnosis/document.ts';
import type { SinkMemoryFactory } from './sink-memory.ts';

export interface SendContext {
  groupKey: string;
  receiver: string;
  /** Alertmanager's externalURL, for silence links. */
  externalURL: string;
  /** Stable per (sink, group, fingerprint, status, startsAt): the same on Alertmanager's resend. */
  idempotencyKey: string;
  /** Aborts this attempt (per-attempt timeout, bounded by the request's budget). */
  signal: AbortSignal;
}

export interface Sink {
  send(doc: DiagnosisDocument, ctx: SendContext): Promise<void>;
  close(): Promise<void>;
}

export interface SinkDeps {
  fetch: typeof fetch;
  clock: () => number;
  logger: Logger;
  /** Per-attempt timeout, also used for SMTP's connection, greeting and socket timeouts. */
  timeoutMs: number;
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  /** Where the sink remembers what it posted (sink-memory.ts); this process's memory by default. */
  memory?: SinkMemoryFactory;
  /**
   * Set for the Slack bot sink the Slack actions act through (src/slack-actions/): the signed value
   * of an incident's buttons. Without it, messages carry no buttons.
   */
  slackButtons?: (incident: IncidentRef, namespace: string) => string;
}

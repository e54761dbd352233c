/** Builds the adapter for a resolved sink spec (adapters are built at the edge, from config, and nowhere else). */
import type { ResolvedSink } from '../../config/config.ts';
import type { Sink, SinkDeps } from '../sink.ts';
import { createConsoleSink } from './console.ts';
import { createEmailSink } from './email.ts';
import { createSlackApiSink } from './slack-api.ts';
import { createSlackWebhookSink } from './slack-webhook.ts';
import { createWebhookSink } from './webhook.ts';

export function createSink(spec: ResolvedSink, deps: SinkDeps): Sink {
  switch (spec.type) {
    case 'slack':
      return createSlackWebhookSink(spec, deps);
    case 'slack-api':
      return createSlackApiSink(spec, deps);
    case 'email':
      return createEmailSink(spec, deps);
    case 'webhook':
      return createWebhookSink(spec, deps);
    case 'console':
      return createConsoleSink(deps);
    default: {
      const never: never = spec;
      throw new Error(`unknown sink type ${String((never as { type?: unknown }).type)}`);
    }
  }
}

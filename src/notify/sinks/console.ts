/**
 * Console sink (type 'console', and what runs when no sink is configured). Two readers:
 * - the service's own standard output is a log stream (JSON lines that a collector parses), so each
 *   diagnosis goes through the logger as one JSON line: message `diagnosis`, the rendered text in
 *   `text` and the diagnosis document in `document`;
 * - a terminal (`npm start` by hand) or a caller that hands its own writer (the demo, tests) wants
 *   to read it: the text rendering, coloured on a terminal.
 */
import { Type } from '@sinclair/typebox';
import { renderText } from '../render-text.ts';
import type { Sink, SinkDeps } from '../sink.ts';
import { sinkType } from './sink-type.ts';

export function createConsoleSink(deps: Pick<SinkDeps, 'stdout' | 'logger'>): Sink {
  const readable = deps.stdout !== process.stdout || process.stdout.isTTY === true;
  return {
    async send(doc) {
      if (readable) deps.stdout.write(`${renderText(doc, { color: deps.stdout.isTTY === true })}\n`);
      else deps.logger.info({ text: renderText(doc, { color: false }), document: doc }, 'diagnosis');
    },
    async close() {},
  };
}

/** `type: console`; also what runs when no sink is configured (src/config/sinks.ts). */
export const consoleSinkType = sinkType({
  type: 'console',
  schema: Type.Object({ type: Type.Literal('console') }, { additionalProperties: false }),
  secretFields: [],
  everyDocument: false,
  create: (_spec, deps) => createConsoleSink(deps),
});

/** Console sink (type 'console'): the text rendering on standard output, for first runs and demos. */
import { renderText } from '../render-text.ts';
import type { Sink, SinkDeps } from '../sink.ts';

export function createConsoleSink(deps: Pick<SinkDeps, 'stdout'>): Sink {
  return {
    async send(doc) {
      deps.stdout.write(`${renderText(doc, { color: deps.stdout.isTTY === true })}\n`);
    },
    async close() {},
  };
}

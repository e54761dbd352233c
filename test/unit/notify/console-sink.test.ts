// The console sink: on the service's own (non-terminal) standard output a diagnosis is one JSON log
// line; a writer handed in by a caller (the demo) gets the readable text.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createConsoleSink } from '../../../src/notify/sinks/console.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

const ctx = { groupKey: 'g', receiver: 'crashtriage', attempt: 1 } as never;

describe('console sink', () => {
  it("on the process's standard output (not a terminal), each diagnosis is one JSON log line with the text and the document", async () => {
    expect(process.stdout.isTTY).not.toBe(true);
    const { logger, lines } = logCapture();
    const doc = oomDocument();
    await createConsoleSink({ stdout: process.stdout, logger }).send(doc, ctx);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as { msg: string; level: number; text: string; document: { cause: unknown } };
    expect(line.msg).toBe('diagnosis');
    expect(line.level).toBe(30);
    expect(line.document.cause).toEqual(JSON.parse(JSON.stringify(doc.cause)));
    expect(line.text).toContain(doc.target.pod ?? '');
    expect(line.text).not.toContain('\u001b[');
  });

  it('a writer of its own (the demo, a test) gets the text rendering, and the log nothing', async () => {
    const { logger, lines } = logCapture();
    let out = '';
    await createConsoleSink({ stdout: { write: (s: string) => (out += s), isTTY: false }, logger }).send(oomDocument(), ctx);
    expect(lines).toEqual([]);
    expect(out).toContain(oomDocument().target.pod ?? '');
    expect(() => JSON.parse(out)).toThrow();
  });
});

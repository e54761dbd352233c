/**
 * A loopback HTTP receiver for the service's own webhook sink: the demo adds it to the config as one
 * more sink, so every diagnosis document (docs/architecture.md "The diagnosis document") also arrives here as
 * JSON and the demo can check it against what the fixture corpus expects, without touching src/.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';

export interface CheckSink {
  /** `http://127.0.0.1:<port>/documents` */
  url: string;
  /** Documents received, by alert fingerprint. */
  byFingerprint: ReadonlyMap<string, DiagnosisDocument>;
  close(): Promise<void>;
}

/** Far above one document (log excerpts are bounded by the renderer's limits). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startCheckSink(): Promise<CheckSink> {
  const received = new Map<string, DiagnosisDocument>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const doc = parseDocument(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : '');
      if (doc === undefined) {
        res.writeHead(400).end();
        return;
      }
      received.set(doc.alert.fingerprint, doc);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/documents`,
    byFingerprint: received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Just enough of a check to index it; the summary reads `cause.id` and `target`. */
function parseDocument(text: string): DiagnosisDocument | undefined {
  try {
    const value = JSON.parse(text) as Partial<DiagnosisDocument> | null;
    if (typeof value?.alert?.fingerprint !== 'string' || typeof value.cause?.id !== 'string') return undefined;
    return value as DiagnosisDocument;
  } catch {
    return undefined;
  }
}

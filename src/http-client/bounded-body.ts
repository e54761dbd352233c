/**
 * Reads a response body into one Buffer, cancelling the stream as soon as it passes `limit` bytes, so a
 * peer that answers with far more than promised costs at most `limit` of memory. Shared by the
 * Kubernetes REST client and the Prometheus and Alertmanager clients; each says in its own words what was too large.
 */
export async function readBoundedBody(stream: ReadableStream<Uint8Array> | null, limit: number, tooLarge: () => Error): Promise<Buffer> {
  if (stream === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

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

/** The same for a Node stream (undici's `request` body): destroyed as soon as it passes `limit` bytes. */
export async function readBoundedStream(
  stream: AsyncIterable<Buffer> & { destroy(error?: Error): void },
  limit: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > limit) {
      const error = tooLarge();
      stream.destroy(error);
      throw error;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A request refused before its body was read (401, 413, 415) ends its connection. Without this, Node
 * keeps reading and discarding whatever body the client still trickles, to reuse the connection,
 * and holds the socket for as long as the client cares to send. The answer goes out with
 * `Connection: close`, and the socket is destroyed once it is flushed.
 */
import type { FastifyReply } from 'fastify';

export function closeAfterReply(reply: FastifyReply): FastifyReply {
  reply.header('connection', 'close');
  const socket = reply.request.raw.socket;
  reply.raw.once('finish', () => socket.destroy());
  return reply;
}

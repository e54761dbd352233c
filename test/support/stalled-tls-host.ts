/**
 * A loopback host that takes TCP connections and never answers the TLS handshake: an `https://` request
 * to it never starts, so no byte of it can reach a peer (a host whose TLS stalls, a middlebox that
 * holds the connection). Closing it destroys the connections it holds.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';

export interface StalledTlsHost {
  /** `https://127.0.0.1:<port>` */
  base: string;
  /** TCP connections it took. */
  connections(): number;
  close(): Promise<void>;
}

export async function startStalledTlsHost(): Promise<StalledTlsHost> {
  const sockets = new Set<Socket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  return {
    base: `https://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => r());
      }),
  };
}

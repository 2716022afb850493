/** A throwaway node:http server on 127.0.0.1 (port from the OS) for load-generator tests, closed after the file. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

const servers: http.Server[] = [];
after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));

/** Resolves to the URL of /predict?text=x on a server answering with `handler`. */
export function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/predict?text=x`)));
}

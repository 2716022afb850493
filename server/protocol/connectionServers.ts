/**
 * What a worker feeds the connections the master hands it to, whichever app it serves: the
 * built-in app (tidepool's routes, with its own fast request path) or a user's (req, res) app.
 */
import type net from 'node:net';
import type { Protocol } from '../ipc/messages.js';
import { createAdoptingHttpServer } from './adoptingHttpServer.js';
import { jsonErrorBytes, type RequestHooks, type ServeHooks } from './hooks.js';
import { createHttpConnectionServer } from './httpConnection.js';
import { trackRequests, type NodeRequestListener } from './trackedRequests.js';
import { createUwsgiConnectionServer, readUwsgiHead, socketSet } from './uwsgiConnection.js';
import { httpRequestHead, uwsgiPeer } from './uwsgiHttpRequest.js';
import { UwsgiHttpStream } from './uwsgiHttpStream.js';
import { UwsgiProtocolError } from './uwsgi.js';

export interface ConnectionServers {
  adopt(proto: Protocol, socket: net.Socket, head: Buffer): void;
  /** open connections, both protocols */
  connections(): number;
  /** connections whose first request has not started yet (a uwsgi connection carries one request: until it closes) */
  fresh(): number;
  /** close idle keep-alive connections; busy ones close after their response */
  drain(): void;
}

/** A user's app: answer 500 to what it was serving when it crashed the process. */
export interface NodeAppServers extends ConnectionServers {
  failInFlight(error: unknown): number;
}

export function builtinAppServers(hooks: ServeHooks): ConnectionServers {
  const http = createHttpConnectionServer(hooks);
  const uwsgi = createUwsgiConnectionServer(hooks);
  return {
    adopt: (proto, socket, head) => (proto === 'uwsgi' ? uwsgi : http).adopt(socket, head),
    connections: () => http.connections() + uwsgi.connections(),
    fresh: () => http.fresh() + uwsgi.connections(),
    drain: () => http.drain(),
  };
}

/**
 * One node:http server runs the user's app for both protocols: HTTP sockets are fed to it as
 * they are, uwsgi sockets as the HTTP/1.0 connection they stand for (uwsgiHttpStream.ts).
 */
export function nodeAppServers(listener: NodeRequestListener, hooks: RequestHooks, headers: Readonly<Record<string, string>>): NodeAppServers {
  const app = trackRequests(listener, hooks, headers);
  const http = createAdoptingHttpServer(hooks.maxBodySize, (req, res) => {
    // The HTTP/1.0 of a rewritten uwsgi request is tidepool's doing: the app sees the client's version.
    if (req.socket instanceof UwsgiHttpStream) {
      const [major, minor] = req.socket.httpVersion.split('.').map(Number);
      Object.assign(req, { httpVersion: req.socket.httpVersion, httpVersionMajor: major, httpVersionMinor: minor });
    }
    app.onRequest(req, res);
  });
  const uwsgiSockets = socketSet();

  function adoptUwsgi(socket: net.Socket, head: Buffer): void {
    uwsgiSockets.add(socket);
    readUwsgiHead(socket, head, ({ packet, contentLength, rest }) => {
      let requestHead: Buffer;
      try {
        requestHead = httpRequestHead(packet.vars, contentLength);
      } catch (e) {
        if (!(e instanceof UwsgiProtocolError)) throw e;
        socket.end(jsonErrorBytes(400, e.message));
        return;
      }
      // From here node:http's own timeouts (headers, whole request) bound the rest.
      socket.setTimeout(0);
      const stream = new UwsgiHttpStream(socket, uwsgiPeer(packet.vars), requestHead, rest, contentLength);
      http.server.emit('connection', stream);
    });
  }

  return {
    adopt: (proto, socket, head) => (proto === 'uwsgi' ? adoptUwsgi(socket, head) : http.adopt(socket, head)),
    connections: () => http.connections() + uwsgiSockets.size(),
    fresh: () => http.fresh() + uwsgiSockets.size(),
    drain: () => http.drain(),
    failInFlight: (error) => app.failInFlight(error),
  };
}

/**
 * A worker process: loads its app itself (uWSGI's lazy-apps): the model behind tidepool's
 * /predict, or the user's own app; tells the master it is ready, then serves the connections
 * the master hands it.
 */
import type net from 'node:net';
import { createApp } from '../app/routes.js';
import type { AppHandler } from '../app/types.js';
import { bucketIndex, emptyHistogram, HEARTBEAT_MS, TALLY_EVERY_MS, type MasterMessage, type RequestTally, type WorkerMessage } from '../ipc/messages.js';
import { builtinAppServers, nodeAppServers, type ConnectionServers } from '../protocol/connectionServers.js';
import type { RequestHooks } from '../protocol/hooks.js';
import type { NodeRequestListener } from '../protocol/trackedRequests.js';
import { APP_CRASHED_EXIT, MODEL_LOAD_FAILED_EXIT, readWorkerSettings, REPORT_EVERY_MS } from './settings.js';
import { Batcher } from './batcher.js';
import { accessLogLine } from './accessLog.js';
import { loadServedApp, type ServedApp } from './servedApp.js';
import { AdminForward } from './adminForward.js';
import { DirectAccept } from './directAccept.js';
import { batchable } from '../master/slot.js';

const settings = readWorkerSettings(process.env);
const spawnedAt = Date.now();

let lastSentAt = 0;
/** Connections on their way to the master (spilled): the worker must not exit before they are sent. */
let handlesInTransit = 0;
function send(m: WorkerMessage, handle?: unknown): void {
  if (!process.connected) return;
  lastSentAt = Date.now();
  if (!handle) {
    process.send!(m);
    return;
  }
  handlesInTransit++;
  process.send!(m, handle as never, {}, (err) => {
    handlesInTransit--;
    // A connection that could not be passed on is closed, not left open with nobody reading it.
    if (err) (handle as { destroy?: () => void }).destroy?.();
    if (draining || crashed) maybeExit();
  });
}

// Workers never outlive the master: when its end of the IPC channel closes (even after a
// SIGKILL of the master), there is nobody to hand us work or collect our exit.
process.on('disconnect', () => process.exit(0));
// Ctrl-C (SIGINT) and a closing terminal (SIGHUP) reach the whole process group: the master
// decides how its workers stop (drain first), so a worker does not die of them on its own.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

const loadStart = performance.now();
const app: ServedApp = await loadServedApp(settings).catch((e: Error) => {
  // The whole trace of an app that throws while loading (the master logs the one-line reason).
  if (e.cause !== undefined) console.error(`[worker ${settings.slot} (pid ${process.pid})] ${e.message}\n`, e.cause);
  send({ t: 'load-failed', error: e.message });
  // Let the IPC message flush, then leave with the code the master reads as "failed to load".
  setTimeout(() => process.exit(MODEL_LOAD_FAILED_EXIT), 50);
  return new Promise<never>(() => {});
});
const loadMs = performance.now() - loadStart;

/**
 * After a request on a kept-alive connection, wait this long before reporting idle: the same
 * client usually sends its next request sooner, and then the busy period simply goes on, with no
 * message at all. A closed connection (uwsgi, Connection: close) reports idle at once.
 */
const KEPT_ALIVE_IDLE_DELAY_MS = 1;
let reportedBusy = false;
let lastReport = 0;
let idleScheduled = false;
let got = 0;
let inFlight = 0;
let idleSentFor = -1;
let queueWaiting = false;
/** kept-alive connections to close after their next response (the master's `shed`) */
let toShed = 0;
function shedOne(): boolean {
  if (toShed === 0) return false;
  toShed--;
  return true;
}
let draining = false;
let servedCount = 0;
let recycleAsked = false;
let avgRtUs = 0;
/** the user's app crashed the process: it is exiting, and takes nothing more */
let crashed = false;
/** accept = workers: the master says another worker is idle */
let othersIdle = false;
const tally: RequestTally = { n: 0, tx: 0, rtUs: 0, avgRtUs: 0, exc: 0, hist: emptyHistogram(), batches: 0, batchedTexts: 0 };
/**
 * accept = workers: the worker reports a tally on a timer instead of a message per busy period,
 * except while the master has handed it a connection it has not yet heard of in a report (the
 * master's queue dispatches on them, and needs to hear at once when the worker is free).
 */
const byTimer = settings.accept === 'workers';
/** `got` as the latest idle or tally told it */
let gotReported = 0;
/** the latest request started, for the master's harakiri */
let latest = { at: 0, method: '', path: '' };
let told = { inFlight: 0, got: 0, open: 0, at: 0, waiting: 0 };

/**
 * Report idle once the event loop has nothing more for us this turn, so that the requests of
 * several connections served back to back cost one message, not one each.
 */
function scheduleIdle(delayMs = 0): void {
  if (idleScheduled) return;
  idleScheduled = true;
  const report = (): void => {
    idleScheduled = false;
    if (inFlight === 0) sendIdle();
  };
  if (delayMs > 0) setTimeout(report, delayMs);
  else setImmediate(report);
}

/** What was served since the last report; the tally starts over. */
function takeTally(): RequestTally {
  if (batcher) {
    tally.batches = batcher.counts.batches - batchesReported.batches;
    tally.batchedTexts = batcher.counts.texts - batchesReported.texts;
    batchesReported = { ...batcher.counts };
  }
  const out = { ...tally, avgRtUs };
  tally.n = tally.tx = tally.rtUs = tally.exc = 0;
  tally.hist = emptyHistogram();
  return out;
}

function sendIdle(): void {
  if (crashed) return;
  reportedBusy = false;
  if (idleSentFor === got && tally.n === 0) return;
  idleSentFor = got;
  gotReported = got;
  send({ t: 'idle', got, open: servers.connections(), ...takeTally() });
}

/** accept = workers: the tally, when something changed, and at least every HEARTBEAT_MS (the master's harakiri hears silence). */
function sendTally(): void {
  if (crashed) return;
  const open = servers.connections();
  const at = inFlight > 0 ? latest.at : 0;
  const waiting = servers.fresh();
  const changed = tally.n > 0 || inFlight !== told.inFlight || got !== told.got || open !== told.open || at !== told.at || waiting !== told.waiting;
  if (!changed && Date.now() - lastSentAt < HEARTBEAT_MS) return;
  told = { inFlight, got, open, at, waiting };
  gotReported = got;
  send({ t: 'tally', got, open, inFlight, waiting, req: inFlight > 0 ? { ...latest } : null, ...takeTally() });
}

/** Whether this request's start and end are told as they happen (see byTimer). */
function reportsTransitions(): boolean {
  return !byTimer || reportedBusy || got !== gotReported;
}

function maybeAskRecycle(): void {
  if (recycleAsked || draining) return;
  const lifetimeS = (Date.now() - spawnedAt) / 1000;
  if (lifetimeS < settings.minWorkerLifetimeS) return;
  if (settings.maxRequests > 0 && servedCount >= settings.maxRequests) {
    recycleAsked = true;
    send({ t: 'recycle', reason: 'max-requests', detail: `served ${servedCount} requests (max-requests ${settings.maxRequests})` });
  } else if (settings.reloadOnRssMb > 0) {
    const rssMb = process.memoryUsage.rss() / 1048576;
    if (rssMb > settings.reloadOnRssMb) {
      recycleAsked = true;
      send({ t: 'recycle', reason: 'rss', detail: `rss ${rssMb.toFixed(0)} MB > reload-on-rss ${settings.reloadOnRssMb} MB` });
    }
  }
}

// Batching pays where the model's cost per call is high (TensorFlow.js); see batch-max-size. A
// model whose batch dimension is fixed at 1 runs one row per call: there is nothing to batch.
const batcher =
  app.kind === 'routes' && settings.batchMaxSize > 1 && app.fixedBatch !== 1
    ? new Batcher((inputs, top) => app.servable.predict(inputs, top > 0 ? { top } : undefined), settings.batchMaxSize, settings.batchMaxDelayUs)
    : undefined;
let batchesReported = { batches: 0, texts: 0 };

const hooks: RequestHooks = {
  maxBodySize: settings.maxBodySize,
  onStart(method, path) {
    inFlight++;
    const now = Date.now();
    latest = { at: now, method, path };
    if (!reportsTransitions()) {
      // The master hears of a request that starts after a quiet spell at once: its harakiri then
      // counts from the request's start, not from the silence (which a long poll also makes).
      if (now - lastSentAt >= TALLY_EVERY_MS) sendTally();
      return;
    }
    // One `busy` per busy period, and a `next` at most every REPORT_EVERY_MS while it lasts: the
    // master learns when the current request started (for harakiri) without a message per
    // request when the worker is saturated.
    if (!reportedBusy) {
      reportedBusy = true;
      lastReport = now;
      send({ t: 'busy', at: now, method, path, got });
    } else if (now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      send({ t: 'next', at: now, method, path });
    }
  },
  onEnd(status, tx, rtUs, method, path, keptAlive) {
    inFlight--;
    servedCount++;
    avgRtUs = (avgRtUs + rtUs) / 2;
    tally.n++;
    tally.tx += tx;
    tally.rtUs += rtUs;
    tally.hist[bucketIndex(rtUs / 1e6)]!++;
    if (status >= 500) tally.exc++;
    if (settings.accessLog) process.stdout.write(accessLogLine(settings.logFormat, settings.slot, method, path, status, rtUs) + '\n');
    maybeAskRecycle();
    if (inFlight === 0) {
      if (reportsTransitions()) scheduleIdle(keptAlive ? KEPT_ALIVE_IDLE_DELAY_MS : 0);
      if (draining) maybeExit();
    }
  },
  shouldClose: () => queueWaiting || draining || shedOne(),
};

/** On every answer, whichever app gives it: which worker served it (the bench reads it). */
const workerHeaders = { 'X-Tidepool-Worker': String(settings.slot) };

/**
 * A user's app runs as it is. An exception no request handler catches (a throw in a timer or an
 * event callback, an unhandled rejection) leaves the process in a state nobody knows, as node's
 * own default says: the worker answers 500 to the requests it was serving and exits at once, and
 * the master respawns it. An exception inside a handler is that request's 500, and nothing more.
 */
function serveNodeApp(listener: NodeRequestListener): ConnectionServers {
  const servers = nodeAppServers(listener, hooks, workerHeaders);
  process.on('uncaughtException', (error) => {
    if (crashed) return;
    crashed = true;
    const failed = servers.failInFlight(error);
    console.error(
      `[worker ${settings.slot} (pid ${process.pid})] the app threw outside its request handlers; ` +
        `answered 500 to ${failed} requests in flight and exiting (the master respawns this worker):`,
      error,
    );
    // The answers are written in the next ticks; nothing else runs after them.
    setImmediate(function exitWhenSent() {
      if (handlesInTransit > 0) setTimeout(exitWhenSent, 5);
      else process.exit(APP_CRASHED_EXIT);
    });
  });
  return servers;
}

const admin = new AdminForward(new Set(settings.adminPaths), send);

/** A user's app sees every request but the master's own routes, which the master answers. */
function forwardingAdmin(listener: NodeRequestListener): NodeRequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!admin.handles(path)) return listener(req, res);
    const method = req.method ?? 'GET';
    const ask = { method, path, query: q === -1 ? '' : url.slice(q + 1), headers: req.headers as Record<string, string | undefined>, body: Buffer.alloc(0) };
    return admin.ask(ask).then((out) => {
      res.writeHead(out.status, { ...out.headers, 'Content-Length': Buffer.byteLength(out.body) });
      res.end(method === 'HEAD' ? undefined : out.body);
    });
  };
}

/** tidepool's routes, but the master's own, which the master answers. */
function forwardingAdminRoutes(handler: AppHandler): AppHandler {
  return (req) => (admin.handles(req.path) ? admin.ask(req) : handler(req));
}

const servers: ConnectionServers =
  app.kind === 'node'
    ? serveNodeApp(forwardingAdmin(app.listener))
    : builtinAppServers({
        ...hooks,
        handler: forwardingAdminRoutes(
          createApp({
            predictor: app.servable,
            limits: { maxBodySize: settings.maxBodySize, maxBatch: settings.maxBatch },
            simulateLatencyMs: settings.simulateLatencyMs,
            headers: workerHeaders,
            batcher,
            // One connection sends one request at a time (HTTP/1.1 without pipelining): nothing can
            // join its batch, so it skips the batcher's extra turn of the event loop.
            canBatch: () => servers.connections() > 1,
          }),
        ),
      });

/** Room for one more connection: the capacity the master's dispatch would give this worker (slot.ts, isAvailable). */
function hasRoom(): boolean {
  const batches = batcher !== undefined && batchable(avgRtUs);
  return inFlight + servers.fresh() < (batches ? settings.batchMaxSize : 1);
}

const direct: DirectAccept = new DirectAccept({
  serve(proto, socket) {
    socket.once('close', () => {
      if (draining) maybeExit();
    });
    servers.adopt(proto, socket, NOTHING_READ);
  },
  hasRoom,
  othersIdle: () => othersIdle,
  send,
  warn: (message) => console.error(`[worker ${settings.slot} (pid ${process.pid})] ${message}`),
});
const NOTHING_READ = Buffer.alloc(0);

function maybeExit(): void {
  if (crashed) return;
  if (inFlight === 0 && servers.connections() === 0 && handlesInTransit === 0) process.exit(0);
}

process.on('message', (m: MasterMessage, handle?: net.Socket) => {
  switch (m.t) {
    case 'conn': {
      got++;
      if (!handle) break;
      const head = Buffer.from(m.head, 'base64');
      handle.once('close', () => {
        if (draining) maybeExit();
      });
      servers.adopt(m.proto, handle, head);
      if (inFlight === 0) scheduleIdle();
      break;
    }
    case 'queue':
      queueWaiting = m.waiting;
      break;
    case 'listen':
      direct.listen(m, handle);
      break;
    case 'admin-answer':
      admin.answer(m);
      break;
    case 'peers':
      othersIdle = m.idle;
      break;
    case 'unlisten':
      direct.close();
      break;
    case 'shed':
      toShed = m.count;
      break;
    case 'stop':
      draining = true;
      direct.close();
      servers.drain();
      maybeExit();
      // Kept-alive sockets that never send again close at keepAliveTimeout; the master's
      // mercy timer bounds the rest.
      setInterval(() => {
        servers.drain();
        maybeExit();
      }, 200).unref();
      break;
  }
});

if (settings.maxWorkerLifetimeS > 0) {
  setTimeout(() => {
    if (!recycleAsked) {
      recycleAsked = true;
      send({ t: 'recycle', reason: 'max-lifetime', detail: `alive ${settings.maxWorkerLifetimeS} s (max-worker-lifetime)` });
    }
  }, settings.maxWorkerLifetimeS * 1000).unref();
}

if (byTimer) setInterval(sendTally, TALLY_EVERY_MS).unref();

send({ t: 'ready', loadMs, backend: app.backend.name, backendDetail: app.backend.detail, model: app.description, shape: app.shape });

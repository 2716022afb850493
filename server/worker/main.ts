/**
 * A worker process: loads the model itself (uWSGI's lazy-apps), tells the master it is ready,
 * then serves the connections the master hands it.
 */
import type net from 'node:net';
import { describeModel, loadPredictor, type Predictor } from '../../models/index.js';
import { createApp } from '../app/routes.js';
import { bucketIndex, emptyHistogram, type MasterMessage, type RequestTally, type WorkerMessage } from '../ipc/messages.js';
import type { ServeHooks } from '../protocol/hooks.js';
import { createHttpConnectionServer } from '../protocol/httpConnection.js';
import { createUwsgiConnectionServer } from '../protocol/uwsgiConnection.js';
import { MODEL_LOAD_FAILED_EXIT, readWorkerSettings, REPORT_EVERY_MS } from './settings.js';
import { Batcher } from './batcher.js';
import { accessLogLine } from './accessLog.js';

const settings = readWorkerSettings(process.env);
const spawnedAt = Date.now();

function send(m: WorkerMessage): void {
  if (process.connected) process.send!(m);
}

// Workers never outlive the master: when its end of the IPC channel closes (even after a
// SIGKILL of the master), there is nobody to hand us work or collect our exit.
process.on('disconnect', () => process.exit(0));
// Ctrl-C (SIGINT) and a closing terminal (SIGHUP) reach the whole process group: the master
// decides how its workers stop (drain first), so a worker does not die of them on its own.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

const loadStart = performance.now();
const predictor: Predictor = await loadPredictor(settings.model, settings.modelOptions).catch((e: Error) => {
  send({ t: 'load-failed', error: e.message });
  // Let the IPC message flush, then leave with the code the master reads as "model failed to load".
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
let draining = false;
let served = 0;
let recycleAsked = false;
let avgRtUs = 0;
const tally: RequestTally = { n: 0, tx: 0, rtUs: 0, avgRtUs: 0, exc: 0, hist: emptyHistogram(), batches: 0, batchedTexts: 0 };

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

function sendIdle(): void {
  reportedBusy = false;
  if (idleSentFor === got && tally.n === 0) return;
  idleSentFor = got;
  if (batcher) {
    tally.batches = batcher.counts.batches - batchesReported.batches;
    tally.batchedTexts = batcher.counts.texts - batchesReported.texts;
    batchesReported = { ...batcher.counts };
  }
  send({ t: 'idle', got, open: http.connections() + uwsgi.connections(), ...tally, avgRtUs });
  tally.n = tally.tx = tally.rtUs = tally.exc = 0;
  tally.hist = emptyHistogram();
}

function maybeAskRecycle(): void {
  if (recycleAsked || draining) return;
  const lifetimeS = (Date.now() - spawnedAt) / 1000;
  if (lifetimeS < settings.minWorkerLifetimeS) return;
  if (settings.maxRequests > 0 && served >= settings.maxRequests) {
    recycleAsked = true;
    send({ t: 'recycle', reason: 'max-requests', detail: `served ${served} requests (max-requests ${settings.maxRequests})` });
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
  settings.batchMaxSize > 1 && predictor.info.fixedBatch !== 1
    ? new Batcher((inputs, top) => predictor.predict(inputs, top > 0 ? { top } : undefined), settings.batchMaxSize, settings.batchMaxDelayUs)
    : undefined;
let batchesReported = { batches: 0, texts: 0 };

const hooks: ServeHooks = {
  handler: createApp({
    predictor,
    limits: { maxBodySize: settings.maxBodySize, maxBatch: settings.maxBatch },
    simulateLatencyMs: settings.simulateLatencyMs,
    describe: () => ({ worker: settings.slot, pid: process.pid, backend: predictor.backend.name }),
    headers: { 'X-Tidepool-Worker': String(settings.slot) },
    batcher,
    metricsOnAppListener: settings.metricsOnAppListener,
    // One connection sends one request at a time (HTTP/1.1 without pipelining): nothing can
    // join its batch, so it skips the batcher's extra turn of the event loop.
    canBatch: () => http.connections() + uwsgi.connections() > 1,
  }),
  maxBodySize: settings.maxBodySize,
  onStart(method, path) {
    inFlight++;
    const now = Date.now();
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
    served++;
    avgRtUs = (avgRtUs + rtUs) / 2;
    tally.n++;
    tally.tx += tx;
    tally.rtUs += rtUs;
    tally.hist[bucketIndex(rtUs / 1e6)]!++;
    if (status >= 500) tally.exc++;
    if (settings.accessLog) process.stdout.write(accessLogLine(settings.logFormat, settings.slot, method, path, status, rtUs) + '\n');
    maybeAskRecycle();
    if (inFlight === 0) {
      scheduleIdle(keptAlive ? KEPT_ALIVE_IDLE_DELAY_MS : 0);
      if (draining) maybeExit();
    }
  },
  shouldClose: () => queueWaiting || draining,
};

const http = createHttpConnectionServer(hooks);
const uwsgi = createUwsgiConnectionServer(hooks);

function maybeExit(): void {
  if (inFlight === 0 && http.connections() === 0 && uwsgi.connections() === 0) process.exit(0);
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
      (m.proto === 'uwsgi' ? uwsgi : http).adopt(handle, head);
      if (inFlight === 0) scheduleIdle();
      break;
    }
    case 'queue':
      queueWaiting = m.waiting;
      break;
    case 'stop':
      draining = true;
      http.drain();
      maybeExit();
      // Kept-alive sockets that never send again close at keepAliveTimeout; the master's
      // mercy timer bounds the rest.
      setInterval(() => {
        http.drain();
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

send({ t: 'ready', loadMs, backend: predictor.backend.name, backendDetail: predictor.backend.detail, model: describeModel(predictor.info) });

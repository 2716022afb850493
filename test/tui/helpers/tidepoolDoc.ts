/**
 * tidepool documents for tests, made from a real uWSGI fixture plus the `tidepool` keys, the
 * way the server writes them (uWSGI's keys first, in order, `tidepool` last).
 */
import type { PoolEvent, TidepoolInfo, TidepoolWorkerInfo, UwsgiStats } from '../../../core/stats/schema.js';
import { fixture, type FixtureName } from './statsServer.js';

export function tidepoolInfo(overrides: Partial<TidepoolInfo> = {}): TidepoolInfo {
  return {
    version: '0.1.0',
    started_at: 1795524200,
    backend: 'wasm',
    backend_detail: 'tfjs 4.22.0, 2 threads',
    model: { dir: 'models/reuters-mlp', classes: 46, num_words: 1000 },
    scaling: {
      algo: 'spare',
      min: 5,
      max: 50,
      initial: 5,
      step: 3,
      check_interval_ms: 1000,
      params: { overload: 3 },
      last_decision: { at: 1795524277000, action: 'spawn', count: 3, reason: 'all 11 running workers busy for 3 checks' },
    },
    queue: { waiting: 4, limit: 100, rejected: 0 },
    events: [],
    ...overrides,
  };
}

export function workerInfo(overrides: Partial<TidepoolWorkerInfo> = {}): TidepoolWorkerInfo {
  return {
    ready: true,
    in_flight: 0,
    cheaping: false,
    last_exit: null,
    spawn_to_ready_ms: 850,
    spawn_reason: 'initial',
    spawn_kind: 'initial',
    batches: 0,
    batched_texts: 0,
    ...overrides,
  };
}

/** A fixture turned into a tidepool document with `events`; running workers get worker info. */
export function tidepoolDocument(name: FixtureName, events: PoolEvent[] = [], overrides: Partial<TidepoolInfo> = {}): UwsgiStats {
  const doc = JSON.parse(fixture(name)) as UwsgiStats;
  doc.version = '2.0.21-tidepool';
  for (const w of doc.workers) {
    if (w.pid > 0) w.tidepool = workerInfo({ in_flight: w.status === 'busy' ? 1 : 0 });
  }
  doc.tidepool = tidepoolInfo({ events, ...overrides });
  return doc;
}

/**
 * Glue between the master and the pure scaling algorithms (server/scaling/): once per check,
 * observe the pool, call `decide`, apply the decision. Off when `cheaper` is 0, as in uWSGI.
 */
import { decide, chooseSpawnSlots, type ManualCommand } from '../scaling/decide.js';
import { initialState, type AlgoState } from '../scaling/algorithms.js';
import type { Observation, ScalingDecision, ScalingParams } from '../scaling/types.js';
import { scalingParams } from '../scaling/params.js';
import type { Config } from '../config/index.js';
import { isBusy, type Slot } from './slot.js';
import type { Master } from './master.js';

export interface ScalerStatus {
  algo: string;
  params: ScalingParams;
  lastDecision: { at: number; decision: ScalingDecision } | null;
  lastChange: { at: number; decision: ScalingDecision } | null;
}


export function observe(slots: readonly Slot[], queue: number, now = Date.now()): Observation {
  return {
    now,
    queue,
    max: slots.length,
    workers: slots.map((s) => ({
      id: s.id,
      running: s.state !== 'empty',
      ready: s.state === 'ready',
      busy: isBusy(s),
      cheaping: s.state === 'stopping',
      lastSpawn: s.spawnedAt,
      // The request in progress counts too, so a worker stuck in one long request reads 100 % busy.
      busyMs: s.runningTimeUs / 1000 + (s.inRequest && s.request ? Math.max(0, now - s.request.at) : 0),
      rss: s.rss,
    })),
  };
}

export class Scaler {
  private state: AlgoState;
  private readonly manual: ManualCommand[] = [];
  readonly status: ScalerStatus;

  constructor(private readonly master: Master) {
    const c = master.config;
    this.state = initialState(c['cheaper-algo']);
    this.status = { algo: c['cheaper-algo'], params: scalingParams(c), lastDecision: null, lastChange: null };
  }

  get enabled(): boolean {
    return this.master.config.cheaper > 0;
  }

  /** `+` / `-` from the master FIFO: applied at the next check instead of the algorithm. */
  request(cmd: ManualCommand): void {
    this.manual.push(cmd);
  }

  check(): void {
    if (!this.enabled) return;
    const m = this.master;
    const obs = observe(m.slots, m.queue.length);
    const manual = this.manual.shift();
    const result = decide(this.status.algo as Config['cheaper-algo'], this.state, obs, this.status.params, manual);
    this.state = result.state;
    if (result.manualPending && manual) this.manual.unshift(manual);
    const d = result.decision;
    this.status.lastDecision = { at: obs.now, decision: d };
    if (d.action === 'hold') return;
    this.status.lastChange = { at: obs.now, decision: d };
    if (d.action === 'spawn') {
      const ids = chooseSpawnSlots(obs, d.count);
      m.events.record('decision', `spawn ${ids.length}: ${d.reason}`, { detail: { action: 'spawn', count: ids.length } });
      for (const id of ids) m.spawn(m.slots[id - 1]!, `scale-up (${this.status.algo}): ${d.reason}`);
    } else {
      m.events.record('decision', `cheap worker ${d.workerId}: ${d.reason}`, { detail: { action: 'cheap', worker: d.workerId } });
      m.cheap(m.slots[d.workerId - 1]!, `scale-down (${this.status.algo}): ${d.reason}`);
    }
  }
}

export function attachScaler(master: Master): Scaler {
  const scaler = new Scaler(master);
  master.scaler = scaler;
  master.onCheck = () => scaler.check();
  return scaler;
}

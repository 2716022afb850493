/**
 * Glue between the master and the pure scaling algorithms (server/scaling/): once per check,
 * observe the pool, call `decide`, apply the decision. Off when `cheaper` is 0, as in uWSGI.
 */
import type { SpawnKind } from '../../core/stats/schema.js';
import { decide, chooseSpawnSlots, type ManualCommand } from '../scaling/decide.js';
import { initialState, type AlgoState } from '../scaling/algorithms.js';
import type { Observation, ScalingDecision, ScalingParams } from '../scaling/types.js';
import { scalingParams } from '../scaling/params.js';
import type { Config } from '../config/index.js';
import type { PoolEvents } from './events.js';
import { currentRequest, isBusy, isRunning, processOf, type Slot } from './slot.js';

export interface ScalerStatus {
  algo: Config['cheaper-algo'];
  params: ScalingParams;
  lastDecision: { at: number; decision: ScalingDecision } | null;
  lastChange: { at: number; decision: ScalingDecision } | null;
}

export function observe(slots: readonly Slot[], queue: number, now = Date.now()): Observation {
  return {
    now,
    queue,
    max: slots.length,
    workers: slots.map((s) => {
      const current = currentRequest(s);
      return {
        id: s.id,
        running: isRunning(s),
        ready: s.state.phase === 'ready',
        busy: isBusy(s),
        cheaping: s.state.phase === 'stopping',
        lastSpawn: s.lastSpawn?.at ?? 0,
        // The request in progress counts too, so a worker stuck in one long request reads 100 % busy.
        busyMs: s.counters.runningTimeUs / 1000 + (current ? Math.max(0, now - current.at) : 0),
        rss: processOf(s)?.rss ?? 0,
      };
    }),
  };
}

/** What the scaler acts on: the pool's slots and queue, and the lifecycle's spawn and cheap. */
export interface ScalerPool {
  readonly slots: readonly Slot[];
  readonly events: PoolEvents;
  queueLength(): number;
  spawn(s: Slot, kind: SpawnKind, reason: string): void;
  cheap(s: Slot, reason: string): void;
}

export class Scaler {
  private state: AlgoState;
  private readonly manual: ManualCommand[] = [];
  readonly status: ScalerStatus;
  readonly enabled: boolean;

  constructor(
    config: Config,
    private readonly pool: ScalerPool,
  ) {
    this.state = initialState(config['cheaper-algo']);
    this.status = { algo: config['cheaper-algo'], params: scalingParams(config), lastDecision: null, lastChange: null };
    this.enabled = config.cheaper > 0;
  }

  /** `+` / `-` from the master FIFO: applied at the next check instead of the algorithm. */
  request(cmd: ManualCommand): void {
    this.manual.push(cmd);
  }

  check(): void {
    if (!this.enabled) return;
    const { slots, events } = this.pool;
    const obs = observe(slots, this.pool.queueLength());
    const manual = this.manual.shift();
    const algo = this.status.algo;
    const result = decide(algo, this.state, obs, this.status.params, manual);
    this.state = result.state;
    if (result.manualPending && manual) this.manual.unshift(manual);
    const d = result.decision;
    this.status.lastDecision = { at: obs.now, decision: d };
    if (d.action === 'hold') return;
    this.status.lastChange = { at: obs.now, decision: d };
    const byHand = result.manual;
    if (d.action === 'spawn') {
      const ids = chooseSpawnSlots(obs, d.count);
      const detail = { action: 'spawn', count: ids.length, algo, manual: byHand };
      events.record({ type: 'decision', kind: 'spawn', reason: `spawn ${ids.length}: ${d.reason}`, detail });
      for (const id of ids) this.pool.spawn(slots[id - 1]!, byHand ? 'manual' : 'scale-up', `scale-up (${algo}): ${d.reason}`);
    } else {
      const detail = { action: 'cheap', worker: d.workerId, algo, manual: byHand };
      events.record({ type: 'decision', kind: 'cheap', reason: `cheap worker ${d.workerId}: ${d.reason}`, detail });
      this.pool.cheap(slots[d.workerId - 1]!, `scale-down (${algo}): ${d.reason}`);
    }
  }
}

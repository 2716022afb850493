/**
 * What the cost scenario's measurements say about a machine with many more cores than this one:
 * from the master's and the workers' CPU per request, the rate the workers could serve on N
 * cores, the rate at which the master saturates its one core, and where the second overtakes the
 * first. Pure arithmetic on the measured costs; no process is read here.
 */

/** The core counts the model predicts for. */
export const MODEL_CORES = [2, 4, 8, 16, 32, 64] as const;

export const MODEL_ASSUMPTION =
  'The master has one core to itself and the workers share the other N - 1, each worker core serving 1e6 / (worker µs per request) requests per second: ' +
  'the costs measured here stay constant per request as cores are added (no lock, cache or memory-bandwidth contention, no change in batching) ' +
  'and the load client runs elsewhere. The master saturates at 1e6 / (master µs per connection) one-shot connections per second, ' +
  '1e6 / (master µs per request) kept-alive requests per second; a master cost that is really per second (timers) is counted per request, which is pessimistic at high rates.';

/** What one accept mode costs, per request, for one kind of connection. */
export interface RequestCost {
  /** CPU µs of the master per request (per connection, for one-shot). */
  masterUs: number;
  /** CPU µs of the workers, summed, per request. */
  workerUs: number;
}

export type ConnectionKind = 'oneShot' | 'keepAlive';
export const CONNECTION_KINDS = ['oneShot', 'keepAlive'] as const satisfies readonly ConnectionKind[];

export interface ModeCosts {
  /** The accept mode these costs were measured in (master, workers). */
  mode: string;
  oneShot: RequestCost;
  keepAlive: RequestCost;
}

/** The prediction for one accept mode, one kind of connection, N cores. */
export interface ModelCell {
  /** (N - 1) x 1e6 / worker µs per request. */
  workersRps: number;
  /** 1e6 / master µs per request; null when the master cost nothing measurable (it never saturates). */
  masterRps: number | null;
  /** min of both. */
  servedRps: number;
  /** What bounds servedRps. */
  bound: 'workers' | 'master';
}

export interface ModelRow {
  cores: number;
  modes: { mode: string; oneShot: ModelCell; keepAlive: ModelCell }[];
}

export interface Bottleneck {
  mode: string;
  /** The fewest cores at which the master, not the workers, bounds the served rate; null: never (the master cost 0). */
  oneShotCores: number | null;
  keepAliveCores: number | null;
}

export interface ScaleModel {
  assumption: string;
  costs: ModeCosts[];
  rows: ModelRow[];
  bottlenecks: Bottleneck[];
}

function checkCost(mode: string, kind: ConnectionKind, cost: RequestCost): void {
  for (const [name, value] of Object.entries(cost)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Expected ${mode} ${kind} ${name} to be a finite number of µs >= 0, got ${value}`);
  }
  if (cost.workerUs === 0) throw new RangeError(`Expected ${mode} ${kind} workerUs to be > 0: a worker that costs nothing per request cannot be modelled`);
}

/** The prediction for `cores` cores. */
export function modelCell(cost: RequestCost, cores: number): ModelCell {
  if (!Number.isInteger(cores) || cores < 2)
    throw new RangeError(`Expected the core count to be a whole number >= 2 (one for the master, one for a worker), got ${cores}`);
  const workersRps = ((cores - 1) * 1e6) / cost.workerUs;
  const masterRps = cost.masterUs > 0 ? 1e6 / cost.masterUs : null;
  const master = masterRps !== null && masterRps < workersRps;
  return { workersRps, masterRps, servedRps: master ? masterRps : workersRps, bound: master ? 'master' : 'workers' };
}

/**
 * The fewest cores N at which the master saturates before the workers: (N - 1) / worker µs >
 * 1 / master µs, that is N > 1 + worker µs / master µs. A tie leaves the workers the bound.
 */
export function masterBottleneckCores(cost: RequestCost): number | null {
  if (cost.masterUs <= 0) return null;
  return Math.floor(1 + cost.workerUs / cost.masterUs) + 1;
}

export function scaleModel(costs: readonly ModeCosts[], cores: readonly number[] = MODEL_CORES): ScaleModel {
  for (const c of costs) for (const kind of CONNECTION_KINDS) checkCost(c.mode, kind, c[kind]);
  return {
    assumption: MODEL_ASSUMPTION,
    costs: costs.map((c) => ({ ...c })),
    rows: cores.map((n) => ({
      cores: n,
      modes: costs.map((c) => ({ mode: c.mode, oneShot: modelCell(c.oneShot, n), keepAlive: modelCell(c.keepAlive, n) })),
    })),
    bottlenecks: costs.map((c) => ({ mode: c.mode, oneShotCores: masterBottleneckCores(c.oneShot), keepAliveCores: masterBottleneckCores(c.keepAlive) })),
  };
}

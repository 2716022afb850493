/**
 * What the master tells the scaling ("cheaper") algorithms once per check, and what they answer.
 * The algorithms are pure: the master observes the pool, calls `decide`, and applies the decision.
 */

/** One worker slot, 1..max, as the master sees it at the check. */
export interface WorkerObservation {
  id: number; // slot 1..max
  running: boolean; // a live process in the slot (loading or ready)
  ready: boolean; // model loaded, accepting
  busy: boolean; // a request in progress now
  cheaping: boolean; // being cheaped/recycled: still running but takes no new request; does not count as capacity
  lastSpawn: number; // epoch ms of the slot's last spawn
  busyMs: number; // cumulative ms spent in requests (running_time/1000); the algorithm diffs it between windows
  rss: number; // bytes
}

export interface Observation {
  now: number; // epoch ms
  workers: WorkerObservation[]; // every slot, running or not
  queue: number; // requests/connections waiting for a worker (tidepool knows it exactly, even on UNIX sockets)
  max: number; // `workers` option
}

/**
 * The cheaper options (spec section 3), already validated and in these units.
 * `step` and `backlogStep` 0 are tidepool's "demand" mode: spawn as many workers as requests wait
 * (see backlog.ts). `rssLimitSoft`/`rssLimitHard` 0 mean off.
 */
export interface ScalingParams {
  cheaper: number; // minimum running workers
  step: number; // workers spawned at once; 0 = as many as wait (backlog only)
  overload: number; // spare: checks; backlog: queue length; busyness: window SECONDS
  idle: number; // spare2: checks of surplus idle workers before cheaping one
  checkIntervalMs: number;
  busynessMax: number; // percent
  busynessMin: number; // percent
  busynessMultiplier: number;
  busynessPenalty: number;
  backlogAlert: number; // busyness: queue length for an emergency spawn
  backlogStep: number; // busyness: workers per emergency spawn; 0 = as many as wait
  backlogNonzeroS: number; // busyness: seconds of non-empty queue for an emergency spawn
  rssLimitSoft: number; // bytes, 0 = off
  rssLimitHard: number; // bytes, 0 = off
}

export type ScalingDecision =
  | { action: 'spawn'; count: number; reason: string } // reason in words, e.g. "spare: all 5 workers busy for 3 checks"
  | { action: 'cheap'; workerId: number; reason: string }
  | { action: 'hold'; reason: string };

export const CHEAPER_ALGOS = ['spare', 'spare2', 'backlog', 'busyness', 'manual'] as const;
export type CheaperAlgo = (typeof CHEAPER_ALGOS)[number];

/**
 * What an algorithm wants before the driver picks slots and victims. A cheap names no worker:
 * choosing the victim is the driver's job (spec 3, step 4).
 */
export type AlgoDecision = { action: 'spawn'; count: number; reason: string } | { action: 'cheap'; reason: string } | { action: 'hold'; reason: string };

/**
 * One run of an algorithm. `unapplied` is the state to keep if the driver does NOT carry the
 * decision out (soft memory limit, no idle victim, the `cheaper` floor, a manual request):
 * uWSGI's algorithms behave differently when their spawn or cheap did not happen (spare keeps
 * its overload count, busyness keeps its cheap timer), and a pure function cannot learn it later.
 * For a hold, `unapplied` is `state`.
 */
export interface AlgoStep<S> {
  state: S;
  unapplied: S;
  decision: AlgoDecision;
}

/**
 * What the compare scenario concludes, read off one run: tidepool's ratios to the node:http
 * clusters, and whether they reach the goals the master's hot path is worked against. Pure.
 */

/** The targets, in the order they are measured. */
export const COMPARE_TARGETS = {
  tidepool: 'tidepool, batching (default), accept = master',
  'tidepool-no-batching': 'tidepool, no batching',
  'tidepool-accept-workers': 'tidepool, batching, accept = workers',
  'cluster-constant': 'node:http cluster, constant JSON',
  'cluster-model': "node:http cluster, tidepool's predictor per request",
} as const;
export type CompareTargetId = keyof typeof COMPARE_TARGETS;

/** The tidepool targets the goals are checked on: the master accepting, and the workers. */
export type GoalTarget = Extract<CompareTargetId, 'tidepool' | 'tidepool-accept-workers'>;
const GOAL_PREFIX: Record<GoalTarget, string> = { tidepool: '', 'tidepool-accept-workers': 'accept = workers: ' };

/** The part of a compare row the conclusions read. */
export interface ComparedRow {
  targetId: CompareTargetId;
  connections: number;
  oneShot: boolean;
  rps: number;
  latency: { p99: number } | null;
}

export interface CompareRatio {
  /** "tidepool / constant-JSON cluster" */
  name: string;
  connections: number;
  oneShot: boolean;
  /** Of requests per second. */
  value: number;
}

export interface GoalCheck {
  description: string;
  /** The connection count it was read at; null when the rows it needs were not measured. */
  connections: number | null;
  value: number | null;
  limit: number;
  /** null: not measured. */
  met: boolean | null;
}

/** The goals of issue 16, as ratios taken in one run. */
export const COMPARE_GOALS = {
  /** tidepool's keep-alive req/s at the highest connection count, at least this share of the constant-JSON cluster's. */
  keepAliveOfConstant: 0.6,
  /** tidepool's one-shot req/s, at least this share of the same-model cluster's. */
  oneShotOfModel: 0.95,
  /** tidepool's p99 at the lowest connection count, at most this multiple of the constant-JSON cluster's. */
  p99OfConstant: 1.5,
} as const;

const RATIOS: readonly { name: string; of: CompareTargetId; to: CompareTargetId; keepAliveOnly?: boolean }[] = [
  { name: 'tidepool / constant-JSON cluster', of: 'tidepool', to: 'cluster-constant' },
  { name: 'tidepool / same-model cluster', of: 'tidepool', to: 'cluster-model' },
  { name: 'batching / no batching', of: 'tidepool', to: 'tidepool-no-batching', keepAliveOnly: true },
  { name: 'accept = workers / constant-JSON cluster', of: 'tidepool-accept-workers', to: 'cluster-constant' },
  { name: 'accept = workers / same-model cluster', of: 'tidepool-accept-workers', to: 'cluster-model' },
  { name: 'accept = workers / accept = master', of: 'tidepool-accept-workers', to: 'tidepool' },
];

function find(rows: readonly ComparedRow[], id: CompareTargetId, connections: number, oneShot: boolean): ComparedRow | undefined {
  return rows.find((r) => r.targetId === id && r.connections === connections && r.oneShot === oneShot);
}

/** Every ratio of req/s between targets measured at the same connections and connection kind. */
export function compareRatios(rows: readonly ComparedRow[]): CompareRatio[] {
  const points = [...new Map(rows.map((r) => [`${r.oneShot}:${r.connections}`, { connections: r.connections, oneShot: r.oneShot }])).values()];
  points.sort((a, b) => Number(a.oneShot) - Number(b.oneShot) || a.connections - b.connections);
  return points.flatMap(({ connections, oneShot }) =>
    RATIOS.flatMap((ratio): CompareRatio[] => {
      if (ratio.keepAliveOnly && oneShot) return [];
      const of = find(rows, ratio.of, connections, oneShot);
      const to = find(rows, ratio.to, connections, oneShot);
      return of && to && to.rps > 0 ? [{ name: ratio.name, connections, oneShot, value: of.rps / to.rps }] : [];
    }),
  );
}

/** tidepool's value over the other target's at one row, or null when either row is missing. */
type Read = (r: ComparedRow) => number | undefined;

function ratioAt(rows: readonly ComparedRow[], who: GoalTarget, to: CompareTargetId, connections: number, oneShot: boolean, read: Read): number | null {
  const of = find(rows, who, connections, oneShot);
  const base = find(rows, to, connections, oneShot);
  const [a, b] = [of && read(of), base && read(base)];
  return a !== undefined && b !== undefined && b > 0 ? a / b : null;
}

function check(description: string, limit: number, atMost: boolean, connections: number | undefined, value: (c: number) => number | null): GoalCheck {
  const v = connections === undefined ? null : value(connections);
  if (v === null) return { description, connections: null, value: null, limit, met: null };
  return { description, connections: connections!, value: v, limit, met: atMost ? v <= limit : v >= limit };
}

/** The goals of one tidepool target (`who`), each with the value it was read as and whether it is met. */
export function checkGoals(rows: readonly ComparedRow[], who: GoalTarget = 'tidepool'): GoalCheck[] {
  const counts = (oneShot: boolean) => rows.filter((r) => r.targetId === who && r.oneShot === oneShot).map((r) => r.connections);
  const prefix = GOAL_PREFIX[who];
  const most = (list: number[]) => (list.length > 0 ? Math.max(...list) : undefined);
  const fewest = (list: number[]) => (list.length > 0 ? Math.min(...list) : undefined);
  const rps = (r: ComparedRow) => r.rps;
  const p99 = (r: ComparedRow) => r.latency?.p99;
  const g = COMPARE_GOALS;
  return [
    check(
      `${prefix}keep-alive req/s at the most connections >= ${g.keepAliveOfConstant} x the constant-JSON cluster`,
      g.keepAliveOfConstant,
      false,
      most(counts(false)),
      (c) => ratioAt(rows, who, 'cluster-constant', c, false, rps),
    ),
    check(`${prefix}one-shot req/s >= ${g.oneShotOfModel} x the same-model cluster`, g.oneShotOfModel, false, most(counts(true)), (c) =>
      ratioAt(rows, who, 'cluster-model', c, true, rps),
    ),
    check(
      `${prefix}keep-alive p99 at the fewest connections <= ${g.p99OfConstant} x the constant-JSON cluster's`,
      g.p99OfConstant,
      true,
      fewest(counts(false)),
      (c) => ratioAt(rows, who, 'cluster-constant', c, false, p99),
    ),
  ];
}

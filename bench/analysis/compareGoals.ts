/**
 * What the compare scenario concludes, read off one run: tidepool's ratios to the node:http
 * clusters, and whether they reach the goals the master's hot path is worked against. Pure.
 */

/** The targets, in the order they are measured. */
export const COMPARE_TARGETS = {
  tidepool: 'tidepool, batching (default)',
  'tidepool-no-batching': 'tidepool, no batching',
  'cluster-constant': 'node:http cluster, constant JSON',
  'cluster-model': "node:http cluster, tidepool's predictor per request",
} as const;
export type CompareTargetId = keyof typeof COMPARE_TARGETS;

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

/** The goals, each with the value it was read as and whether it is met. */
export function checkGoals(rows: readonly ComparedRow[]): GoalCheck[] {
  const counts = (oneShot: boolean) => rows.filter((r) => r.targetId === 'tidepool' && r.oneShot === oneShot).map((r) => r.connections);
  const keepAlive = counts(false);
  const oneShot = counts(true);
  const goal = (description: string, limit: number, at: number | undefined, value: (c: number) => number | null, atMost = false): GoalCheck => {
    const v = at === undefined ? null : value(at);
    return { description, connections: v === null ? null : at!, value: v, limit, met: v === null ? null : atMost ? v <= limit : v >= limit };
  };
  const rpsRatio = (oneShotRows: boolean, to: CompareTargetId) => (c: number) => {
    const of = find(rows, 'tidepool', c, oneShotRows);
    const base = find(rows, to, c, oneShotRows);
    return of && base && base.rps > 0 ? of.rps / base.rps : null;
  };
  const g = COMPARE_GOALS;
  return [
    goal(`keep-alive req/s at the most connections >= ${g.keepAliveOfConstant} x the constant-JSON cluster`, g.keepAliveOfConstant, keepAlive.length ? Math.max(...keepAlive) : undefined, rpsRatio(false, 'cluster-constant')),
    goal(`one-shot req/s >= ${g.oneShotOfModel} x the same-model cluster`, g.oneShotOfModel, oneShot.length ? Math.max(...oneShot) : undefined, rpsRatio(true, 'cluster-model')),
    goal(
      `keep-alive p99 at the fewest connections <= ${g.p99OfConstant} x the constant-JSON cluster's`,
      g.p99OfConstant,
      keepAlive.length ? Math.min(...keepAlive) : undefined,
      (c) => {
        const p99 = find(rows, 'tidepool', c, false)?.latency?.p99;
        const base = find(rows, 'cluster-constant', c, false)?.latency?.p99;
        return p99 !== undefined && base !== undefined && base > 0 ? p99 / base : null;
      },
      true,
    ),
  ];
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGoals, compareRatios, COMPARE_GOALS, type ComparedRow } from '../../bench/analysis/compareGoals.js';

const row = (targetId: ComparedRow['targetId'], connections: number, oneShot: boolean, rps: number, p99 = 1): ComparedRow => {
  return { targetId, connections, oneShot, rps, latency: { p99 } };
};

// The issue's wrk figures (2 processes each): tidepool 7,465 / 30,014; constant 11,508 / 76,137; same model 6,780 / 19,406.
const ISSUE_ROWS: ComparedRow[] = [
  row('tidepool', 1, false, 7465, 2.67),
  row('tidepool', 32, false, 30014),
  row('tidepool', 32, true, 2889),
  row('cluster-constant', 1, false, 11508, 1.51),
  row('cluster-constant', 32, false, 76137),
  row('cluster-model', 1, false, 6780),
  row('cluster-model', 32, false, 19406),
  row('cluster-model', 32, true, 3662),
];

test('ratios of req/s between targets at the same connections and connection kind', () => {
  const ratios = compareRatios(ISSUE_ROWS);
  const at = (name: string, c: number, oneShot: boolean) => ratios.find((r) => r.name === name && r.connections === c && r.oneShot === oneShot)?.value;
  assert.equal(at('tidepool / constant-JSON cluster', 32, false), 30014 / 76137);
  assert.equal(at('tidepool / same-model cluster', 1, false), 7465 / 6780);
  assert.equal(at('tidepool / same-model cluster', 32, true), 2889 / 3662);
  assert.equal(at('tidepool / constant-JSON cluster', 32, true), undefined, 'no one-shot row of the constant cluster here');
  assert.equal(at('batching / no batching', 32, false), undefined, 'no row without batching here');
  const order = ratios.map((r) => `${r.oneShot}:${r.connections}`);
  assert.deepEqual(order, ['false:1', 'false:1', 'false:32', 'false:32', 'true:32'], 'keep-alive first, by connections');
});

test("the issue's own numbers miss all three goals, each read at its connection count", () => {
  const [keepAlive, oneShot, p99] = checkGoals(ISSUE_ROWS);
  assert.deepEqual([keepAlive!.connections, keepAlive!.value, keepAlive!.limit, keepAlive!.met], [32, 30014 / 76137, COMPARE_GOALS.keepAliveOfConstant, false]);
  assert.deepEqual([oneShot!.connections, oneShot!.met], [32, false]);
  assert.deepEqual([p99!.connections, p99!.value, p99!.met], [1, 2.67 / 1.51, false]);
});

test('goals are met at the limits, and not measured without their rows', () => {
  const met = checkGoals([
    row('tidepool', 1, false, 100, 1.5),
    row('tidepool', 8, false, 60),
    row('tidepool', 8, true, 95),
    row('cluster-constant', 1, false, 200, 1),
    row('cluster-constant', 8, false, 100),
    row('cluster-model', 8, true, 100),
  ]);
  assert.deepEqual(
    met.map((g) => g.met),
    [true, true, true],
  );
  const none = checkGoals([row('tidepool', 1, false, 100)]);
  assert.deepEqual(
    none.map((g) => [g.met, g.value, g.connections]),
    [
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ],
  );
});

test('accept = workers has its own ratios and goals, read off its own rows', () => {
  const rows = [
    ...ISSUE_ROWS,
    row('tidepool-accept-workers', 1, false, 7000, 3),
    row('tidepool-accept-workers', 32, false, 50000),
    row('tidepool-accept-workers', 32, true, 3700),
  ];
  const ratios = compareRatios(rows);
  const at = (name: string, oneShot: boolean) => ratios.find((r) => r.name === name && r.connections === 32 && r.oneShot === oneShot)?.value;
  assert.equal(at('accept = workers / same-model cluster', true), 3700 / 3662);
  assert.equal(at('accept = workers / accept = master', true), 3700 / 2889);
  const goals = checkGoals(rows, 'tidepool-accept-workers');
  assert.deepEqual(
    goals.map((g) => [g.description.startsWith('accept = workers: '), g.met]),
    [
      [true, true],
      [true, true],
      [true, false],
    ],
  );
  assert.deepEqual(
    checkGoals(rows).map((g) => g.met),
    [false, false, false],
    "the master's rows keep their own verdicts",
  );
});

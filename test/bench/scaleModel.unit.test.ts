import assert from 'node:assert/strict';
import { test } from 'node:test';
import { masterBottleneckCores, MODEL_CORES, modelCell, scaleModel, type ModeCosts } from '../../bench/analysis/scaleModel.js';

/** Round numbers: a master at 100 µs per connection saturates at 10,000/s; a worker at 400 µs serves 2,500/s per core. */
const MASTER_ACCEPT: ModeCosts = { mode: 'master', oneShot: { masterUs: 100, workerUs: 400 }, keepAlive: { masterUs: 20, workerUs: 200 } };
/** Workers accept: the master only reads tallies, 0.5 µs per request; accepting moves into the worker. */
const WORKERS_ACCEPT: ModeCosts = { mode: 'workers', oneShot: { masterUs: 0.5, workerUs: 500 }, keepAlive: { masterUs: 0, workerUs: 200 } };

test('modelCell: N - 1 worker cores against one master core, the served rate the smaller', () => {
  assert.deepEqual(modelCell(MASTER_ACCEPT.oneShot, 2), { workersRps: 2500, masterRps: 10000, servedRps: 2500, bound: 'workers' });
  assert.deepEqual(modelCell(MASTER_ACCEPT.oneShot, 8), { workersRps: 17500, masterRps: 10000, servedRps: 10000, bound: 'master' });
  assert.deepEqual(modelCell(MASTER_ACCEPT.keepAlive, 16), { workersRps: 75000, masterRps: 50000, servedRps: 50000, bound: 'master' });
});

test('modelCell: a master that cost nothing measurable never saturates', () => {
  assert.deepEqual(modelCell(WORKERS_ACCEPT.keepAlive, 64), { workersRps: 315000, masterRps: null, servedRps: 315000, bound: 'workers' });
});

test('masterBottleneckCores: the fewest cores where the master bounds the rate, a tie left to the workers', () => {
  // 400 / 100: with 5 cores the 4 worker cores serve 10,000/s, as much as the master: a tie.
  assert.equal(masterBottleneckCores(MASTER_ACCEPT.oneShot), 6);
  assert.equal(modelCell(MASTER_ACCEPT.oneShot, 5).bound, 'workers');
  assert.equal(modelCell(MASTER_ACCEPT.oneShot, 6).bound, 'master');
  // 200 / 20 = 10: 11 cores tie, 12 are master-bound.
  assert.equal(masterBottleneckCores(MASTER_ACCEPT.keepAlive), 12);
  // 500 / 0.5 = 1000: far beyond any row of the table.
  assert.equal(masterBottleneckCores(WORKERS_ACCEPT.oneShot), 1002);
  assert.equal(masterBottleneckCores({ masterUs: 150, workerUs: 400 }), 4, '1 + 2.67: 4 cores are the first beyond');
  assert.equal(masterBottleneckCores(WORKERS_ACCEPT.keepAlive), null);
});

test('scaleModel: one row per core count 2..64, every mode in each, and the bottleneck per mode', () => {
  const model = scaleModel([MASTER_ACCEPT, WORKERS_ACCEPT]);
  assert.deepEqual(
    model.rows.map((r) => r.cores),
    [2, 4, 8, 16, 32, 64],
  );
  assert.deepEqual([...MODEL_CORES], [2, 4, 8, 16, 32, 64]);
  assert.deepEqual(
    model.rows.map((r) => r.modes.map((m) => m.oneShot.servedRps)),
    [
      [2500, 2000],
      [7500, 6000],
      [10000, 14000],
      [10000, 30000],
      [10000, 62000],
      [10000, 126000],
    ],
  );
  assert.deepEqual(
    model.rows.map((r) => r.modes[0]!.oneShot.bound),
    ['workers', 'workers', 'master', 'master', 'master', 'master'],
  );
  assert.deepEqual(model.bottlenecks, [
    { mode: 'master', oneShotCores: 6, keepAliveCores: 12 },
    { mode: 'workers', oneShotCores: 1002, keepAliveCores: null },
  ]);
  assert.match(model.assumption, /N - 1/);
});

test('scaleModel rejects costs it cannot model, naming the mode and the figure', () => {
  const bad = (cost: Partial<ModeCosts['oneShot']>) => scaleModel([{ ...MASTER_ACCEPT, oneShot: { ...MASTER_ACCEPT.oneShot, ...cost } }]);
  assert.throws(() => bad({ workerUs: 0 }), /Expected master oneShot workerUs to be > 0/);
  assert.throws(() => bad({ masterUs: -1 }), /Expected master oneShot masterUs to be a finite number of µs >= 0, got -1/);
  assert.throws(() => bad({ workerUs: Number.NaN }), /got NaN/);
  assert.throws(() => modelCell(MASTER_ACCEPT.oneShot, 1), /whole number >= 2/);
});

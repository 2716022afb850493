import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CostedRow, modeCosts } from '../../bench/analysis/modeCosts.js';
import { perRequestUs, splitCost } from '../../bench/run/costRow.js';
import { costPoints, modelPoolSize, queuedConnections } from '../../bench/scenarios/cost.js';

const row = (accept: string, poolWorkers: number, load: CostedRow['load'], masterUs: number | null, workerUs: number | null): CostedRow => ({
  accept,
  poolWorkers,
  load,
  masterCpuUsPerRequest: masterUs,
  workerCpuUsPerRequest: workerUs,
});

test('costPoints: one-shot at one connection per worker, kept alive at many, queued only with one worker', () => {
  assert.deepEqual(costPoints(1, 32, 64), [
    { load: 'one-shot', connections: 1, oneShot: true },
    { load: 'keep-alive', connections: 32, oneShot: false },
    { load: 'queued', connections: 64, oneShot: true },
  ]);
  assert.deepEqual(
    costPoints(2, 32, 64).map((p) => `${p.load} ${p.connections}`),
    ['one-shot 2', 'keep-alive 32'],
  );
});

test('queuedConnections: beyond what one batching worker takes at once, no more waiting than the listen queue holds', () => {
  assert.equal(queuedConnections(32, 32, 100), 64, 'the defaults: 32 in the worker, 32 waiting');
  assert.equal(queuedConnections(1, 32, 100), 33, 'no batching: one in the worker');
  assert.equal(queuedConnections(32, 200, 100), 132, 'listen 100: no 503s');
});

test('perRequestUs and splitCost: CPU ms over answers in µs, and one 10 ms tick as the resolution', () => {
  assert.equal(perRequestUs(50, 1000), 50);
  assert.equal(perRequestUs(5, 0), null);
  assert.deepEqual(splitCost(400, 800, 1000), { masterCpuUsPerRequest: 400, workerCpuUsPerRequest: 800, resolutionUs: 10 });
});

test('modeCosts: per mode, the one-shot and kept-alive rows of the chosen pool, else the largest; queued rows are no input', () => {
  const rows = [
    row('master', 1, 'one-shot', 600, 800),
    row('workers', 1, 'one-shot', 1, 900),
    row('master', 1, 'queued', 9999, 9999),
    row('master', 2, 'one-shot', 400, 790),
    row('workers', 2, 'one-shot', 2, 950),
    row('master', 2, 'keep-alive', 5, 150),
    row('workers', 2, 'keep-alive', 0, 140),
  ];
  assert.deepEqual(modeCosts(rows, ['master', 'workers'], 2), {
    costs: [
      { mode: 'master', oneShot: { masterUs: 400, workerUs: 790 }, keepAlive: { masterUs: 5, workerUs: 150 } },
      { mode: 'workers', oneShot: { masterUs: 2, workerUs: 950 }, keepAlive: { masterUs: 0, workerUs: 140 } },
    ],
    notes: [],
  });
  const one = modeCosts(rows, ['master'], 1).costs[0]!;
  assert.deepEqual(one.oneShot, { masterUs: 600, workerUs: 800 }, 'the pool asked for');
  assert.deepEqual(one.keepAlive, { masterUs: 5, workerUs: 150 }, 'the largest pool where the one asked for has no row');
  assert.deepEqual(modeCosts(rows, ['master'], 1).notes, ['accept=master keep-alive: the 1-worker row has no answers, the 2-worker row stands in']);
});

test('modelPoolSize: cores - 1 workers, within the pools measured', () => {
  assert.equal(modelPoolSize(2), 1);
  assert.equal(modelPoolSize(3), 2);
  assert.equal(modelPoolSize(64), 2);
  assert.equal(modelPoolSize(1), 1);
});

test('modeCosts: a mode without both rows is left out, saying which row is missing', () => {
  const { costs, notes } = modeCosts([row('master', 1, 'one-shot', 600, 800), row('master', 1, 'keep-alive', null, null)], ['master'], 1);
  assert.deepEqual(costs, []);
  assert.deepEqual(notes, ['no keep-alive row of accept=master has answers']);
  assert.match(modeCosts([row('m', 1, 'one-shot', 1, 0), row('m', 1, 'keep-alive', 1, 1)], ['m'], 1).notes[0]!, /measured no worker CPU/);
});

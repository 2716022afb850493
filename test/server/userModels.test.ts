/**
 * The user's own model files, served by the real server: answers compared with the frameworks'
 * predictions, bad requests, bad files at start, and a new file picked up by a chain reload.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { startServer, stopAll, tempDir, waitFor, type RunningServer } from '../helpers/server.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { ctl, poolEvents } from '../helpers/pool.js';
import { DEFAULT_MODEL_DIR } from '../../models/index.js';
import { fixture, reference, SAME_MLP } from '../models/frameworkFixtures.js';
import { writeKerasArchive } from '../models/kerasFiles.js';
import { maxDifference } from '../models/smallModels.js';

const WORD_INDEX = path.join(DEFAULT_MODEL_DIR, 'word_index.json');

function post(s: RunningServer, body: unknown): Promise<{ status: number; json: () => any }> {
  return request({ socketPath: s.http }, '/predict', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** Every class probability of every row, from one POST with top = all classes. */
async function probabilities(s: RunningServer, x: number[][], classes = 46): Promise<number[][]> {
  const r = await post(s, { inputs: x, top: classes });
  assert.equal(r.status, 200, JSON.stringify(r.json()));
  return (r.json().predictions as { top: { prediction: string; probability: number }[] }[]).map((p) => {
    const row = new Array<number>(classes).fill(NaN);
    for (const c of p.top) row[Number(c.prediction)] = c.probability;
    return row;
  });
}

describe('framework models through the real server', () => {
  after(stopAll);

  for (const { file, ref, format } of SAME_MLP) {
    test(`${file}: POST {"inputs": rows} answers the framework's predictions within 1e-5`, async () => {
      const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--model', fixture(file)] });
      const { x, y } = reference(ref);
      const delta = maxDifference(await probabilities(s, x), y);
      assert.ok(delta <= 1e-5, `max |Δ| ${delta}`);
      const health = (await s.get('/healthz')).json();
      assert.match(health.backend, format === 'onnx' ? /^onnxruntime 1\.30\.0 \(CPU, 1 thread\)$/ : /^wasm /);
      await s.waitForLog(new RegExp(`model: .*${file.replace('.', '\\.')}: .* features \\[1000\\] float32 -> 46 classes`));
      await s.stop();
    });
  }

  test('a .keras archive, and the tutorial flow: a Keras .hdf5 with its word index answers GET /predict?text= on the sparse path', async () => {
    const dir = tempDir();
    const archive = path.join(dir, 'reuters.keras');
    await writeKerasArchive(fixture('jax_m.h5'), archive);
    const keras = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--model', archive] });
    const { x, y } = reference('jax_ref.json');
    assert.ok(maxDifference(await probabilities(keras, x), y) <= 1e-5);
    await keras.stop();

    const hdf5 = path.join(dir, 'reuters_model.hdf5');
    fs.copyFileSync(fixture('keras2style_m.h5'), hdf5);
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--model', hdf5, '--word-index', WORD_INDEX] });
    const r = await s.get('/predict?text=' + encodeURIComponent('OPEC crude oil output barrels bpd Saudi'));
    assert.equal(r.status, 200);
    const body = r.json();
    assert.deepEqual(Object.keys(body), ['prediction', 'label', 'probability']);
    assert.match(body.prediction, /^\d+$/);
    assert.match((await s.get('/healthz')).json().backend, /^sparse \(plain JS, verified against wasm/);
    const stats = await fetchStats(s.stats);
    assert.equal(stats.stats.tidepool!.backend, 'sparse');
    const { classes, num_words } = stats.stats.tidepool!.model;
    assert.ok(classes > 1 && num_words > 1, `the stats tell the .hdf5 model's shape as the worker read it: ${classes} classes, ${num_words} words`);
    const inputs = await post(s, { inputs: [[1, 2]] });
    assert.equal(inputs.status, 400);
    assert.match(inputs.json().error, /^This model reads texts \(its word index is .*word_index\.json\): send \{"text": "\.\.\."\}/);
    await s.stop();
  });

  test('a graph model with a fixed batch dimension: rows cut and padded to it, no dynamic batching, said at start', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--model', fixture('tfjs-graph-model'), '--output', 'raw'] });
    await s.waitForLog(
      /model: .*tfjs-graph-model\/model\.json: TensorFlow\.js graph model .*; features \[2\] float32 -> raw outputs \[2\] per row; .* fixed at 2: /,
    );
    const r = await post(s, {
      inputs: [
        [1, 1],
        [1, 1],
        [2, 2],
      ],
    });
    assert.equal(r.status, 200);
    const out = (r.json().predictions as { outputs: number[] }[]).map((p) => p.outputs);
    assert.ok(
      maxDifference(out, [
        [0.7567615509033203, -0.18349379301071167],
        [0.7567615509033203, -0.18349379301071167],
        [1.5135231018066406, -0.36698758602142334],
      ]) <= 1e-6,
      JSON.stringify(out),
    );
    const top = await post(s, { inputs: [[1, 1]], top: 1 });
    assert.equal(top.status, 400);
    assert.match(
      top.json().error,
      /^field `top` asks for the best classes, but this model names no classes \(its outputs are raw values, or it declares no labels\); drop `top`$/,
    );
    await s.stop();
  });
});

describe('bad requests to a model of feature rows: a 400 naming what was expected and what came', () => {
  let s: RunningServer;
  after(stopAll);

  const row = (n: number, fill = 0) => new Array<number>(n).fill(fill);
  const CASES: [string, string | object, RegExp][] = [
    [
      'a row too short',
      { inputs: [row(1000), row(999)] },
      /^Expected inputs\[1\] to be a row of 1000 numbers \(the model's input is \[1000\] per row\), got an array of 999 items$/,
    ],
    ['a string in a row', { inputs: [[...row(3), 'NaN', ...row(996)]] }, /^Expected inputs\[0\]\[3\] to be a number, got "NaN" \(string\)$/],
    ['null in a row', { inputs: [[null, ...row(999)]] }, /^Expected inputs\[0\]\[0\] to be a number, got null$/],
    ['an infinite number', `{"inputs": [[1e999${',0'.repeat(999)}]]}`, /^Expected inputs\[0\]\[0\] to be a finite number, got Infinity$/],
    ['NaN, which JSON does not have', `{"inputs": [[NaN${',0'.repeat(999)}]]}`, /^Malformed JSON body: /],
    ['a flat row instead of rows', { inputs: row(10) }, /^Expected inputs\[0\] to be a row of 1000 numbers .*, got 0 \(number\)$/],
    ['inputs not an array', { inputs: 'x' }, /^Expected field `inputs` to be an array of rows \(each 1000 numbers\), got "x" \(string\)$/],
    ['no rows', { inputs: [] }, /^Expected field `inputs` to hold 1 to 64 rows \(max-batch\), got 0$/],
    [
      'a text',
      { text: 'crude oil' },
      /^This model takes feature rows, not text: POST \/predict with \{"inputs": \[\[\.\.\.\], \.\.\.\]\}, each row 1000 numbers/,
    ],
    ['top out of range', { inputs: [row(1000)], top: 47 }, /^Expected field `top` to be an integer from 1 to 46, got 47 \(number\)$/],
    ['an unknown field', { inputs: [row(1000)], features: 1 }, /^Unknown field `features` in the JSON body; expected `inputs`, and optionally `top`$/],
  ];

  test('each bad body gets its 400, and the worker keeps serving', async () => {
    s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--model', fixture('torch_mlp.onnx')] });
    for (const [what, body, message] of CASES) {
      const r = await post(s, body);
      assert.equal(r.status, 400, what);
      assert.match(r.json().error, message, what);
    }
    const text = await s.get('/predict?text=crude');
    assert.equal(text.status, 400);
    assert.match(text.json().error, /^This model takes feature rows, not text/);
    const many = await post(s, { inputs: Array.from({ length: 65 }, () => row(1000)) });
    assert.equal(many.status, 413);
    const ok = await post(s, { inputs: [row(1000, 1)] });
    assert.equal(ok.status, 200);
    assert.equal(s.workerPids().length, 1, 'no bad request took the worker down');
    await s.stop();
  });
});

describe('a model file that does not load', () => {
  after(stopAll);

  test('at start: one error naming the file and what is wrong, exit code 1, no worker ever ready', async () => {
    const dir = tempDir();
    const cut = path.join(dir, 'reuters_model.hdf5');
    fs.writeFileSync(cut, fs.readFileSync(fixture('keras2style_m.h5')).subarray(0, 100_000));
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--model', cut], noWait: true });
    const code = await waitFor('the server to exit', () => (s.child.exitCode !== null ? s.child.exitCode : null), 30000).catch(() => null);
    assert.equal(code ?? s.child.exitCode, 1, s.log());
    const errors = s
      .log()
      .split('\n')
      .filter((l) => l.includes('cannot serve the model'));
    assert.equal(errors.length, 1, s.log());
    assert.match(
      errors[0]!,
      new RegExp(`cannot serve the model: ${cut.replace(/[.]/g, '\\.')}: not a readable HDF5 file \\(truncated file: eof = 100000, .*stored_eof = 2154824\\)$`),
    );
    assert.doesNotMatch(s.log(), /ready: worker/);
    assert.doesNotMatch(s.log(), /\n\s+at /, 'no stack trace');
    await s.stop();
  });
});

describe('a new model file and a chain reload', () => {
  after(stopAll);

  test('is picked up with zero failed requests; a file that does not load leaves the other workers serving, with the reason logged', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'master.fifo');
    const model = path.join(dir, 'model.h5');
    fs.copyFileSync(fixture('keras2style_m.h5'), model);
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--master-fifo', fifo, '--model', model] });
    const events = poolEvents(s.stats);
    const jax = reference('jax_ref.json');
    const functional = reference('functional_ref.json');
    assert.ok(maxDifference(await probabilities(s, jax.x), jax.y) <= 1e-5);

    const rows = { inputs: [functional.x[3]], top: 46 };
    const load = runLoad(() => post(s, rows).then((r) => r.status), 2, 60000);
    await sleep(200);
    // Replace the file as a deploy would (write aside, rename over), then reload one worker at a time.
    fs.copyFileSync(fixture('functional_m.h5'), `${model}.new`);
    fs.renameSync(`${model}.new`, model);
    assert.equal(ctl(fifo, 'chain-reload').status, 0);
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 40000);
    const reloaded = await load.stop();
    assert.deepEqual(reloaded.failed, []);
    assert.ok(reloaded.ok > 0);
    assert.ok(maxDifference(await probabilities(s, functional.x), functional.y) <= 1e-5, 'both workers serve the new model');

    fs.writeFileSync(`${model}.new`, 'not a model any more');
    fs.renameSync(`${model}.new`, model);
    const broken = runLoad(() => post(s, rows).then((r) => r.status), 2, 60000);
    await sleep(200);
    assert.equal(ctl(fifo, 'chain-reload').status, 0);
    const stopped = await events.waitFor('the chain reload to stop', (e) => e.type === 'reload' && e.kind === 'chain-stopped', 40000);
    assert.match(s.log(), new RegExp(`chain reload stopped at worker ${stopped.worker}: the 1 worker not reloaded yet keep serving what they loaded`));
    await sleep(500);
    const during = await broken.stop();
    assert.deepEqual(during.failed, []);
    assert.match(s.log(), new RegExp(`could not load the model: ${model.replace(/[.]/g, '\\.')}: not a model file`));
    assert.ok(maxDifference(await probabilities(s, functional.x), functional.y) <= 1e-5, 'the remaining worker still serves the model it loaded');
    await s.stop();
  });
});

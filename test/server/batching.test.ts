import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../helpers/http.js';
import { startServer, stopAll } from '../helpers/server.js';
import { fetchStats } from '../../tui/source/fetchStats.js';
import { Batcher } from '../../server/worker/batcher.js';
import type { Prediction } from '../../models/predictor.js';

const TEXTS = Array.from({ length: 24 }, (_, i) => `grain wheat exports ${i} gold copper oil prices sugar cocoa ${'news '.repeat(i % 5)}`);

describe('dynamic batching', () => {
  after(stopAll);

  test('concurrent requests are predicted in batches, with the same answers as one by one', async () => {
    const plain = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--backend', 'wasm'] });
    const expected: Array<{ prediction: string; probability: number; top: Array<{ prediction: string }> }> = [];
    for (const t of TEXTS) expected.push((await plain.get(`/predict?text=${encodeURIComponent(t)}&top=3`)).json());
    await plain.stop();

    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--backend', 'wasm', '--batch-max-size', '8'] });
    // Mixed top-K and a batch POST in the same burst: each answer is cut to what its request asked.
    const got = await Promise.all(TEXTS.map((t, i) => (i % 4 === 0 ? s.get(`/predict?text=${encodeURIComponent(t)}`) : s.get(`/predict?text=${encodeURIComponent(t)}&top=3`))));
    const post = request({ socketPath: s.http }, '/predict', { method: 'POST', body: JSON.stringify({ texts: TEXTS.slice(0, 3) }), headers: { 'content-type': 'application/json' } });
    got.forEach((r, i) => {
      assert.equal(r.status, 200);
      const body = r.json();
      assert.equal(body.prediction, expected[i].prediction);
      assert.ok(Math.abs(body.probability - expected[i].probability) < 1e-5);
      if (i % 4 === 0) assert.equal(body.top, undefined, 'no top-K when the request did not ask');
      else assert.deepEqual(body.top.map((c: { prediction: string }) => c.prediction), expected[i].top.map((c: { prediction: string }) => c.prediction));
    });
    const batch = (await post).json().predictions;
    assert.deepEqual(batch.map((p: { prediction: string }) => p.prediction), expected.slice(0, 3).map((p) => p.prediction));
    const w = (await fetchStats(s.stats)).stats.workers[0]!;
    assert.ok(w.tidepool!.batches > 0 && w.tidepool!.batches < TEXTS.length + 1, `batches reported: ${w.tidepool!.batches}`);
    assert.ok(w.tidepool!.batched_texts >= TEXTS.length, `texts in batches: ${w.tidepool!.batched_texts}`);
    await s.stop();
  });

  test('the batcher closes a batch at max size and passes model errors to every waiting request', async () => {
    const calls: number[] = [];
    const fake = (texts: string[]): Prediction[] => {
      calls.push(texts.length);
      return texts.map((t) => ({ prediction: t.length, label: t, probability: 1 }));
    };
    const b = new Batcher(fake, 3, 0);
    const all = await Promise.all(['a', 'bb', 'ccc', 'dddd'].map((t) => b.submit([t], 0)));
    assert.deepEqual(calls, [3, 1], 'one full batch of 3, then the rest when the loop turns');
    assert.deepEqual(all.map((p) => p[0]!.prediction), [1, 2, 3, 4]);
    const failing = new Batcher(() => {
      throw new Error('model broke');
    }, 4, 0);
    const results = await Promise.allSettled([failing.submit(['x'], 0), failing.submit(['y'], 0)]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  });
});

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { request } from '../helpers/http.js';
import { startServer, stopAll, waitFor } from '../helpers/server.js';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { Batcher } from '../../server/worker/batcher.js';
import type { ClassPrediction, ModelInputs } from '../../models/index.js';

const TEXTS = Array.from({ length: 24 }, (_, i) => `grain wheat exports ${i} gold copper oil prices sugar cocoa ${'news '.repeat(i % 5)}`);

describe('dynamic batching', () => {
  after(stopAll);

  test('concurrent requests are predicted in batches, with the same answers as one by one', async () => {
    const plain = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--backend', 'wasm'] });
    const expected: Array<{ prediction: string; probability: number; top: Array<{ prediction: string }> }> = [];
    for (const t of TEXTS) expected.push((await plain.get(`/predict?text=${encodeURIComponent(t)}&top=3`)).json());
    await plain.stop();

    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--backend', 'wasm', '--batch-max-size', '8'] });
    // Eight kept-alive clients, each asking every text in turn, as a load generator would: while
    // the model runs for one, the others' requests arrive and wait for the next batch.
    const client = async (c: number): Promise<void> => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < TEXTS.length; i++) {
        const t = TEXTS[(i + c * 3) % TEXTS.length]!;
        const k = (i + c * 3) % TEXTS.length;
        const top = k % 4 === 0 ? '' : '&top=3';
        const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          http
            .get({ socketPath: s.http, path: `/predict?text=${encodeURIComponent(t)}${top}`, agent }, (res) => {
              let b = '';
              res.on('data', (d: Buffer) => (b += d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
            })
            .on('error', reject);
        });
        assert.equal(r.status, 200);
        const body = JSON.parse(r.body);
        assert.equal(body.prediction, expected[k]!.prediction);
        assert.ok(Math.abs(body.probability - expected[k]!.probability) < 1e-5);
        // Each answer is cut to what its own request asked, whatever else shared its batch.
        if (top === '') assert.equal(body.top, undefined);
        else
          assert.deepEqual(
            body.top.map((x: { prediction: string }) => x.prediction),
            expected[k]!.top.map((x) => x.prediction),
          );
      }
      agent.destroy();
    };
    await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    // The GETs came on eight connections at once: most went through the batcher (the last few,
    // once the other clients had left, had nothing to wait for and skipped it).
    const requests = 8 * TEXTS.length;
    // The worker reports its tallies when it goes idle, a moment after the last answer.
    const w = await waitFor(
      'the batch counts of the GETs',
      async () => {
        const worker = (await fetchStats(s.stats)).stats.workers[0]!;
        return worker.requests >= requests ? worker : null;
      },
      5000,
    );
    assert.equal(w.requests, requests);
    const texts = w.tidepool!.batched_texts;
    assert.ok(texts <= requests && texts >= requests / 2, `texts in batches: ${texts} of ${requests}`);
    assert.ok(w.tidepool!.batches < texts * 0.8, `${w.tidepool!.batches} batches for ${texts} texts: requests were grouped`);
    // A POST of several texts answers each, batched with others or not.
    const post = await request({ socketPath: s.http }, '/predict', {
      method: 'POST',
      body: JSON.stringify({ texts: TEXTS.slice(0, 3) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(
      post.json().predictions.map((p: { prediction: string }) => p.prediction),
      expected.slice(0, 3).map((p) => p.prediction),
    );
    await s.stop();
  });

  test('the batcher closes a batch at max size and passes model errors to every waiting request', async () => {
    const calls: number[] = [];
    const fake = (inputs: ModelInputs): ClassPrediction[] => {
      const texts = inputs as readonly string[];
      calls.push(texts.length);
      return texts.map((t) => ({ prediction: t.length, label: t, probability: 1 }));
    };
    const b = new Batcher(fake, 3, 0);
    const all = await Promise.all(['a', 'bb', 'ccc', 'dddd'].map((t) => b.submit([t], 1, 0)));
    assert.deepEqual(calls, [3, 1], 'one full batch of 3, then the rest when the loop turns');
    assert.deepEqual(
      all.map((p) => (p[0] as ClassPrediction).prediction),
      [1, 2, 3, 4],
    );
    const failing = new Batcher(
      () => {
        throw new Error('model broke');
      },
      4,
      0,
    );
    const results = await Promise.allSettled([failing.submit(['x'], 1, 0), failing.submit(['y'], 1, 0)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
  });
});

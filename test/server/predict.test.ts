import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { request, uwsgiRequest } from '../helpers/http.js';
import { startServer, stopAll, waitFor, type RunningServer } from '../helpers/server.js';

const CLASSIC = '/predict?text=' + encodeURIComponent('this is a news sample text about sports, and football in specific');

function assertPrediction(body: Record<string, unknown>): void {
  assert.match(String(body.prediction), /^\d+$/, 'prediction is the class index as a string, as in the Flask app');
  assert.equal(typeof body.prediction, 'string');
  assert.equal(typeof body.label, 'string');
  assert.ok(typeof body.probability === 'number' && body.probability > 0 && body.probability <= 1);
}

describe('predictions over HTTP (UNIX path) and the uwsgi protocol', () => {
  let s: RunningServer;
  let uwsgiSock: string;
  before(async () => {
    const dir = (await import('../helpers/server.js')).tempDir();
    uwsgiSock = path.join(dir, 'uwsgi.sock');
    s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--socket', uwsgiSock] });
  });
  after(stopAll);

  test('GET /predict answers {"prediction": "N"} plus label and probability', async () => {
    const r = await s.get(CLASSIC);
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    assertPrediction(r.json());
    assert.match(String(r.headers['x-tidepool-worker']), /^[12]$/);
  });

  test('?top=K adds the K best classes, best first', async () => {
    const r = await s.get(CLASSIC + '&top=3');
    const body = r.json();
    assert.equal(body.top.length, 3);
    assert.equal(body.top[0].prediction, body.prediction);
    assert.ok(body.top[0].probability >= body.top[1].probability && body.top[1].probability >= body.top[2].probability);
  });

  test('POST /predict takes one text or a batch', async () => {
    const one = await request({ socketPath: s.http }, '/predict', {
      method: 'POST',
      body: JSON.stringify({ text: 'gold prices rose' }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(one.status, 200);
    assertPrediction(one.json());
    const many = await request({ socketPath: s.http }, '/predict', {
      method: 'POST',
      body: JSON.stringify({ texts: ['gold prices rose', 'wheat exports', 'crude oil'] }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(many.status, 200);
    const preds = many.json().predictions;
    assert.equal(preds.length, 3);
    preds.forEach(assertPrediction);
  });

  test('the same text gets the same answer over HTTP and over uwsgi', async () => {
    const viaHttp = (await s.get(CLASSIC)).json();
    const viaUwsgi = await uwsgiRequest(uwsgiSock, 'GET', CLASSIC);
    assert.equal(viaUwsgi.status, 200);
    assert.equal(viaUwsgi.headers['content-type'], 'application/json');
    const body = JSON.parse(viaUwsgi.body);
    assert.equal(body.prediction, viaHttp.prediction);
    assert.equal(body.probability, viaHttp.probability);
  });

  test('uwsgi POST with a body, and uwsgi errors are HTTP answers', async () => {
    const r = await uwsgiRequest(uwsgiSock, 'POST', '/predict', JSON.stringify({ text: 'copper mine' }), { 'content-type': 'application/json' });
    assert.equal(r.status, 200);
    assertPrediction(JSON.parse(r.body));
    const missing = await uwsgiRequest(uwsgiSock, 'GET', '/predict');
    assert.equal(missing.status, 400);
    assert.match(JSON.parse(missing.body).error, /text/);
  });

  test('/healthz and /readyz are answered by the master', async () => {
    const h = await s.get('/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.json().pid, s.pid, 'the master (not a worker) answered');
    // The server counts as started when one worker is ready; the other may still be loading.
    const r = await waitFor('both workers ready', async () => {
      const reply = await s.get('/readyz');
      return reply.json().ready === 2 ? reply : null;
    });
    assert.equal(r.status, 200);
    assert.equal(r.json().ready, 2);
    const viaUwsgi = await uwsgiRequest(uwsgiSock, 'GET', '/healthz');
    assert.equal(JSON.parse(viaUwsgi.body).pid, s.pid);
  });

  test('unknown path 404, wrong method 405 with Allow', async () => {
    const nf = await s.get('/nope');
    assert.equal(nf.status, 404);
    assert.match(nf.json().error, /\/nope/);
    const m = await request({ socketPath: s.http }, '/predict', { method: 'DELETE' });
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'GET, HEAD, POST');
  });
});

describe('HTTP on TCP', () => {
  after(stopAll);
  test('listens on 127.0.0.1 with a port from the OS', async () => {
    const dir = (await import('../helpers/server.js')).tempDir();
    const s = await startServer({
      args: ['--workers', '1', '--cheaper', '0', '--http', path.join(dir, 'h.sock'), '--http', '127.0.0.1:0'],
      readyPath: path.join(dir, 'h.sock'),
    });
    const m = await s.waitForLog(/listening on 127\.0\.0\.1:(\d+) \(HTTP\)/);
    const port = Number(m[1]);
    assert.ok(port > 0);
    const r = await request({ host: '127.0.0.1', port }, CLASSIC);
    assert.equal(r.status, 200);
    assertPrediction(r.json());
  });
});

describe('feature rows of a POST body (pure)', () => {
  test('rows nested as the input shape become one row-major array; the first wrong value is named where it is', async () => {
    const { parseFeatureRows } = await import('../../server/app/featureRows.js');
    type Input = Parameters<typeof parseFeatureRows>[1];
    const input: Input = { kind: 'features', shape: [2, 3], dtype: 'float32' };
    const rows = parseFeatureRows(
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [0, 0, 0.5],
        ],
      ],
      input,
      8,
    );
    assert.deepEqual([rows.count, Array.from(rows.data)], [2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0.5]]);
    const refuse = (value: unknown, message: RegExp, shape: Input = input) =>
      assert.throws(
        () => parseFeatureRows(value, shape, 8),
        (e: Error & { status?: number }) => {
          assert.equal(e.status, 400);
          assert.match(e.message, message);
          return true;
        },
      );
    refuse(
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [0, 'x', 0],
        ],
      ],
      /^Expected inputs\[1\]\[1\]\[1\] to be a number, got "x" \(string\)$/,
    );
    refuse(
      [
        [
          [1, 2, 3],
          [4, 5],
        ],
      ],
      /^Expected inputs\[0\]\[1\] to be an array of 3 \(row shape \[2, 3\]\), got an array of 2 items$/,
    );
    refuse([[1, 2]], /^Expected inputs\[0\]\[0\] to be an array of 3 \(row shape \[2, 3\]\), got 1 \(number\)$/);
    const int64: Input = { kind: 'features', shape: [2], dtype: 'int64' };
    refuse([[1.5, 2]], /^Expected inputs\[0\]\[0\] to be an integer \(the model's input is int64\), got 1\.5$/, int64);
  });
});

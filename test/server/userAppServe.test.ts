/**
 * A user's own app served by real tidepool processes: the express example, a plain handler,
 * a CommonJS express app and a `{ predict }` object, over HTTP, over the uwsgi protocol, and
 * behind Debian's nginx with `uwsgi_pass`; the uwsgi path gives the app what HTTP would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSandboxNginx, type RunningNginx } from '../../deploy/sandbox/runNginx.js';
import { loadPredictor } from '../../models/index.js';
import { encodeUwsgiPacket } from '../../server/protocol/uwsgi.js';
import { parseHttpResponse, rawExchange, request, uwsgiRequest } from '../helpers/http.js';
import { startServer, stopAll, tempDir, type RunningServer } from '../helpers/server.js';
import { EXAMPLES, EXPRESS_EXAMPLE, FIXTURE_APPS, uwsgiSite } from '../helpers/userApps.js';
import { classify } from '../models/classify.js';

const CLASSIC = 'this is a news sample text about sports, and football in specific';
const JSON_TYPE = { 'content-type': 'application/json' };

describe("the express example (the tutorial's Flask app in express) under tidepool", () => {
  let s: RunningServer;
  let uwsgiSock: string;
  let nginx: RunningNginx;
  const expected = loadPredictor().then(async (p) => (await classify(p, [CLASSIC]))[0]!);

  before(async () => {
    const dir = tempDir();
    uwsgiSock = path.join(dir, 'app.sock');
    s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--socket', uwsgiSock, '--file', EXPRESS_EXAMPLE] });
    nginx = await startSandboxNginx(tempDir('tidepool-nginx-'), uwsgiSite(uwsgiSock));
  });
  after(async () => {
    await nginx?.stop();
    await stopAll();
  });

  test('GET and POST /predict over HTTP answer what the model predicts, in the Flask format', async () => {
    const want = await expected;
    const r = await s.get(`/predict?text=${encodeURIComponent(CLASSIC)}`);
    assert.equal(r.status, 200, r.body);
    assert.match(String(r.headers['x-powered-by']), /Express/, 'express answered');
    assert.match(String(r.headers['x-tidepool-worker']), /^[12]$/, 'tidepool says which worker');
    assert.deepEqual(r.json(), { prediction: String(want.prediction), label: want.label, probability: want.probability });
    const post = await request({ socketPath: s.http }, '/predict', { method: 'POST', body: JSON.stringify({ text: CLASSIC }), headers: JSON_TYPE });
    assert.equal(post.status, 200, post.body);
    assert.equal(post.json().probability, want.probability);
    const bad = await s.get('/predict');
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /text/);
  });

  test('the same over the uwsgi protocol, GET and a POST body', async () => {
    const want = await expected;
    const get = await uwsgiRequest(uwsgiSock, 'GET', `/predict?text=${encodeURIComponent(CLASSIC)}`);
    assert.equal(get.status, 200, get.body);
    assert.equal(JSON.parse(get.body).probability, want.probability);
    const post = await uwsgiRequest(uwsgiSock, 'POST', '/predict', JSON.stringify({ text: CLASSIC }), JSON_TYPE);
    assert.equal(post.status, 200, post.body);
    assert.equal(JSON.parse(post.body).probability, want.probability);
    assert.equal(post.headers.connection, 'close', 'one request per uwsgi connection');
  });

  test("behind nginx's uwsgi_pass: GET, POST, errors and 20 at once", async () => {
    const want = await expected;
    const via = { socketPath: nginx.socket };
    const r = await request(via, `/predict?text=${encodeURIComponent(CLASSIC)}`);
    assert.equal(r.status, 200, `${r.body}\n${nginx.errorLog()}`);
    assert.equal(r.json().label, want.label);
    const post = await request(via, '/predict', { method: 'POST', body: JSON.stringify({ text: CLASSIC }), headers: JSON_TYPE });
    assert.equal(post.status, 200, post.body);
    assert.equal(post.json().probability, want.probability);
    assert.equal((await request(via, '/predict')).status, 400);
    assert.equal((await request(via, '/nothing-here')).status, 404, "express's own 404");
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => request(via, `/predict?text=gold${i}`)));
    assert.deepEqual(
      many.map((x) => x.status),
      Array(20).fill(200),
    );
  });
});

describe('what a user app sees of a request, over HTTP and over uwsgi', () => {
  let s: RunningServer;
  let uwsgiSock: string;
  let nginx: RunningNginx;

  before(async () => {
    uwsgiSock = path.join(tempDir(), 'app.sock');
    s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--socket', uwsgiSock, '--file', path.join(FIXTURE_APPS, 'routes.mjs')] });
    nginx = await startSandboxNginx(tempDir('tidepool-nginx-'), uwsgiSite(uwsgiSock));
  });
  after(async () => {
    await nginx?.stop();
    await stopAll();
  });

  test("nginx uwsgi_pass: method, raw url, headers, body, client address and HTTP version are the client's", async () => {
    const body = JSON.stringify({ text: 'gold ünicode' });
    const r = await request({ socketPath: nginx.socket }, '/echo?a=1&b=%20x', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-custom': 'yes', 'user-agent': 'tidepool-test' },
    });
    assert.equal(r.status, 200, `${r.body}\n${nginx.errorLog()}`);
    const seen = r.json();
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/echo?a=1&b=%20x');
    assert.equal(seen.httpVersion, '1.1');
    assert.equal(seen.body, body);
    assert.equal(seen.headers['x-custom'], 'yes');
    assert.equal(seen.headers['user-agent'], 'tidepool-test');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(seen.headers.connection, undefined, "nginx's connection headers stay out");
    assert.equal(seen.remoteAddress, 'unix:', "nginx's REMOTE_ADDR for a UNIX-socket client");
  });

  test('the same request over HTTP and over uwsgi is seen the same way', async () => {
    const headers = { 'content-type': 'text/plain', 'x-trace': 'abc' };
    const viaHttp = (await request({ socketPath: s.http }, '/echo?q=%C3%A9', { method: 'PUT', body: 'hello', headers })).json();
    const viaUwsgi = JSON.parse((await uwsgiRequest(uwsgiSock, 'PUT', '/echo?q=%C3%A9', 'hello', headers)).body);
    for (const key of ['method', 'url', 'httpVersion', 'body'] as const) assert.equal(viaUwsgi[key], viaHttp[key], key);
    for (const h of ['content-type', 'x-trace', 'content-length']) assert.equal(viaUwsgi.headers[h], viaHttp.headers[h], h);
    assert.equal(viaUwsgi.remoteAddress, '127.0.0.1', 'REMOTE_ADDR');
  });

  test('a streamed answer without Content-Length reaches a uwsgi client whole, not chunked', async () => {
    const r = await uwsgiRequest(uwsgiSock, 'GET', '/stream');
    assert.equal(r.status, 200);
    assert.equal(r.headers['transfer-encoding'], undefined);
    assert.equal(r.body, 'one,two');
    const viaNginx = await request({ socketPath: nginx.socket }, '/stream');
    assert.equal(viaNginx.body, 'one,two');
  });

  test('uwsgi vars that would forge a request are refused with a 400', async () => {
    const vars = { REQUEST_METHOD: 'GET', REQUEST_URI: '/echo', PATH_INFO: '/echo', SERVER_PROTOCOL: 'HTTP/1.1', HTTP_X_EVIL: 'a\r\nx-admin: 1' };
    const r = parseHttpResponse(await rawExchange({ socketPath: uwsgiSock }, encodeUwsgiPacket(vars)));
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error, /HTTP_X_EVIL.*line break/);
    const forged = encodeUwsgiPacket({ ...vars, HTTP_X_EVIL: 'fine', REQUEST_METHOD: 'GET /x' });
    const badMethod = parseHttpResponse(await rawExchange({ socketPath: uwsgiSock }, forged));
    assert.equal(badMethod.status, 400);
    assert.match(JSON.parse(badMethod.body).error, /REQUEST_METHOD/);
  });
});

describe('other kinds of app', () => {
  after(stopAll);

  test('a plain (req, res) handler, the default export, over HTTP and uwsgi', async () => {
    const uwsgiSock = path.join(tempDir(), 'app.sock');
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--socket', uwsgiSock, '--file', path.join(EXAMPLES, 'handler', 'app.js')] });
    assert.match(s.log(), /export `app`, else the default export/);
    const r = await s.get(`/predict?text=${encodeURIComponent(CLASSIC)}`);
    assert.equal(r.status, 200, r.body);
    assert.match(r.json().prediction, /^\d+$/);
    const viaUwsgi = await uwsgiRequest(uwsgiSock, 'GET', `/predict?text=${encodeURIComponent(CLASSIC)}`);
    assert.deepEqual(JSON.parse(viaUwsgi.body), r.json());
    assert.equal((await s.get('/elsewhere')).status, 404);
    const health = (await s.get('/healthz')).json();
    assert.match(health.backend, /\(req, res\) handler `default` of .*handler\/app\.js/);
    await s.stop();
  });

  test('a CommonJS express app (module.exports = { app }) from `module`, resolved against chdir', async () => {
    const uwsgiSock = path.join(tempDir(), 'app.sock');
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--socket', uwsgiSock, '--chdir', FIXTURE_APPS, '--module', 'express-app:app'] });
    const hello = await s.get('/hello');
    assert.equal(hello.status, 200, hello.body);
    assert.equal(hello.json().hello, 'world');
    const viaUwsgi = await uwsgiRequest(uwsgiSock, 'POST', '/json', JSON.stringify({ a: [1, 2] }), { ...JSON_TYPE, 'x-forwarded-proto': 'https' });
    assert.equal(viaUwsgi.status, 200, viaUwsgi.body);
    assert.deepEqual(JSON.parse(viaUwsgi.body), { got: { a: [1, 2] }, ip: '127.0.0.1', protocol: 'http' });
    await s.stop();
  });

  test("a { predict } object behind tidepool's /predict: its API, batching and errors", async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--file', path.join(EXAMPLES, 'predict-object', 'app.js')] });
    const one = await s.get('/predict?text=' + encodeURIComponent('the football team scored a goal'));
    assert.equal(one.status, 200, one.body);
    assert.deepEqual(Object.keys(one.json()), ['prediction', 'label', 'probability']);
    assert.equal(one.json().label, 'sports');
    const top = await s.get('/predict?top=2&text=' + encodeURIComponent('bank profit'));
    assert.equal(top.json().label, 'finance');
    assert.equal(top.json().top.length, 2);
    const texts = ['match goal', 'shares market', 'weather'];
    const batch = await request({ socketPath: s.http }, '/predict', { method: 'POST', body: JSON.stringify({ texts }), headers: JSON_TYPE });
    assert.deepEqual(
      batch.json().predictions.map((p: { label: string }) => p.label),
      ['sports', 'finance', 'other'],
    );
    const bad = await s.get('/predict?txt=x');
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /Unknown query parameter `txt`/, "tidepool's own validation");
    await s.stop();
  });
});

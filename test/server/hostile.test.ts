import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rawExchange, request } from '../helpers/http.js';
import { startServer, stopAll, type RunningServer } from '../helpers/server.js';
import { encodeUwsgiPacket } from '../../server/protocol/uwsgi.js';
import path from 'node:path';

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  error?: RegExp;
}

const big = 'word '.repeat(30000);
const CASES: Case[] = [
  { name: 'missing text', path: '/predict', status: 400, error: /Missing query parameter `text`/ },
  { name: 'empty text', path: '/predict?text=', status: 400, error: /non-empty/ },
  { name: 'whitespace text', path: '/predict?text=%20%20', status: 400, error: /non-empty/ },
  { name: 'repeated text', path: '/predict?text=a&text=b', status: 400, error: /given 2 times/ },
  { name: 'unknown parameter', path: '/predict?text=a&foo=1', status: 400, error: /Unknown query parameter `foo`/ },
  { name: 'bad top', path: '/predict?text=a&top=-1', status: 400, error: /top/ },
  { name: 'query over max-body-size', path: '/predict?text=' + 'a'.repeat(105 * 1024), status: 413, error: /max-body-size/ },
  { name: 'request line far over the limit', path: '/predict?text=' + 'a'.repeat(300 * 1024), status: 431, error: /max-body-size/ },
  { name: 'binary in query', path: '/predict?text=%00%01%ff%fe', status: 200 },
  { name: 'invalid UTF-8', path: '/predict?text=%C3%28%A0%A1', status: 200 },
  { name: 'broken percent-encoding', path: '/predict?text=%zz%', status: 200 },
  { name: 'unicode text', path: '/predict?text=' + encodeURIComponent('Ölpreise 石油 💥'), status: 200 },
  { name: 'malformed JSON', method: 'POST', path: '/predict', body: '{"text": ', status: 400, error: /Malformed JSON/ },
  { name: 'JSON not an object', method: 'POST', path: '/predict', body: '"text"', status: 400, error: /object/ },
  { name: 'wrong type', method: 'POST', path: '/predict', body: '{"text": 5}', status: 400, error: /string, got 5 \(number\)/ },
  {
    name: '__proto__ key',
    method: 'POST',
    path: '/predict',
    body: '{"__proto__": {"text": "x"}, "text": "a"}',
    status: 400,
    error: /Unknown field `__proto__`/,
  },
  { name: 'deeply nested JSON', method: 'POST', path: '/predict', body: '['.repeat(200000) + ']'.repeat(200000), status: 413, error: /limit/ },
  {
    name: 'nested JSON under the limit',
    method: 'POST',
    path: '/predict',
    body: '{"text": ' + '['.repeat(20000) + ']'.repeat(20000) + '}',
    status: 400,
    error: /string, got an array of 1 items/,
  },
  { name: 'texts not an array', method: 'POST', path: '/predict', body: '{"texts": "a"}', status: 400, error: /array/ },
  { name: 'too many texts', method: 'POST', path: '/predict', body: JSON.stringify({ texts: Array(100).fill('a') }), status: 413, error: /max-batch/ },
  { name: 'body over the limit', method: 'POST', path: '/predict', body: JSON.stringify({ text: big + big }), status: 413, error: /limit/ },
  { name: 'text and texts', method: 'POST', path: '/predict', body: '{"text": "a", "texts": ["b"]}', status: 400, error: /not both/ },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/predict',
    body: 'text=a',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    error: /Content-Type/,
  },
  { name: 'binary body', method: 'POST', path: '/predict', body: Buffer.from([0xff, 0xfe, 0x00, 0x01]), status: 400, error: /Malformed JSON/ },
  { name: 'wrong method', method: 'PUT', path: '/predict', status: 405, error: /PUT/ },
  { name: 'unknown path', path: '/admin', status: 404 },
];

describe('hostile input never takes a worker down', () => {
  let s: RunningServer;
  let uwsgiSock: string;
  before(async () => {
    uwsgiSock = path.join((await import('../helpers/server.js')).tempDir(), 'u.sock');
    s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--socket', uwsgiSock] });
  });
  after(stopAll);

  for (const c of CASES) {
    test(`${c.name} -> ${c.status}`, async () => {
      const r = await request({ socketPath: s.http }, c.path, {
        method: c.method,
        body: c.body,
        headers: c.headers ?? (c.body ? { 'content-type': 'application/json' } : undefined),
      });
      assert.equal(r.status, c.status, r.body.slice(0, 300));
      if (c.status !== 200) assert.equal(typeof r.json().error, 'string');
      if (c.error) assert.match(r.json().error, c.error);
    });
  }

  test('garbage instead of HTTP gets a 400, not a crash', async () => {
    const text = await rawExchange({ socketPath: s.http }, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 400/);
  });

  test('garbage uwsgi packets get 400 answers', async () => {
    const wrongModifier = Buffer.from([5, 0, 0, 0]);
    assert.match(await rawExchange({ socketPath: uwsgiSock }, wrongModifier), /^HTTP\/1\.1 400[\s\S]*modifier1/);
    const truncated = Buffer.from([0, 6, 0, 0, 200, 0, 65, 65, 65, 65]);
    assert.match(await rawExchange({ socketPath: uwsgiSock }, truncated), /^HTTP\/1\.1 400/);
    const badLength = encodeUwsgiPacket({ REQUEST_METHOD: 'POST', PATH_INFO: '/predict', CONTENT_LENGTH: 'abc' });
    assert.match(await rawExchange({ socketPath: uwsgiSock }, badLength), /^HTTP\/1\.1 400[\s\S]*CONTENT_LENGTH/);
  });

  test('a slow sender does not hold the only worker', async () => {
    const slow = net.connect(s.http);
    await new Promise((r) => slow.once('connect', r));
    slow.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"te');
    await new Promise((r) => setTimeout(r, 200));
    const r = await s.get('/predict?text=still%20served');
    assert.equal(r.status, 200);
    slow.destroy();
  });

  test('after all of it, the first worker is still the one serving (no crash, no respawn)', async () => {
    assert.doesNotMatch(s.log(), /exit: worker/);
    assert.equal(s.workerPids().length, 1);
    assert.equal((await s.get('/predict?text=ok')).status, 200);
  });
});

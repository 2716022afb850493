import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseParser } from '../../bench/load/responseParser.js';

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Tidepool-Worker: 3\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

test('reads back-to-back responses with Content-Length, and the worker header', () => {
  const p = new ResponseParser();
  const got = p.push(Buffer.from(ok('{"a":1}') + ok('{"b":22}')));
  assert.deepEqual(got, [
    { status: 200, worker: '3', close: false },
    { status: 200, worker: '3', close: false },
  ]);
  assert.equal(p.midResponse, false);
});

test('a response split at every byte still completes once', () => {
  const p = new ResponseParser();
  const bytes = Buffer.from(ok('{"prediction":"3"}', 'Connection: close\r\n'));
  let done = 0;
  for (let i = 0; i < bytes.length; i++) {
    const got = p.push(bytes.subarray(i, i + 1));
    done += got.length;
    if (got.length) assert.equal(got[0]!.close, true);
  }
  assert.equal(done, 1);
});

test('chunked bodies, with extensions and split chunk sizes', () => {
  const p = new ResponseParser();
  const text = 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\n\r\n';
  assert.deepEqual(p.push(Buffer.from(text.slice(0, 70))), []);
  assert.deepEqual(p.push(Buffer.from(text.slice(70))), [{ status: 503, worker: null, close: false }]);
});

test('HTTP/1.0 without keep-alive closes; a body without length ends at the close', () => {
  const p = new ResponseParser();
  assert.deepEqual(p.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nsome body')), []);
  assert.equal(p.midResponse, true);
  assert.deepEqual(p.end(), { status: 200, worker: null, close: true });
  assert.equal(p.end(), null);
});

test('garbage is an error naming what came', () => {
  const p = new ResponseParser();
  assert.throws(() => p.push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /not an HTTP\/1.x status line: "SSH-2.0-OpenSSH"/);
  assert.throws(() => new ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n')), /bad Content-Length "-3"/);
});

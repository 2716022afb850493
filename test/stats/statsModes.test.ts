import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { pidAlive, startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { readToEnd, splitHttp } from './statsClient.js';

after(stopAll);

const SMALL = ['--workers', '1', '--cheaper', '0', '--disable-logging'];

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

/** A UNIX socket file whose process died without removing it, as after a crash. */
function staleSocket(file: string): void {
  const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(fs.statSync(file).isSocket(), 'the stale socket file exists');
}

test('plain mode over a stale socket file: one tab-indented document, then EOF; 0600; vacuumed at exit', async () => {
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  const stats = path.join(dir, 'stats.sock');
  staleSocket(stats);
  const server = await startServer({ noDefaults: true, readyPath: http, args: ['--http', http, '--stats', stats, ...SMALL] });
  const text = await readToEnd(stats);
  assert.ok(text.startsWith('{\n\t"version":"tidepool-'), JSON.stringify(text.slice(0, 40)));
  assert.ok(text.endsWith('\n}'), 'no trailing newline, as uWSGI');
  assert.equal(JSON.parse(text).pid, server.pid);
  assert.equal(modeOf(stats), 0o600, 'owner-only by default');
  assert.equal(await server.stop('SIGTERM'), 0);
  assert.equal(fs.existsSync(stats), false, 'vacuum removed the stats socket');
});

test('stats-http + stats-minified + chmod-socket 660: HTTP/1.0 answers to any request, one-line JSON', async () => {
  const server = await startServer({ args: ['--stats-http', '--stats-minified', '--chmod-socket', '660', ...SMALL] });
  const answer = splitHttp(await readToEnd(server.stats, 'GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: uwsgitop\r\n\r\n'));
  assert.equal(answer.statusLine, 'HTTP/1.0 200 OK');
  assert.equal(answer.headers['connection'], 'close');
  assert.equal(answer.headers['access-control-allow-origin'], '*');
  assert.equal(answer.headers['content-type'], 'application/json');
  assert.equal(Number(answer.headers['content-length']), Buffer.byteLength(answer.body));
  assert.ok(!answer.body.includes('\n'), 'minified');
  assert.equal(answer.body, JSON.stringify(JSON.parse(answer.body)));
  assert.equal(JSON.parse(answer.body).pid, server.pid);

  const other = splitHttp(await readToEnd(server.stats, 'POST /anything?x=1 HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc'));
  assert.equal(other.statusLine, 'HTTP/1.0 200 OK');
  assert.equal(JSON.parse(other.body).version, JSON.parse(answer.body).version);

  assert.equal(modeOf(server.stats), 0o660, 'chmod-socket applies to the stats socket');
  await server.stop('SIGTERM');
});

test('an @abstract stats address serves the document', async () => {
  const name = `@tidepool-test-stats-${process.pid}-${Date.now()}`;
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  const server = await startServer({ noDefaults: true, readyPath: http, args: ['--http', http, '--stats', name, ...SMALL] });
  const doc = JSON.parse(await readToEnd(name));
  assert.equal(doc.pid, server.pid);
  assert.equal(doc.workers.length, 1);
  await server.stop('SIGTERM');
});

test('a stats address in use by a live process: the second master says so and exits 1, its workers with it', async () => {
  const dir = tempDir();
  const http = path.join(dir, 'http.sock');
  const first = await startServer({ noDefaults: true, readyPath: http, args: ['--http', http, '--stats', path.join(dir, 'stats.sock'), ...SMALL] });
  const second = await startServer({
    noDefaults: true,
    noWait: true,
    args: ['--http', path.join(dir, 'http2.sock'), '--stats', path.join(dir, 'stats.sock'), ...SMALL],
  });
  const exit = await waitFor('the second master to exit', () => second.child.exitCode !== null && { code: second.child.exitCode }, 20_000);
  assert.equal(exit.code, 1);
  assert.match(second.log(), /stats\.sock is in use by a running process \(another tidepool\?\); stopping/);
  for (const pid of [...second.log().matchAll(/spawn: worker \d+ \(pid (\d+)\)/g)].map((m) => Number(m[1]))) {
    assert.equal(pidAlive(pid), false, `worker ${pid} of the failed master is gone`);
  }
  assert.ok(fs.statSync(path.join(dir, 'stats.sock')).isSocket(), "the live server's socket is untouched");
  assert.equal(JSON.parse(await readToEnd(path.join(dir, 'stats.sock'))).pid, first.pid);
  await second.stop('SIGKILL');
  await first.stop('SIGTERM');
});

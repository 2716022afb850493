import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { attachProgress, tickLine } from '../../bench/render/progress.js';
import { LoadRun } from '../../bench/run/loadRun.js';
import { BenchSession } from '../../bench/run/session.js';

const servers: http.Server[] = [];
after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));

async function server(): Promise<string> {
  let n = 0;
  const s = http.createServer((_req, res) => {
    res.writeHead(200, { 'X-Tidepool-Worker': String((n++ % 2) + 1) });
    setTimeout(() => res.end('{}'), 30);
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/predict?text=x`;
}

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 100, write: (t: string) => chunks.push(t) } };
}

test('plain output: scenario and server lines, each burst answer with its worker, a done line', async () => {
  const session = new BenchSession();
  const { chunks, stream } = capture(false);
  const detach = attachProgress(session, stream);
  session.emit('scenario', { name: 'burst', title: 'Burst: the classic parallel requests' });
  session.emit('server', { state: 'starting', label: 'burst', args: ['--workers', '2'] });
  await session.play(new LoadRun({ name: 'burst', url: await server(), timeoutS: 5, phases: [{ kind: 'burst', label: '3 at once', requests: 3 }] }));
  detach();
  session.emit('note', 'after detach: not shown');
  const text = chunks.join('');
  assert.match(text, /\n== Burst: the classic parallel requests\n/);
  assert.match(text, / {2}starting tidepool serve --workers 2\n/);
  assert.match(text, / {2}run burst\n/);
  const answers = text.split('\n').filter((l) => /^ {4}# ?\d/.test(l));
  assert.equal(answers.length, 3);
  assert.match(answers[0]!, /# 1 {2}200 +\d+ ms {2}worker [12]$/);
  assert.match(text, /done: 3 responses, 0 failed, 0 spawns in/);
  assert.ok(!text.includes('after detach'));
  assert.ok(!text.includes('\x1b['), 'no terminal codes when stderr is not a terminal');
});

test('on a terminal the per-second line is rewritten in place and cleared before the next line', async () => {
  const session = new BenchSession();
  const { chunks, stream } = capture(true);
  attachProgress(session, stream);
  await session.play(
    new LoadRun({ name: 'steady', url: await server(), timeoutS: 5, phases: [{ kind: 'closed', label: '2 clients', connections: 2, durationMs: 1200 }] }),
  );
  const status = chunks.filter((c) => c.startsWith('\r\x1b[K') && c.includes('req/s'));
  assert.ok(status.length >= 1, 'a status line per second');
  assert.ok(
    status.every((c) => !c.endsWith('\n')),
    'status lines stay on one terminal line',
  );
  assert.ok(
    chunks.some((c) => c === '\r\x1b[K'),
    'the status line is cleared before a normal line',
  );
});

test('tickLine: one second of a scale run in one line', () => {
  const line = tickLine(
    {
      t: 3,
      phase: 1,
      requests: 14,
      non2xx: 1,
      errors: 1,
      latency: { count: 14, min: 3000, mean: 5000, p50: 3012, p90: 8000, p99: 9100, max: 9100 },
      workers: { running: 12, ready: 10, busy: 5, slots: 50 },
      queue: 28,
      spawns: 21,
      cheaps: 2,
    },
    { kind: 'closed', label: '40 clients', connections: 40, durationMs: 20000 },
  );
  assert.equal(line, '  4s 40 clients    14.0 req/s p50  3.01 s p99  9.10 s | run 12 ready 10 busy 5 queue 28 +21 spawn -2 cheap 2 failed');
});

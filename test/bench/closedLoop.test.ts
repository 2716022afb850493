import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { listen } from './localServer.js';
import { startClosedLoop } from '../../bench/load/closedLoop.js';
import type { Answer } from '../../bench/load/types.js';

test('regression: behind `Connection: close`, latencies stay one service time (autocannon grew them by one per reconnect)', async () => {
  // tidepool answers `Connection: close` while requests wait for a worker. Unpatched, autocannon
  // kept the request it had written to the closing connection in its queue, so 100 ms answers
  // read 100, 200, 300, ... ms.
  let served = 0;
  const url = await listen((_req, res) => {
    setTimeout(() => {
      served++;
      res.writeHead(200, { Connection: 'close', 'X-Tidepool-Worker': '7', 'Content-Length': 2 });
      res.end('{}');
    }, 100);
  });
  const answers: Answer[] = [];
  const group = startClosedLoop({ url, connections: 1, timeoutS: 10 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  await new Promise((r) => setTimeout(r, 1250));
  const counts = await group.stop();
  assert.ok(answers.length >= 6, `got ${answers.length} answers`);
  const latencies = answers.map((a) => Math.round(a.latencyMs));
  assert.ok(Math.max(...latencies) < 400, `latencies must not grow per reconnect: ${latencies.join(', ')} ms`);
  assert.ok(Math.min(...latencies) >= 99, `a 100 ms answer cannot take less: ${latencies.join(', ')} ms`);
  assert.ok(answers.every((a) => a.worker === '7' && a.status === 200));
  assert.equal(counts.completed, answers.length);
  assert.equal(counts.cancelled, 1, 'the one request in flight at stop() is cancelled');
  assert.ok(served >= answers.length, 'the server saw every answered request');
});

test('amount: one request per connection, then the group ends by itself', async () => {
  const url = await listen((_req, res) => setTimeout(() => res.end('{}'), 50));
  const answers: Answer[] = [];
  const group = startClosedLoop({ url, connections: 5, amount: 5, timeoutS: 10 }, { answer: (a) => answers.push(a), failure: (m) => assert.fail(m) });
  const counts = await group.done;
  assert.equal(answers.length, 5);
  assert.deepEqual(counts, { completed: 5, failed: 0, cancelled: 0 });
  assert.ok(
    answers.every((a) => a.worker === null),
    'no X-Tidepool-Worker header: null, not a guess',
  );
});

test('timeouts are failures, named', async () => {
  const url = await listen(() => {});
  const failures: string[] = [];
  const group = startClosedLoop({ url, connections: 1, timeoutS: 1 }, { answer: () => assert.fail('no answer expected'), failure: (m) => failures.push(m) });
  await new Promise((r) => setTimeout(r, 1600));
  const counts = await group.stop();
  assert.equal(failures.length, 1, `one request timed out at 1 s, the next was in flight: ${failures.join('; ')}`);
  assert.match(failures[0]!, /timed out after 1 s/);
  assert.deepEqual(counts, { completed: 0, failed: 1, cancelled: 1 });
});

/** A raw TCP server: `answer` gets each connection's first request bytes and writes what it likes. */
async function rawServer(answer: (socket: net.Socket) => void): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      requests++;
      answer(socket);
    });
    socket.on('error', () => {});
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/predict?text=x`, requests: () => requests };
}
const rawServers: net.Server[] = [];
after(() => rawServers.forEach((s) => s.close()));

test('regression: responses that end with the connection (no Content-Length, as uWSGI http-socket sends) are counted', async () => {
  // Unpatched, autocannon reconnected on the close without completing the response: a burst of
  // 11 against uWSGI recorded 0 answers and 0 failures.
  const server = await rawServer((socket) => setTimeout(() => socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"prediction": "3"}'), 20));
  const burst: Answer[] = [];
  const counts = await startClosedLoop(
    { url: server.url, connections: 11, amount: 11, timeoutS: 10 },
    { answer: (a) => burst.push(a), failure: (m) => assert.fail(m) },
  ).done;
  assert.deepEqual(counts, { completed: 11, failed: 0, cancelled: 0 });
  assert.equal(burst.length, 11);
  assert.ok(
    burst.every((a) => a.status === 200 && a.latencyMs >= 19),
    burst.map((a) => `${a.status} ${a.latencyMs}`).join(', '),
  );
  assert.equal(server.requests(), 11, 'one request each, none sent twice');

  // A closed loop keeps going across the closes: each answer is counted once, with its own latency.
  const loop: Answer[] = [];
  const group = startClosedLoop({ url: server.url, connections: 2, timeoutS: 10 }, { answer: (a) => loop.push(a), failure: (m) => assert.fail(m) });
  await new Promise((r) => setTimeout(r, 600));
  const stopped = await group.stop();
  assert.ok(loop.length >= 10, `answers in 600 ms of 20 ms requests on 2 connections: ${loop.length}`);
  assert.ok(
    loop.every((a) => a.status === 200 && a.latencyMs >= 19 && a.latencyMs < 200),
    loop.map((a) => Math.round(a.latencyMs)).join(', '),
  );
  assert.equal(stopped.completed, loop.length);
  assert.equal(stopped.failed, 0);
});

test('a connection closed in the middle of a response is a failure, not a silent retry', async () => {
  const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: appli'));
  const failures: string[] = [];
  const counts = await startClosedLoop(
    { url: server.url, connections: 1, amount: 1, timeoutS: 10 },
    { answer: () => assert.fail('no answer expected'), failure: (m) => failures.push(m) },
  ).done;
  assert.equal(counts.completed, 0);
  assert.equal(counts.failed, 1);
  assert.match(failures[0]!, /closed the connection in the middle of a response/);
});

test('a kept-alive connection closed before any byte of the answer: the request is sent once more on a new one, not failed', async () => {
  // The second request on each connection is dropped unanswered, as a server closing an idle
  // kept-alive connection just as the request arrives would.
  let requests = 0;
  const server = net.createServer((socket) => {
    let onThisConnection = 0;
    socket.on('data', () => {
      requests++;
      if (++onThisConnection === 2) return socket.destroy();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    socket.on('error', () => {});
  });
  rawServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/predict?text=x`;
  const answers: Answer[] = [];
  const handlers = { answer: (a: Answer) => answers.push(a), failure: (m: string) => assert.fail(m) };
  const counts = await startClosedLoop({ url, connections: 1, amount: 3, timeoutS: 10 }, handlers).done;
  assert.deepEqual(counts, { completed: 3, failed: 0, cancelled: 0 });
  assert.equal(requests, 5, 'three answered; the second request on each connection was dropped and resent (twice)');
});

test('a new connection closed before answering is a failure (resending would never end)', async () => {
  const server = await rawServer((socket) => socket.end());
  const failures: string[] = [];
  const handlers = { answer: () => assert.fail('no answer expected'), failure: (m: string) => failures.push(m) };
  const counts = await startClosedLoop({ url: server.url, connections: 1, amount: 2, timeoutS: 10 }, handlers).done;
  assert.deepEqual(counts, { completed: 0, failed: 2, cancelled: 0 });
  assert.match(failures[0]!, /closed the connection before answering/);
  assert.equal(server.requests(), 2);
});

test('oneShot: `Connection: close` on every request, a new connection each time even if the server would keep it', async () => {
  const ports = new Set<number>();
  const headers: (string | undefined)[] = [];
  const url = await listen((req, res) => {
    ports.add(req.socket.remotePort!);
    headers.push(req.headers.connection);
    res.end('{}');
  });
  const handlers = { answer: () => {}, failure: (m: string) => assert.fail(m) };
  const counts = await startClosedLoop({ url, connections: 2, amount: 6, timeoutS: 10, oneShot: true }, handlers).done;
  assert.equal(counts.completed, 6);
  assert.equal(ports.size, 6, 'six connections for six requests');
  assert.deepEqual(headers, Array(6).fill('close'));
});

test('keep-alive: one connection per client carries all of its requests', async () => {
  const ports = new Set<number>();
  const url = await listen((req, res) => {
    ports.add(req.socket.remotePort!);
    res.end('{}');
  });
  const counts = await startClosedLoop({ url, connections: 2, amount: 20, timeoutS: 10 }, { answer: () => {}, failure: (m) => assert.fail(m) }).done;
  assert.equal(counts.completed, 20);
  assert.equal(ports.size, 2);
});

/**
 * How much CPU the dashboard takes at the default refresh with 50 worker slots. A measurement to
 * report, not a pass/fail threshold (the machine is shared): run it on purpose with
 *   TIDEPOOL_MEASURE_CPU=1 node --test dist/test/tui/cpu.test.js
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir, waitFor } from '../helpers/server.js';
import { FIXTURE_DIR } from './helpers/statsServer.js';
import { startVirtualTerminal } from './helpers/virtualTerminal.js';

const skip = process.env.TIDEPOOL_MEASURE_CPU ? false : 'a measurement: set TIDEPOOL_MEASURE_CPU=1 to run it';
const SECONDS = Number(process.env.TIDEPOOL_MEASURE_SECONDS ?? 10);

// The stats server runs in another process so that its work is not counted. It cycles through
// the three fixtures, so every frame has something new to draw and events to derive.
const SERVER = `
const net = require('node:net'), fs = require('node:fs');
const [sock, ...files] = process.argv.slice(1);
const docs = files.map((f) => fs.readFileSync(f));
let n = 0;
net.createServer((c) => c.end(docs[n++ % docs.length])).listen(sock);
`;

test('CPU use of the dashboard at a 1 s refresh with 50 slots', { skip }, async (t) => {
  const dir = tempDir('tidepool-cpu-');
  const sock = path.join(dir, 'stats.sock');
  const files = ['idle', 'busy', 'after-cheaping'].map((n) => path.join(FIXTURE_DIR, `uwsgi-2.0.21-${n}.json`));
  const server = spawn(process.execPath, ['-e', SERVER, sock, ...files], { stdio: 'ignore' });
  try {
    await waitFor('the stats socket', () => fs.existsSync(sock));
    const term = startVirtualTerminal([sock], { intervalMs: 1000, columns: 200, rows: 60 });
    await term.waitForLine(/^workers \d+ running/);
    await sleep(3000); // past start-up: module loading and the first frames are not the steady state
    const rounds = term.app.dashboard.history.length;
    const before = process.cpuUsage();
    const started = performance.now();
    await sleep(SECONDS * 1000);
    const used = process.cpuUsage(before);
    const elapsedMs = performance.now() - started;
    const percent = ((used.user + used.system) / 1000 / elapsedMs) * 100;
    const polled = term.app.dashboard.history.length - rounds;
    t.diagnostic(`dashboard CPU: ${percent.toFixed(2)} % of one core over ${(elapsedMs / 1000).toFixed(1)} s, ${polled} polls of 50 slots, 200x60 screen`);
    assert.ok(polled >= SECONDS - 1, `polled ${polled} times in ${SECONDS} s`);
    assert.equal(await term.close(), 0);
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

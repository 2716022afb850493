import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chooseDriver, findWrk } from '../../bench/load/driver.js';
import { cpuShare, processCpuMs, reapedChildrenCpuMs, startCpuWindow } from '../../bench/analysis/processCpu.js';
import { spawnSync } from 'node:child_process';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test("wrk when installed, the bench's client otherwise or when asked; --driver wrk without wrk is an error", () => {
  assert.equal(chooseDriver('auto', '/usr/bin/wrk').name, 'wrk');
  assert.match(chooseDriver('auto', null).detail, /own closed-loop client \(wrk not found/);
  assert.equal(chooseDriver('bench', '/usr/bin/wrk').name, 'bench');
  assert.throws(() => chooseDriver('wrk', null), /--driver wrk: wrk is not installed/);
});

test('findWrk: $WRK first, then an executable wrk on the PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidepool-wrk-'));
  dirs.push(dir);
  const wrk = path.join(dir, 'wrk');
  fs.writeFileSync(wrk, '#!/bin/sh\n');
  assert.equal(findWrk({ PATH: dir }), null, 'not executable: not wrk');
  fs.chmodSync(wrk, 0o755);
  assert.equal(findWrk({ PATH: `/nonexistent${path.delimiter}${dir}` }), wrk);
  assert.equal(findWrk({ PATH: dir, WRK: '/opt/wrk' }), '/opt/wrk');
});

test('CPU from /proc: this process, and a child once it has been waited for', () => {
  assert.ok(processCpuMs([process.pid]) > 0);
  assert.equal(processCpuMs([2 ** 22 + 12345]), 0, 'a pid that does not exist counts 0');
  const end = startCpuWindow([process.pid]);
  const before = reapedChildrenCpuMs();
  // A child that burns about 300 ms of CPU and exits.
  spawnSync(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 300);']);
  const window = end();
  assert.ok(reapedChildrenCpuMs() - before >= 200, `the child's CPU: ${reapedChildrenCpuMs() - before} ms`);
  assert.ok(window.reapedChildrenMs >= 200 && window.wallMs >= 290, JSON.stringify(window));
  assert.equal(cpuShare(500, 1000, 2), 0.25);
  assert.equal(cpuShare(1, 0, 2), null);
});

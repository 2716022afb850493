/**
 * `systemd-analyze verify` on the generated unit as written. verify loads the unit into a test
 * manager: it refuses (exit 1) an Exec*= binary that does not exist, and only WARNS (exit 0) on
 * an unknown key or a value it cannot parse, so the test reads its warnings too. The unit's
 * ExecStart is the node running this test and the real compiled CLI, as `tidepool deploy` writes it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generate, PRODUCTION_INI, scratchDir } from './generated.js';
import { runProgram } from './runProgram.js';

async function analyze(args: string[]): Promise<{ code: number; output: string }> {
  const r = await runProgram('systemd-analyze', args);
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}

function unitFile(text: string): string {
  const dir = scratchDir('tidepool-unit-');
  const file = path.join(dir, 'tidepool.service');
  fs.writeFileSync(file, text);
  return file;
}

/** verify's complaints about the file itself: lines naming it, or its parse warnings. */
function complaints(output: string, file: string): string[] {
  return output.split('\n').filter((l) => l.includes(file) || l.includes(path.basename(file)) || /Unknown|Failed to parse|ignoring/i.test(l));
}

const generated = (options: Parameters<typeof generate>[2] = {}): string => generate(scratchDir('tidepool-unit-gen-'), PRODUCTION_INI, options).texts.unit;

test('systemd-analyze verify accepts the generated unit with no warning', async () => {
  for (const text of [generated(), generated({ backends: [{ host: '10.0.0.2', port: 8000 }], proxy: 'uwsgi' })]) {
    const file = unitFile(text);
    const r = await analyze(['verify', file]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(complaints(r.output, file), [], r.output);
  }
});

test('the check can fail: a missing binary is refused, a misspelled key is reported', async () => {
  const missing = unitFile(generated().replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'));
  const r1 = await analyze(['verify', missing]);
  assert.equal(r1.code, 1);
  assert.match(r1.output, /\/nonexistent\/node is not executable/);
  const typo = unitFile(generated().replace('KillMode=mixed', 'KilMode=mixed'));
  const r2 = await analyze(['verify', typo]);
  assert.match(complaints(r2.output, typo).join('\n'), /Unknown key 'KilMode'/);
});

test('systemd-analyze security rates the unit OK (exposure below 4 of 10)', async () => {
  const file = unitFile(generated());
  const r = await analyze(['security', '--offline=yes', file]);
  const m = /Overall exposure level for tidepool\.service: ([\d.]+)/.exec(r.output);
  assert.ok(m, r.output);
  assert.ok(Number(m[1]) < 4, `exposure ${m[1]}:\n${r.output}`);
  assert.match(r.output, /✗ MemoryDenyWriteExecute=/, 'left off on purpose: V8 needs W+X memory');
});

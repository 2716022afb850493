import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/options.js';
import { acceptArgs, availableAcceptModes, serverHasAcceptOption } from '../../bench/target/acceptMode.js';
import { UsageError } from '../../core/cli/usage.js';

test('accept modes: both where serve has the option, the master only before it', () => {
  assert.deepEqual(availableAcceptModes(true), ['master', 'workers']);
  assert.deepEqual(availableAcceptModes(false), ['master']);
  assert.deepEqual(acceptArgs('workers', true), ['--accept', 'workers']);
  assert.deepEqual(acceptArgs('master', true), ['--accept', 'master']);
  assert.deepEqual(acceptArgs('master', false), [], 'a server without the option accepts in the master anyway');
  assert.throws(() => acceptArgs('workers', false), /no accept option in this build/);
});

test('--accept-modes: the default is every mode this build has; a list is checked and deduplicated', () => {
  assert.deepEqual(parseBenchArgs([]).acceptModes, availableAcceptModes());
  assert.deepEqual(parseBenchArgs(['--accept-modes', 'master,master']).acceptModes, ['master']);
  const rejects = (text: string, message: RegExp) =>
    assert.throws(
      () => parseBenchArgs(['--accept-modes', text]),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  rejects('kernel', /Expected --accept-modes to be master, workers \(comma-separated for both\), got "kernel"/);
  if (serverHasAcceptOption()) assert.deepEqual(parseBenchArgs(['--accept-modes', 'workers,master']).acceptModes, ['workers', 'master']);
  else rejects('master,workers', /no accept option yet: use --accept-modes master/);
});

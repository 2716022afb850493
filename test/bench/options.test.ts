import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASSIC_TEXT, DEFAULT_SCENARIOS, parseBenchArgs } from '../../bench/options.js';
import { UsageError } from '../../core/cli/usage.js';

test('defaults: the default set, the classic text, tidepool starts its own servers', () => {
  const o = parseBenchArgs([]);
  assert.deepEqual(o.scenarios, [...DEFAULT_SCENARIOS]);
  assert.equal(o.text, CLASSIC_TEXT);
  assert.equal(o.url, undefined);
  assert.equal(o.requests, 11);
  assert.equal(o.clients, 40);
  assert.equal(o.loadSeconds, 20);
  assert.deepEqual(o.connections, [1, 8, 32]);
  assert.equal(o.rates, null);
  assert.equal(o.scalingChosen, false);
});

test('--quick shortens what was not given', () => {
  const o = parseBenchArgs(['--quick', '--clients', '12']);
  assert.equal(o.quick, true);
  assert.equal(o.clients, 12);
  assert.ok(o.loadSeconds < 20);
});

test('scenario lists: comma-separated, all, in the bench order', () => {
  assert.deepEqual(parseBenchArgs(['--scenario', 'scale,burst']).scenarios, ['burst', 'scale']);
  assert.deepEqual(parseBenchArgs(['--scenario=all']).scenarios, ['burst', 'scale', 'throughput', 'profile', 'crosscheck', 'compare']);
});

test('serve options are checked with serve\'s own table and sorted into pool and server options', () => {
  const o = parseBenchArgs(['--cheaper-algo', 'spare', '--processes', '12', '--simulate-latency=500', '--backend', 'wasm']);
  assert.deepEqual(o.poolArgs, ['--cheaper-algo', 'spare', '--workers', '12', '--simulate-latency', '500']);
  assert.deepEqual(o.serverArgs, ['--backend', 'wasm']);
  assert.equal(o.scalingChosen, true);
  assert.equal(o.simulateLatencyMs, 500);
  assert.equal(parseBenchArgs(['--simulate-latency', '500']).scalingChosen, false, 'a service time alone keeps the comparison');
});

const rejects = (argv: string[], message: RegExp) => assert.throws(() => parseBenchArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message));

test('bad options name the option, what was expected and what came', () => {
  rejects(['--clients', 'many'], /Expected --clients to be a whole number >= 1, got "many"/);
  rejects(['--scenario', 'soak'], /Expected --scenario to be burst, scale, throughput, profile, crosscheck, compare or all .* got "soak"/);
  rejects(['--frobnicate'], /Unknown option --frobnicate/);
  rejects(['--requests'], /Option --requests expects a value, got nothing/);
  rejects(['--url', 'ftp://x:1'], /Expected --url to be http:\/\/HOST:PORT/);
  rejects(['--url', 'http://127.0.0.1:4444/predict'], /without a path/);
  rejects(['--connections', '1,0'], /Expected --connections to be a whole number >= 1, got "0"/);
  rejects(['--profile', 'sawtooth'], /Expected --profile to be constant, step, ramp, spike/);
  rejects(['--cheaper-algo', 'fastest'], /Expected `cheaper-algo` to be one of spare, spare2, backlog, busyness, manual, got `fastest` \(from --cheaper-algo\)/);
  rejects(['--http', ':8080'], /--http is a `tidepool serve` option the bench does not pass on/);
  rejects(['--no-stats-http'], /--no-stats-http is a `tidepool serve` option the bench does not pass on/);
  rejects(['stray'], /Unexpected argument "stray"/);
});

test('combinations that cannot work fail early, with the fix', () => {
  rejects(['--stats', '/tmp/s.sock'], /--stats needs --url/);
  rejects(['--url', 'http://127.0.0.1:4444', '--workers', '8'], /Server options \(--workers\) have no effect with --url/);
});

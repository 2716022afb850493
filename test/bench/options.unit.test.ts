import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { benchHelp, CLASSIC_TEXT, DEFAULT_SCENARIOS, OPEN_LOOP_SHARES, parseBenchArgs } from '../../bench/options.js';
import { OPTIONS as SERVE_OPTIONS } from '../../server/index.js';
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
  assert.equal(o.driver, 'auto');
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
  assert.deepEqual(parseBenchArgs(['--scenario=all']).scenarios, ['burst', 'scale', 'throughput', 'profile', 'crosscheck', 'compare', 'cost']);
});

test("serve options are checked with serve's own table and sorted into pool and server options", () => {
  const o = parseBenchArgs(['--cheaper-algo', 'spare', '--processes', '12', '--simulate-latency=500', '--backend', 'wasm']);
  assert.deepEqual(o.poolArgs, ['--cheaper-algo', 'spare', '--workers', '12', '--simulate-latency', '500']);
  assert.deepEqual(o.serverArgs, ['--backend', 'wasm']);
  assert.equal(o.scalingChosen, true);
  assert.equal(o.simulateLatencyMs, 500);
  assert.equal(parseBenchArgs(['--simulate-latency', '500']).scalingChosen, false, 'a service time alone keeps the comparison');
});

const rejects = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseBenchArgs(argv),
    (e: unknown) => e instanceof UsageError && message.test(e.message),
  );

test('bad options name the option, what was expected and what came', () => {
  rejects(['--clients', 'many'], /Expected --clients to be a whole number >= 1, got "many"/);
  rejects(['--scenario', 'soak'], /Expected --scenario to be burst, scale, throughput, profile, crosscheck, compare, cost or all .* got "soak"/);
  rejects(['--frobnicate'], /Unknown option '--frobnicate' \(see tidepool bench --help\)/);
  rejects(['--requests'], /Option '--requests <value>' argument missing/);
  rejects(['--quick=yes'], /Option '--quick' does not take an argument/);
  rejects(['--driver', 'ab'], /Expected --driver to be auto, wrk, bench, got "ab"/);
  rejects(['--url', 'ftp://x:1'], /Expected --url to be http:\/\/HOST:PORT/);
  rejects(['--url', 'http://127.0.0.1:4444/predict'], /without a path/);
  rejects(['--connections', '1,0'], /Expected --connections to be a whole number >= 1, got "0"/);
  rejects(['--profile', 'sawtooth'], /Expected --profile to be constant, step, ramp, spike/);
  rejects(
    ['--cheaper-algo', 'fastest'],
    /Expected `cheaper-algo` to be one of spare, spare2, backlog, busyness, manual, got `fastest` \(from --cheaper-algo\)/,
  );
  rejects(['--http', ':8080'], /--http is a `tidepool serve` option the bench does not pass on/);
  rejects(['--no-stats-http'], /--no-stats-http is a `tidepool serve` option the bench does not pass on/);
  rejects(['stray'], /Unexpected argument 'stray'/);
  rejects(['--ini', 'x.ini'], /--ini is a `tidepool serve` option the bench does not pass on/);
});

test('combinations that cannot work fail early, with the fix', () => {
  rejects(['--stats', '/tmp/s.sock'], /--stats needs --url/);
  rejects(['--url', 'http://127.0.0.1:4444', '--workers', '8'], /Server options \(--workers\) have no effect with --url/);
});

test('--help states the defaults the parser uses (it is written from them)', () => {
  const help = benchHelp();
  const full = parseBenchArgs([]);
  const quick = parseBenchArgs(['--quick']);
  const line = (flag: string) => {
    const start = help.indexOf(`  --${flag} `);
    assert.ok(start >= 0, `--${flag} is in the help`);
    return help.slice(start, help.indexOf('\n  -', start + 1)).replace(/\s+/g, ' ');
  };
  assert.match(line('clients'), new RegExp(`Default: ${full.clients} \\(quick ${quick.clients}\\)\\.`));
  assert.match(line('duration'), new RegExp(`Default: ${full.loadSeconds} \\(quick ${quick.loadSeconds}\\)\\.`));
  assert.match(line('connections'), new RegExp(`Default: ${full.connections.join(',')} \\(quick ${quick.connections.join(',')}\\)\\.`));
  assert.match(line('phase-seconds'), new RegExp(`Default: ${full.phaseSeconds} \\(quick ${quick.phaseSeconds}\\)\\.`));
  assert.match(line('timeout'), new RegExp(`Default: ${full.timeoutS}\\.`));
  assert.match(line('requests'), new RegExp(`Default: ${full.requests}\\.`));
  assert.match(line('driver'), /Default: auto\./);
  assert.match(line('rate'), new RegExp(`Default: ${OPEN_LOOP_SHARES.map((s) => `${s * 100} %`).join(' and ')} of the best`));
  assert.match(help, new RegExp(`the default set: ${DEFAULT_SCENARIOS.join(',')}`));
});

test('no option of the bench hides a serve option it passes on', () => {
  const help = benchHelp();
  for (const option of SERVE_OPTIONS) {
    if (!['Workers and scaling', 'Lifecycle', 'Model and requests'].includes(option.section)) continue;
    assert.ok(!new RegExp(`^  --${option.name} `, 'm').test(help), `--${option.name} is both the bench's and serve's`);
  }
  assert.deepEqual(parseBenchArgs(['--max-requests', '100']).serverArgs, ['--max-requests', '100']);
});

test('--model is passed on as an absolute path (serve runs in a temp dir)', () => {
  assert.deepEqual(parseBenchArgs(['--model', 'models/default']).serverArgs, ['--model', path.resolve('models/default')]);
});

import assert from 'node:assert/strict';
import { availableParallelism, hostname } from 'node:os';
import { test } from 'node:test';
import { ConfigError, parseIni } from '../../server/config/index.js';

const values = (text: string, opts: Parameters<typeof parseIni>[1] = {}) => parseIni(text, opts).map((e) => [e.key, e.value]);

test('reads key = value split at the first =, bare keys, comments and line numbers', () => {
  const entries = parseIni(['; a comment', '# another', '[uwsgi]', 'env = A=b=c', '  vacuum  ', '', 'workers=4', '; workers = 9'].join('\n'), {});
  assert.deepEqual(entries, [
    { key: 'env', value: 'A=b=c', line: 4, referenced: false },
    { key: 'vacuum', value: true, line: 5, referenced: false },
    { key: 'workers', value: '4', line: 7, referenced: false },
  ]);
});

test('an entry knows whether some %(...) of the sections read names it; set-placeholder lines define names and are no entries', () => {
  const text = '[uwsgi]\nbase = /x\nunused = 1\nset-ph = sub=%(base)/y\nsocket = %(sub)/a.sock\n[other]\nz = %(unused)\n';
  const entries = parseIni(text, {});
  assert.deepEqual(
    entries.map((e) => [e.key, e.value, e.referenced]),
    [
      ['base', '/x', true],
      ['unused', '1', false],
      ['socket', '/x/y/a.sock', false],
    ],
  );
  // The first value of a name wins, whether a setting or a placeholder defines it.
  assert.deepEqual(values('[uwsgi]\nset-placeholder = a=1\na = 2\nb = %(a)\n'), [
    ['a', '2'],
    ['b', '1'],
  ]);
  assert.throws(() => parseIni('[uwsgi]\nset-ph = a=%(a)\nsocket = %(a)\n', {}), /Circular %\(\.\.\.\) reference/);
});

test('keeps every occurrence in file order, so callers can take the last scalar and every list line', () => {
  assert.deepEqual(values('[uwsgi]\nprocesses = 5\nworkers = 50\nsocket = a.sock\nsocket = b.sock\n'), [
    ['processes', '5'],
    ['workers', '50'],
    ['socket', 'a.sock'],
    ['socket', 'b.sock'],
  ]);
});

test('reads [uwsgi] and [tidepool] by default and skips other sections and lines before any section', () => {
  const text = 'orphan = 1\n[uwsgi]\nworkers = 4\n[other]\nworkers = 99\n[tidepool]\nbackend = wasm\n';
  assert.deepEqual(values(text), [
    ['workers', '4'],
    ['backend', 'wasm'],
  ]);
});

test('a named section reads only that section', () => {
  const text = '[uwsgi]\nworkers = 4\n[production]\nworkers = 32\n';
  assert.deepEqual(values(text, { section: 'production' }), [['workers', '32']]);
});

test('a missing section is an error that lists the sections found', () => {
  assert.throws(
    () => parseIni('[uwsgi]\nworkers = 4\n', { file: 'app.ini', section: 'prod' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /\[prod\] section in app\.ini, found \[uwsgi\]/);
      return true;
    },
  );
  assert.throws(() => parseIni('workers = 4\n', {}), /\[uwsgi\] or \[tidepool\] section .* found none/);
});

test('malformed lines name the file and line', () => {
  assert.throws(() => parseIni('[uwsgi]\n= 4\n', { file: 'x.ini' }), /Expected `key = value` at x\.ini:2, got `= 4`/);
  assert.throws(() => parseIni('[uwsgi\nworkers = 4\n', { file: 'x.ini' }), /section header .* at x\.ini:1/);
});

test('%(name) expands to the first value of another key, forward references included', () => {
  const text = '[uwsgi]\nsocket = %(base)/app.sock\nbase = /run/app\nbase = /ignored\nstats = %(base)/%(name).sock\nname = stats\n';
  assert.deepEqual(values(text), [
    ['socket', '/run/app/app.sock'],
    ['base', '/run/app'],
    ['base', '/ignored'],
    ['stats', '/run/app/stats.sock'],
    ['name', 'stats'],
  ]);
});

test('unknown %(name) stays as written; a circular reference is an error', () => {
  assert.deepEqual(values('[uwsgi]\npidfile = %(nothere)/x.pid\n'), [['pidfile', '%(nothere)/x.pid']]);
  assert.throws(() => parseIni('[uwsgi]\na = %(b)\nb = %(a)\n', { file: 'c.ini' }), /Circular %\(\.\.\.\) reference at c\.ini:2: a -> b -> a$/);
  assert.throws(() => parseIni('[uwsgi]\na = x%(a)\n', {}), /Circular .* at line 2: a -> a$/);
});

test('a later line may build on the first value of its own key', () => {
  assert.deepEqual(values('[uwsgi]\nbase = /x\nbase = %(base)/y\n'), [
    ['base', '/x'],
    ['base', '/x/y'],
  ]);
});

test('$(VAR) expands from the given environment; $VAR and unset variables do not leak', () => {
  const env = { PORT: '8080', WEIRD: '%(x)' };
  assert.deepEqual(values('[uwsgi]\nhttp = :$(PORT)\nmodel = $PORT\npidfile = a$(UNSET)b\nchdir = $(WEIRD)\nx = no\n', { env }), [
    ['http', ':8080'],
    ['model', '$PORT'],
    ['pidfile', 'ab'],
    // A value from the environment is not expanded again.
    ['chdir', '%(x)'],
    ['x', 'no'],
  ]);
});

test('magic variables %d (with trailing slash), %n, %h, %k, %% follow uWSGI', () => {
  const file = '/etc/tidepool/site.ini';
  const got = values('[uwsgi]\nsocket = %dapp.sock\npidfile = /run/%n.pid\nmodel = %h-%k\nchdir = 100%%\nenv = X=%z\n', { file });
  assert.deepEqual(got, [
    ['socket', '/etc/tidepool/app.sock'],
    ['pidfile', '/run/site.pid'],
    ['model', `${hostname()}-${availableParallelism()}`],
    ['chdir', '100%'],
    ['env', 'X=%z'],
  ]);
});

test('file magic stays as written when there is no file', () => {
  assert.deepEqual(values('[uwsgi]\nsocket = %d/app.sock\n'), [['socket', '%d/app.sock']]);
});

test('CRLF line endings are read like LF', () => {
  assert.deepEqual(values('[uwsgi]\r\nworkers = 3\r\nvacuum\r\n'), [
    ['workers', '3'],
    ['vacuum', true],
  ]);
});

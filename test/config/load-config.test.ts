import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, loadConfig, OPTIONS, type Config } from '../../server/config/index.js';
import { TUTORIAL_APP_FOLDER, TUTORIAL_INI } from '../helpers/tutorial.js';

const dir = mkdtempSync(join(tmpdir(), 'tidepool-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an ini file into the temp dir and returns its absolute path. */
function ini(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig(argv, env, dir);

/** Asserts that loading throws a ConfigError whose message matches every pattern. */
function rejects(argv: string[], patterns: RegExp[], env: NodeJS.ProcessEnv = {}): ConfigError {
  let caught: unknown;
  try {
    load(argv, env);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.equal(caught.exitCode, 2);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

test('defaults come from the table; http defaults to 127.0.0.1:4444', () => {
  const { config, warnings, sources } = load([]);
  assert.deepEqual(config.http, ['127.0.0.1:4444']);
  assert.deepEqual(config.socket, []);
  assert.equal(config.workers, availableParallelism());
  assert.equal(config['cheaper-algo'], 'busyness');
  assert.equal(config['max-body-size'], 100 * 1024);
  assert.equal(config.stats, './stats.sock');
  assert.equal(config['harakiri-graceful-signal'], 'SIGTERM');
  assert.equal(config['chmod-socket'], null);
  assert.equal(config.vacuum, true);
  assert.equal(config.listen, 100);
  assert.deepEqual(warnings, []);
  assert.deepEqual(sources, {});
});

test('every option of the table is a key of the config, and nothing else', () => {
  const { config } = load([]);
  assert.deepEqual(Object.keys(config).sort(), OPTIONS.map((o) => o.name).sort());
  // Compile-time: the Config type is derived from the table.
  const algo: 'spare' | 'spare2' | 'backlog' | 'busyness' | 'manual' = config['cheaper-algo'];
  // @ts-expect-error not an option of the table
  assert.equal(config.nonsense, undefined);
  assert.equal(algo, 'busyness');
});

test('flag forms: --name value, --name=value, short, bare and --no- booleans; the last scalar wins', () => {
  assert.equal(load(['--workers', '8']).config.workers, 8);
  assert.equal(load(['--workers=8']).config.workers, 8);
  assert.equal(load(['-p', '6']).config.workers, 6);
  assert.equal(load(['--workers', '8', '--workers', '3']).config.workers, 3);
  assert.equal(load(['--stats-http']).config['stats-http'], true);
  assert.equal(load(['--no-vacuum']).config.vacuum, false);
  assert.equal(load(['--vacuum=false']).config.vacuum, false);
  assert.equal(load(['--no-vacuum', '--vacuum']).config.vacuum, true);
  assert.equal(load(['--cheaper-algo', 'backlog']).config['cheaper-algo'], 'backlog');
});

test('aliases map to one option: processes, http-socket, uwsgi-socket, stats-server', () => {
  const { config } = load(['--processes', '4', '--http-socket', ':8080', '--uwsgi-socket', 'app.sock', '--stats-server', ':1717']);
  assert.equal(config.workers, 4);
  assert.deepEqual(config.http, [':8080']);
  assert.deepEqual(config.socket, ['app.sock']);
  assert.equal(config.stats, ':1717');
});

test('precedence: defaults < ini < environment < command line', () => {
  const file = ini('prec.ini', '[uwsgi]\nworkers = 3\ncheaper = 1\nharakiri = 20\n');
  const env = { TIDEPOOL_WORKERS: '5', TIDEPOOL_HARAKIRI: '40' };
  assert.equal(load(['--ini', file]).config.workers, 3);
  assert.equal(load(['--ini', file], env).config.workers, 5);
  const all = load(['--ini', file, '--workers', '7'], env).config;
  assert.equal(all.workers, 7);
  assert.equal(all.harakiri, 40);
  assert.equal(all.cheaper, 1);
  assert.equal(all['max-batch'], 64);
});

test('lists collect every value within a source; a later source replaces the list', () => {
  const file = ini('lists.ini', '[uwsgi]\nsocket = a.sock\nsocket = b.sock\nenv = A=1\nenv = B=2\n');
  assert.deepEqual(load(['--ini', file]).config.socket, ['a.sock', 'b.sock']);
  assert.deepEqual(load(['--ini', file, '--socket', 'c.sock', '-s', 'd.sock']).config.socket, ['c.sock', 'd.sock']);
  assert.deepEqual(load(['--ini', file], { TIDEPOOL_ENV: 'C=3' }).config.env, ['C=3']);
  assert.deepEqual(load(['--http', ':1', '--http', ':2']).config.http, [':1', ':2']);
});

test('an ini line of an alias then of the name: the last wins (processes = 5, workers = 50)', () => {
  const file = ini('alias.ini', '[uwsgi]\nworkers = 50\nprocesses = 5\n');
  assert.equal(load(['--ini', file]).config.workers, 5);
});

test('environment variables: names, aliases, booleans, and warnings for likely typos only', () => {
  const { config, warnings } = load([], {
    TIDEPOOL_CHEAPER_ALGO: 'spare',
    TIDEPOOL_PROCESSES: '4',
    TIDEPOOL_VACUUM: 'off',
    TIDEPOOL_MAX_BODY_SIZE: '1M',
    TIDEPOOL_WROKERS: '9',
    TIDEPOOL_WORKER_ID: '3',
    TIDEPOOL_INI: 'x.ini',
  });
  assert.equal(config['cheaper-algo'], 'spare');
  assert.equal(config.workers, 4);
  assert.equal(config.vacuum, false);
  assert.equal(config['max-body-size'], 1024 * 1024);
  assert.equal(config.ini, '');
  assert.ok(warnings.includes('ignoring TIDEPOOL_WROKERS: not an option variable; did you mean TIDEPOOL_WORKERS?'), warnings.join('\n'));
  assert.ok(warnings.some((w) => /TIDEPOOL_INI: `ini` can only be given on the command line/.test(w)));
  assert.ok(!warnings.some((w) => w.includes('TIDEPOOL_WORKER_ID')));
  assert.equal(warnings.length, 2);
});

test('an alias and its name both set in the environment: the name wins, with a warning', () => {
  const { config, warnings } = load([], { TIDEPOOL_PROCESSES: '3', TIDEPOOL_WORKERS: '6' });
  assert.equal(config.workers, 6);
  assert.deepEqual(warnings, ['TIDEPOOL_PROCESSES and TIDEPOOL_WORKERS are all set; using TIDEPOOL_WORKERS']);
});

test("the tutorial's uwsgi.ini as printed loads: placeholders silent, 5 then 50 workers, its sockets, uid and gid", () => {
  const { config, warnings, sources } = loadConfig(['--ini', TUTORIAL_INI], {}, dir);
  assert.equal(sources.ini, TUTORIAL_INI);
  assert.equal(config.workers, 50);
  assert.equal(config.cheaper, 5);
  assert.equal(config['cheaper-initial'], 5);
  assert.equal(config['cheaper-step'], 3);
  assert.equal(config['cheaper-algo'], 'spare');
  assert.equal(config['chmod-socket'], 0o666);
  assert.deepEqual(config.socket, [`${TUTORIAL_APP_FOLDER}/production_ml.sock`]);
  assert.equal(config.stats, `${TUTORIAL_APP_FOLDER}/stats.production_ml.sock`);
  assert.equal(config.chdir, TUTORIAL_APP_FOLDER);
  assert.deepEqual(config.env, ['CUDA_VISIBLE_DEVICES=-1', 'KERAS_BACKEND=theano', `PYTHONPATH=${TUTORIAL_APP_FOLDER}:$PYTHONPATH`]);
  assert.equal(config.uid, 'harkous');
  assert.equal(config.gid, 'harkous');
  assert.equal(config.file, 'app.py', 'the Flask app: serve finds it is Python and serves the built-in /predict');
  assert.equal(config.callable, 'app');
  assert.deepEqual(config.http, [], 'a socket is given, so no default http listener');
  assert.equal(config['die-on-term'], true);
  assert.ok(!warnings.some((w) => /my_app_folder|my_user/.test(w)), `placeholders used by %(...) are silent: ${warnings.join('\n')}`);
});

test('placeholders: an unknown key some %(...) uses is silent, an unused one warns with the closest option', () => {
  const lines = ['[uwsgi]', 'base = /srv/app', 'socket = %(base)/a.sock', 'cheaper-stpe = 3', 'frobnicate = 1', 'later = %(after)', 'after = x'];
  const file = ini('placeholders.ini', lines.join('\n'));
  const { config, warnings } = load(['--ini', file]);
  assert.deepEqual(config.socket, ['/srv/app/a.sock']);
  assert.deepEqual(warnings, [
    `ignoring \`cheaper-stpe\` at ${file}:4: no such option, and no \`%(cheaper-stpe)\` uses it as a placeholder; did you mean \`cheaper-step\`?`,
    `ignoring \`frobnicate\` at ${file}:5: no such option, and no \`%(frobnicate)\` uses it as a placeholder; see \`tidepool serve --help\``,
    `ignoring \`later\` at ${file}:6: no such option, and no \`%(later)\` uses it as a placeholder; see \`tidepool serve --help\``,
  ]);
  // A placeholder never reaches the configuration.
  assert.equal((config as unknown as Record<string, unknown>).base, undefined);
});

test('set-placeholder and set-ph define placeholders that are no setting; a malformed one names its line', () => {
  const file = ini('setph.ini', '[uwsgi]\nset-placeholder = root=/srv\nset-ph = app=%(root)/app\nsocket = %(app)/a.sock\nstats = %(root)/s.sock\n');
  const { config, warnings } = load(['--ini', file]);
  assert.deepEqual(config.socket, ['/srv/app/a.sock']);
  assert.equal(config.stats, '/srv/s.sock');
  assert.deepEqual(warnings, []);
  const malformed = /^Expected `set-ph` to be KEY=VALUE \(a placeholder for %\(KEY\)\) at .*badph\.ini:2, got `novalue`$/;
  rejects(['--ini', ini('badph.ini', '[uwsgi]\nset-ph = novalue\n')], [malformed]);
  rejects(['--ini', ini('bareph.ini', '[uwsgi]\nset-placeholder\n')], [/`set-placeholder` to be KEY=VALUE .* got no value/]);
  assert.match(load(['--ini', ini('typoph.ini', '[uwsgi]\nset-placeholdr = a=b\n')]).warnings[0]!, /did you mean `set-placeholder`\?/);
});

test('strict (from the ini, the environment or a flag) makes every unknown ini key an error, placeholders included', () => {
  const text = '[uwsgi]\nmy_folder = /srv\nsocket = %(my_folder)/a.sock\n';
  const strictError = [/^unknown option `my_folder` at .*strict\d?\.ini:\d \(`strict` is on: declare a placeholder as `set-placeholder = my_folder=VALUE`\)/];
  rejects(['--ini', ini('strict1.ini', `${text}strict = true\n`)], strictError);
  rejects(['--ini', ini('strict2.ini', text), '--strict'], strictError);
  rejects(['--ini', ini('strict3.ini', text)], strictError, { TIDEPOOL_STRICT: '1' });
  const declared = ini('strict4.ini', '[uwsgi]\nstrict\nset-ph = my_folder=/srv\nsocket = %(my_folder)/a.sock\n');
  assert.deepEqual(load(['--ini', declared]).config.socket, ['/srv/a.sock']);
  // Command-line flags are always strict.
  rejects(['--my-folder', '/srv'], [/^unknown option `--my-folder`/]);
});

test('--ini FILE:SECTION, a positional FILE.ini, and a relative path against cwd', () => {
  ini('multi.ini', '[uwsgi]\nworkers = 4\n[production]\nworkers = 16\ncheaper = 2\n');
  assert.equal(load(['--ini', 'multi.ini']).config.workers, 4);
  const prod = load(['--ini', 'multi.ini:production']);
  assert.equal(prod.config.workers, 16);
  assert.equal(prod.config.ini, 'multi.ini:production');
  assert.equal(prod.sources.ini, join(dir, 'multi.ini'));
  assert.equal(load(['multi.ini:production']).config.workers, 16);
  assert.equal(load(['--workers', '9', 'multi.ini']).config.workers, 9);
});

test('ini errors: missing file, two files, flag-only keys', () => {
  rejects(['--ini', 'nope.ini'], [/Cannot read the ini file `.*nope\.ini` \(from --ini\): no such file/]);
  ini('one.ini', '[uwsgi]\n');
  rejects(['--ini', 'one.ini', 'one.ini'], [/Expected one ini file, got `one\.ini` \(from --ini\) and `one\.ini` \(from argument `one\.ini`\)/]);
  const nested = ini('nested.ini', '[uwsgi]\nini = other.ini\n');
  rejects(['--ini', nested], [new RegExp(`\`ini\` can only be given on the command line \\(--ini\\), found at ${nested}:2`)]);
  const typo = ini('typo.ini', '[uwsgi]\n\nwrokers = 4\nstrict = on\n');
  const err = rejects(['--ini', typo], [new RegExp(`unknown option \`wrokers\` at ${typo}:3 .*; did you mean \`workers\`\\?`)]);
  assert.equal(err.option, 'wrokers');
});

test('validation errors name the option, the expectation, the value and its source', () => {
  const err = rejects(['--workers', 'abc'], [/^Expected `workers` to be a positive integer, got `abc` \(from --workers\)$/]);
  assert.equal(err.option, 'workers');
  rejects(['--processes', '0'], [/^Expected `workers` to be a positive integer, got `0` \(from --processes\)$/]);
  rejects([], [/^Expected `workers` to be a positive integer, got `-2` \(from TIDEPOOL_WORKERS\)$/], { TIDEPOOL_WORKERS: '-2' });
  const file = ini('bad.ini', '[uwsgi]\nworkers = 4\ncheaper-algo = fastest\n');
  rejects(
    ['--ini', file],
    [new RegExp(`^Expected \`cheaper-algo\` to be one of spare, spare2, backlog, busyness, manual, got \`fastest\` \\(from ${file}:3\\)$`)],
  );
  rejects(['--workers'], [/^Expected `workers` to be a positive integer, got no value \(from --workers\)$/]);
  rejects(['--vacuum=maybe'], [/^Expected `vacuum` to be true or false \(also yes\/no, on\/off, 1\/0\), got `maybe` \(from --vacuum\)$/]);
  rejects(['--cheaper-check-interval', '0.05'], [/Expected `cheaper-check-interval` to be a number of at least 0\.1, got `0\.05`/]);
  rejects(['--cheaper-busyness-max', '120'], [/Expected `cheaper-busyness-max` to be an integer from 0 to 100, got `120`/]);
  rejects(['--listen', '0'], [/Expected `listen` to be a positive integer, got `0`/]);
  rejects(['--max-body-size', '0'], [/Expected `max-body-size` to be a positive size in bytes .*, got `0`/]);
  rejects(['--max-body-size', '10 parsecs'], [/Expected `max-body-size` .* got `10 parsecs` \(from --max-body-size\)/]);
  rejects(['--harakiri-graceful-signal', 'SIGNOPE'], [/Expected `harakiri-graceful-signal` to be a signal name such as SIGTERM, or its number, got `SIGNOPE`/]);
  rejects(['--env', 'NOEQUALS'], [/Expected `env` to be KEY=VALUE, got `NOEQUALS`/]);
  rejects(['--env', '1X=2'], [/Expected `env` to be KEY=VALUE, got `1X=2`/]);
});

test('flag mistakes: unknown flags suggest the right one; --no- only for on/off; stray words', () => {
  const err = rejects(['--wrokers', '8'], [/^unknown option `--wrokers`; did you mean `--workers`\?$/]);
  assert.equal(err.option, 'wrokers');
  rejects(['--no-vacum'], [/did you mean `--no-vacuum`\?/]);
  rejects(['--zzzzzz'], [/^unknown option `--zzzzzz`; see `tidepool serve --help`$/]);
  rejects(['-x'], [/unknown option `-x`/]);
  rejects(['--no-workers'], [/`--no-workers`: only on\/off options take a --no- form/]);
  rejects(['--no-vacuum=1'], [/--no-vacuum takes no value/]);
  rejects(['8'], [/^unexpected argument `8`/]);
});

test('addresses are validated with parseAddress and kept as written', () => {
  assert.deepEqual(load(['--http', ':8080', '--http', '[::1]:9000', '--http', '@tidepool']).config.http, [':8080', '[::1]:9000', '@tidepool']);
  rejects(['--http', 'localhost:http'], [/`http`.*HOST:PORT with a numeric port.*\(from --http\)/]);
  rejects(['--socket', '127.0.0.1:70000'], [/`socket` port to be 0-65535.*\(from --socket\)/]);
  rejects(['--http', 'http://127.0.0.1:80'], [/Expected `http` to be a listening address .* which is a URL \(from --http\)/]);
  rejects(['--stats', 'host:port'], [/\(from --stats\); use `off` to disable it$/]);
});

test('stats: empty or off disables it (stored as an empty string)', () => {
  assert.equal(load(['--stats', 'off']).config.stats, '');
  assert.equal(load(['--stats=']).config.stats, '');
  const file = ini('nostats.ini', '[uwsgi]\nstats =\n');
  assert.equal(load(['--ini', file]).config.stats, '');
});

test('value types: sizes, modes, signals, floats', () => {
  const size = (s: string) => load(['--max-body-size', s]).config['max-body-size'];
  assert.equal(size('123'), 123);
  assert.equal(size('100K'), 102400);
  assert.equal(size('100KB'), 102400);
  assert.equal(size('1m'), 1048576);
  assert.equal(size('2G'), 2 * 1024 ** 3);
  assert.equal(load(['--chmod-socket']).config['chmod-socket'], 0o666);
  assert.equal(load(['--chmod-socket', '660', '--socket', 'a.sock']).config['chmod-socket'], 0o660);
  assert.equal(load(['--chmod-socket=600', '--socket', 'a.sock']).config['chmod-socket'], 0o600);
  // The mode is optional: the next word is taken only if it is one.
  ini('unix.ini', '[uwsgi]\nsocket = a.sock\n');
  const optional = load(['--chmod-socket', 'unix.ini']);
  assert.equal(optional.config['chmod-socket'], 0o666);
  assert.deepEqual(optional.config.socket, ['a.sock']);
  rejects(['--chmod-socket=66'], [/Expected `chmod-socket` to be three octal digits such as 660 or 666, got `66`/]);
  rejects(['--chmod-socket=888'], [/three octal digits/]);
  const bare = ini('chmod.ini', '[uwsgi]\nsocket = a.sock\nchmod-socket\n');
  assert.equal(load(['--ini', bare]).config['chmod-socket'], 0o666);
  assert.equal(load(['--harakiri-graceful-signal', 'HUP']).config['harakiri-graceful-signal'], 'SIGHUP');
  assert.equal(load(['--harakiri-graceful-signal', '9']).config['harakiri-graceful-signal'], 'SIGKILL');
  assert.equal(load(['--cheaper-check-interval', '0.5']).config['cheaper-check-interval'], 0.5);
});

test('booleans in an ini: bare and empty mean on, as in uWSGI; yes/no/on/off/1/0 are read', () => {
  const file = ini('bools.ini', '[uwsgi]\nstats-http =\nstats-minified\nvacuum = no\ndie-on-term = OFF\ndisable-logging = 1\n');
  const { config } = load(['--ini', file]);
  assert.equal(config['stats-http'], true);
  assert.equal(config['stats-minified'], true);
  assert.equal(config.vacuum, false);
  assert.equal(config['die-on-term'], false);
  assert.equal(config['disable-logging'], true);
});

test('uWSGI options without meaning warn and the start goes on, values consumed', () => {
  const { config, warnings } = load(['--mount', '/=wsgi.py', '--enable-threads', '--workers', '3', '--virtualenv=/venv']);
  assert.equal(config.workers, 3);
  assert.deepEqual(warnings, [
    'ignoring uWSGI option `mount` from --mount (no meaning in tidepool: one app per server, at /: see `file` and `module`)',
    'ignoring uWSGI option `enable-threads` from --enable-threads (no meaning in tidepool: there is no Python interpreter)',
    'ignoring uWSGI option `virtualenv` from --virtualenv (no meaning in tidepool: there is no Python interpreter)',
  ]);
  const file = ini('python.ini', '[uwsgi]\nvirtualenv = /venv\nthunder-lock\nhttp = :9090\n');
  const fromIni = load(['--ini', file]);
  assert.deepEqual(fromIni.config.http, [':9090']);
  assert.equal(fromIni.warnings.length, 2);
  assert.match(fromIni.warnings[0]!, new RegExp(`^ignoring uWSGI option \`virtualenv\` from ${file}:2 \\(no meaning in tidepool: there is no Python`));
});

test('--help wins over the rest of the line', () => {
  const { config } = load(['--wrokers', 'x', '--help']);
  assert.equal(config.help, true);
  assert.equal(load(['-h']).config.help, true);
  assert.equal(load([]).config.help, false);
});

test('cheaper must stay below workers when given; the default adapts to one worker', () => {
  rejects(
    ['--workers', '4', '--cheaper', '4'],
    [
      /^Expected `cheaper` \(the minimum number of running workers\) to be less than `workers` \(the maximum\), got cheaper 4 \(from --cheaper\) and workers 4 \(from --workers\); .*`cheaper = 0`/,
    ],
  );
  const one = load(['--workers', '1']).config;
  assert.equal(one.cheaper, 0);
  assert.equal(one['cheaper-initial'], 1);
  assert.equal(load(['--workers', '4', '--cheaper', '0']).config.cheaper, 0);
});

test('cheaper-initial defaults to cheaper, is clamped into [cheaper, workers] with a warning, and means all workers when cheaper is 0', () => {
  assert.equal(load(['--workers', '8', '--cheaper', '2']).config['cheaper-initial'], 2);
  const high = load(['--workers', '8', '--cheaper', '2', '--cheaper-initial', '20']);
  assert.equal(high.config['cheaper-initial'], 8);
  assert.deepEqual(high.warnings, ['`cheaper-initial` 20 from --cheaper-initial is outside [cheaper 2, workers 8]; starting 8 workers']);
  const low = load(['--workers', '8', '--cheaper', '3', '--cheaper-initial', '1']);
  assert.equal(low.config['cheaper-initial'], 3);
  assert.equal(low.warnings.length, 1);
  const fixed = load(['--workers', '6', '--cheaper', '0', '--cheaper-initial', '2']);
  assert.equal(fixed.config['cheaper-initial'], 6);
  assert.match(fixed.warnings[0]!, /ignoring `cheaper-initial` from --cheaper-initial: `cheaper` is 0, so all 6 workers start/);
});

test('harakiri-graceful-timeout must be below harakiri; alone it only warns', () => {
  rejects(
    ['--harakiri', '10', '--harakiri-graceful-timeout', '10'],
    [/^Expected `harakiri-graceful-timeout` to be less than `harakiri`, got 10 s \(from --harakiri-graceful-timeout\) and 10 s \(from --harakiri\)/],
  );
  assert.equal(load(['--harakiri', '30', '--harakiri-graceful-timeout', '5']).config['harakiri-graceful-timeout'], 5);
  assert.match(load(['--harakiri-graceful-timeout', '5']).warnings[0]!, /has no effect while `harakiri` is 0/);
});

test('other cross-option rules: busyness bounds, rss limits, listeners, master and lazy-apps', () => {
  rejects(
    ['--cheaper-busyness-max', '50', '--cheaper-busyness-min', '60'],
    [/Expected `cheaper-busyness-min` to be below `cheaper-busyness-max`, got 60 \(from --cheaper-busyness-min\) and 50 \(from --cheaper-busyness-max\)/],
  );
  rejects(['--cheaper-rss-limit-soft', '2G', '--cheaper-rss-limit-hard', '1G'], [/`cheaper-rss-limit-soft` .* below `cheaper-rss-limit-hard`/]);
  rejects(['--http', ':9000', '--socket', '0.0.0.0:9000'], [/got `0\.0\.0\.0:9000` for both `http` and `socket` \(from --socket\)/]);
  rejects(['--stats', 'stats.sock', '--socket', './stats.sock'], [/for both `socket` and `stats`/]);
  assert.deepEqual(load(['--http', '127.0.0.1:0', '--socket', '127.0.0.1:0']).config.socket, ['127.0.0.1:0'], 'port 0 twice: the OS gives each its own port');
  assert.match(
    load(['--chmod-socket', '660', '--stats', 'off']).warnings[0]!,
    /`chmod-socket` from --chmod-socket has no effect: no http, socket, stats or metrics listener is a UNIX socket path/,
  );
  assert.deepEqual(load(['--chmod-socket', '660', '--stats', '/run/x/stats.sock']).warnings, [], 'it applies to a UNIX stats socket');
  const forced = load(['--no-master', '--lazy-apps=false']);
  assert.equal(forced.config.master, true);
  assert.equal(forced.config['lazy-apps'], true);
  assert.equal(forced.warnings.length, 2);
  assert.match(load(['--stats', 'off', '--stats-http']).warnings[0]!, /`stats-http` from --stats-http has no effect: `stats` is off/);
});

test('a loaded config is typed from the table', () => {
  const config: Config = load(['--workers', '2']).config;
  const workers: number = config.workers;
  const http: readonly string[] = config.http;
  assert.equal(workers + http.length, 3);
});

test('uid, gid and chown-socket take names or numbers: their shape is checked here, their existence at start', () => {
  const { config } = load(['--uid', 'www-data', '--gid', '33', '--chown-socket', 'www-data:adm']);
  assert.equal(config.uid, 'www-data');
  assert.equal(config.gid, '33');
  assert.equal(config['chown-socket'], 'www-data:adm');
  assert.equal(load(['--chown-socket', '1000']).config['chown-socket'], '1000');
  assert.equal(load([]).config.uid, '', 'unset by default');
  rejects(['--uid', 'no one'], [/^Expected `uid` to be a user name or number, got `no one` \(from --uid\)$/]);
  rejects(['--gid='], [/^Expected `gid` to be a group name or number, got an empty value \(from --gid\)$/]);
  rejects(['--chown-socket', 'a:b:c'], [/^Expected `chown-socket` to be USER or USER:GROUP \(names or numbers\), got `a:b:c`/]);
  rejects(['--ini', ini('uid.ini', '[uwsgi]\nuid\n')], [/^Expected `uid` to be a user name or number, got no value \(from .*uid\.ini:2\)$/]);
});

/**
 * A user's app that fails: in a request (a 500 the stats count, the worker lives on), outside
 * any request (the worker answers what it held and is respawned), at load (the master says
 * which file and why, and stops), or not an app at all; and configurations that cannot serve.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fetchStats } from '../../core/stats/fetchStats.js';
import { poolEvents } from '../helpers/pool.js';
import { uwsgiRequest } from '../helpers/http.js';
import { startServer, stopAll, tempDir, waitFor, type RunningServer } from '../helpers/server.js';
import { FIXTURE_APPS } from '../helpers/userApps.js';

async function exceptions(s: RunningServer): Promise<number> {
  return (await fetchStats(s.stats)).stats.workers.reduce((n, w) => n + w.exceptions, 0);
}

/** Start with `args` and wait for the master to exit by itself; its exit code and log. */
async function startAndExit(args: string[], cwd?: string): Promise<{ code: number | null; log: string }> {
  const s = await startServer({ args, cwd, noWait: true });
  const code = await new Promise<number | null>((resolve) => (s.child.exitCode !== null ? resolve(s.child.exitCode) : s.child.once('exit', resolve)));
  await s.stop('SIGKILL');
  return { code, log: s.log() };
}

describe('errors inside requests', () => {
  after(stopAll);

  test('a throw, a rejection, a 503 and an express error answer 5xx and count in `exceptions`; the worker lives on', async () => {
    const uwsgiSock = path.join(tempDir(), 'app.sock');
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--socket', uwsgiSock, '--file', path.join(FIXTURE_APPS, 'routes.mjs')] });
    const pid = (await s.get('/echo')).json().pid;
    const thrown = await s.get('/throw');
    assert.equal(thrown.status, 500);
    assert.equal(thrown.headers['content-type'], 'application/json');
    assert.match(thrown.json().error, /Internal error while serving GET \/throw: the route threw/);
    const rejected = await uwsgiRequest(uwsgiSock, 'GET', '/reject');
    assert.equal(rejected.status, 500);
    assert.match(JSON.parse(rejected.body).error, /the async route rejected/);
    assert.equal((await s.get('/unavailable')).status, 503);
    assert.equal((await s.get('/echo')).json().pid, pid, 'the same worker still serves');
    await waitFor('three exceptions in the stats', async () => (await exceptions(s)) === 3, 5000);
    const metrics = await s.get('/metrics');
    assert.match(metrics.body, /^tidepool_request_exceptions_total 3$/m);
    assert.match(s.log(), /error serving GET \/throw: Error: the route threw/);
    await s.stop();

    const e = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--chdir', FIXTURE_APPS, '--file', 'express-app.cjs'] });
    const expressError = await e.get('/throw');
    assert.equal(expressError.status, 500, "express's finalhandler answers it");
    assert.equal((await e.get('/hello')).status, 200);
    await waitFor('the express 500 in the stats', async () => (await exceptions(e)) === 1, 5000);
    await e.stop();
  });

  test('an exception outside every handler: the request in flight gets a 500, the worker exits and is respawned', async () => {
    const s = await startServer({ args: ['--workers', '1', '--cheaper', '0', '--file', path.join(FIXTURE_APPS, 'routes.mjs')] });
    const events = poolEvents(s.stats);
    const before = (await s.get('/echo')).json().pid;
    const crashed = await s.get('/crash');
    assert.equal(crashed.status, 500);
    assert.match(crashed.json().error, /the app crashed from a timer/);
    const exit = await events.waitFor('the crash', (e) => e.type === 'exit' && e.kind === 'crash' && e.pid === before);
    assert.equal(exit.detail?.code, 1);
    assert.match(exit.reason, /while serving GET \/crash/);
    await events.waitFor('the respawn after the crash', (e) => e.type === 'spawn' && e.kind === 'respawn' && e.seq > exit.seq);
    await waitFor('the respawned worker to serve', async () => {
      const r = await s.get('/echo').catch(() => null);
      return r?.status === 200 && r.json().pid !== before;
    });
    assert.match(s.log(), /the app threw outside its request handlers; answered 500 to 1 requests in flight/);
    await s.stop();
  });
});

describe('apps that cannot load, and configurations that cannot serve', () => {
  after(stopAll);
  const dir = tempDir('tidepool-apps-');
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  test('an app that throws while loading: the master names the file, the line and the error, and stops (exit 1)', async () => {
    const file = write('broken.mjs', "export const app = (req, res) => res.end('x');\n\nthrow new TypeError('no database');\n");
    const { code, log } = await startAndExit(['--workers', '2', '--cheaper', '0', '--file', file]);
    assert.equal(code, 1);
    const where = file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.match(log, new RegExp(`cannot serve the app: ${where} threw while loading \\(broken\\.mjs:3:7\\): TypeError: no database`));
    assert.match(log, /no worker has ever loaded the app: stopping\. Fix the app, or the `file`, `module` and `callable` options/);
    assert.match(log, /at .*broken\.mjs:3/, "the worker's log has the whole trace");
  });

  test('an export that is no app, and a missing export, say what was expected and what came', async () => {
    const number = await startAndExit(['--workers', '1', '--cheaper', '0', '--file', write('number.mjs', 'export const app = 42;\n')]);
    assert.equal(number.code, 1);
    assert.match(number.log, /`app` of .*number\.mjs is a number; expected an express app, a \(req, res\) function, or an object with a predict\(inputs\)/);
    const named = write('named.cjs', 'exports.server = () => {};\nexports.other = 1;\n');
    const missing = await startAndExit(['--workers', '1', '--cheaper', '0', '--callable', 'api', '--file', named]);
    assert.match(missing.log, /named\.cjs has no export `api` \(its exports: .*server.*\); set `callable` to the one to serve/);
    const server = write('server.mjs', "import http from 'node:http';\nexport const app = http.createServer();\n");
    const listening = await startAndExit(['--workers', '1', '--cheaper', '0', '--file', server]);
    assert.match(listening.log, /is a server: export the request handler you would pass to http.createServer\(\) instead/);
  });

  test('TypeScript, a missing file, both file and module, an unknown module: exit 2 naming the option', async () => {
    const ts = await startAndExit(['--file', write('app.ts', 'export const app = 1;\n')]);
    assert.equal(ts.code, 2);
    assert.match(ts.log, /`file`.*TypeScript file .*app\.ts: compile it first \(tsc\).*Node 20 cannot import TypeScript/);
    const missing = await startAndExit(['--file', path.join(dir, 'nowhere.js')]);
    assert.equal(missing.code, 2);
    assert.match(missing.log, /Expected `file` to name an app file, got `.*nowhere\.js`: there is no file/);
    const both = await startAndExit(['--file', 'a.js', '--module', 'b']);
    assert.equal(both.code, 2);
    assert.match(both.log, /Expected one of `file` and `module`, got both/);
    const unknown = await startAndExit(['--chdir', dir, '--module', 'absent']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.log, /Expected `module = absent` to name a JS module in .*, found none: tried absent\.js, absent\.mjs, absent\.cjs/);
  });

  test("the tutorial's `module = wsgi:app`: a wsgi.js beside it is served; a wsgi.py means the built-in /predict, with a warning", async () => {
    const withJs = tempDir('tidepool-wsgi-js-');
    fs.writeFileSync(path.join(withJs, 'wsgi.js'), "export const app = (req, res) => res.end('from wsgi.js');\n");
    fs.writeFileSync(path.join(withJs, 'package.json'), '{"type": "module"}\n');
    fs.writeFileSync(path.join(withJs, 'uwsgi.ini'), '[uwsgi]\nmodule = wsgi:app\nworkers = 1\ncheaper = 0\n');
    const js = await startServer({ cwd: withJs, args: ['--ini', 'uwsgi.ini'] });
    assert.equal((await js.get('/anything')).body, 'from wsgi.js');
    await js.stop();

    const withPy = tempDir('tidepool-wsgi-py-');
    fs.writeFileSync(path.join(withPy, 'wsgi.py'), 'from app import app\n');
    const py = await startServer({ cwd: withPy, args: ['--workers', '1', '--cheaper', '0', '--module', 'wsgi'] });
    assert.match(py.log(), /WARN: `module = wsgi` is the Python module .*wsgi\.py, and there is no JS module wsgi .*serving tidepool's built-in \/predict/);
    const r = await py.get('/predict?text=gold');
    assert.equal(r.status, 200);
    assert.match(r.json().prediction, /^\d+$/);
    await py.stop();
  });
});

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { uwsgiRequest } from '../helpers/http.js';
import { poolEvents } from '../helpers/pool.js';
import { REPO, startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';

describe("the classic tutorial's uwsgi.ini", () => {
  after(stopAll);

  test('starts tidepool: 5 of 50 workers, the uwsgi socket, the built-in /predict for the Python `module` (with a warning)', async () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(REPO, 'test', 'fixtures', 'uwsgi.ini'), path.join(dir, 'uwsgi.ini'));
    const http = path.join(dir, 'http.sock');
    const s = await startServer({ noDefaults: true, cwd: dir, args: ['--ini', 'uwsgi.ini', '--http', http, '--disable-logging'], readyPath: http, readyTimeoutMs: 60000 });
    assert.match(s.log(), /WARN: `module = wsgi:app` is uWSGI's module:callable form for a Python app, .*serving tidepool's built-in \/predict/);
    const sock = path.join(dir, 'tutorial.sock');
    assert.equal(fs.statSync(sock).mode & 0o777, 0o666, 'chmod-socket = 666 applied');
    const r = await uwsgiRequest(sock, 'GET', '/predict?text=' + encodeURIComponent('this is a news sample text about sports, and football in specific'));
    assert.equal(r.status, 200);
    assert.match(JSON.parse(r.body).prediction, /^\d+$/);
    // spawn-concurrency lets them load a few at a time: wait for all five.
    const stats = path.join(dir, 'stats.sock');
    assert.ok(fs.existsSync(stats), 'stats socket from the ini');
    const events = poolEvents(stats);
    const initial = async (): Promise<number> => (await events.refresh()).filter((e) => e.type === 'spawn' && e.kind === 'initial').length;
    await waitFor('five initial spawns', async () => (await initial()) === 5, 30000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await initial(), 5, 'cheaper-initial = 5 of workers = 50');
    await s.stop();
  });

  test('an invalid value stops the start: names the option, exit code 2', async () => {
    const s = await startServer({ args: ['--workers', 'many'], noWait: true });
    const code = await new Promise<number | null>((resolve) => s.child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(s.log(), /`workers`/);
    assert.match(s.log(), /many/);
  });
});

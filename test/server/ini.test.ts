import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uwsgiRequest } from '../helpers/http.js';
import { poolEvents } from '../helpers/pool.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { TUTORIAL_QUERY, writeTutorialIni } from '../helpers/tutorial.js';

describe("the classic tutorial's uwsgi.ini, as printed", () => {
  after(stopAll);

  test('starts tidepool from it alone: placeholders silent, the Flask app served by the built-in /predict, 5 of 50 workers, its sockets, chdir and env', async () => {
    const dir = tempDir();
    // The tutorial's reader points my_app_folder at the app and my_user at themselves.
    const ini = writeTutorialIni(dir, { appFolder: dir, user: os.userInfo().username });
    const sock = path.join(dir, 'production_ml.sock');
    const s = await startServer({ noDefaults: true, cwd: tempDir(), args: ['--ini', ini], noWait: true });
    const events = poolEvents(path.join(dir, 'stats.production_ml.sock'));
    const seen = async (type: string): Promise<number> => (await events.refresh()).filter((e) => e.type === type).length;
    await waitFor('five workers ready', async () => s.child.exitCode !== null || (await seen('ready').catch(() => 0)) >= 5, 60000);
    assert.equal(s.child.exitCode, null, s.log());
    assert.doesNotMatch(s.log(), /my_app_folder|my_user/, 'the placeholders %(...) uses are no typos');
    assert.match(s.log(), /WARN: `file = app\.py` is a Python file: .*built-in \/predict/, "the tutorial's Flask app is what the built-in /predict does");
    assert.equal(fs.statSync(sock).mode & 0o777, 0o666, 'chmod-socket = 666 applied');
    assert.ok(fs.statSync(path.join(dir, 'stats.production_ml.sock')).isSocket(), 'the stats socket from the ini');
    assert.equal(fs.readlinkSync(`/proc/${s.pid}/cwd`), dir, 'chdir = %(my_app_folder)');

    const r = await uwsgiRequest(sock, 'GET', TUTORIAL_QUERY);
    assert.equal(r.status, 200, r.body);
    assert.match(JSON.parse(r.body).prediction, /^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const workers = (await events.refresh()).filter((e) => e.type === 'spawn' && e.kind === 'initial').map((e) => e.pid!);
    assert.equal(workers.length, 5, 'cheaper-initial = 5 of workers = 50');
    const environ = fs.readFileSync(`/proc/${workers[0]}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('KERAS_BACKEND=theano'), 'env lines reach the workers');
    assert.ok(environ.includes(`PYTHONPATH=${dir}:$PYTHONPATH`), 'as uWSGI reads it: %(...) expanded, $VAR kept');

    assert.equal(await s.stop(), 0);
    assert.ok(!fs.existsSync(sock) && !fs.existsSync(path.join(dir, 'stats.production_ml.sock')), 'vacuum = true removed both sockets');
  });

  test('an invalid value stops the start: names the option, exit code 2', async () => {
    const s = await startServer({ args: ['--workers', 'many'], noWait: true });
    const code = await new Promise<number | null>((resolve) => s.child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(s.log(), /`workers`/);
    assert.match(s.log(), /many/);
  });
});

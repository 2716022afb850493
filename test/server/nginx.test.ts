import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { startSandboxNginx } from '../../deploy/sandbox/runNginx.js';
import { request, uwsgiRequest } from '../helpers/http.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';
import { TUTORIAL_QUERY, tutorialSite, writeTutorialIni } from '../helpers/tutorial.js';

describe("the classic tutorial's nginx site (uwsgi_pass) in front of its uwsgi.ini", () => {
  after(stopAll);

  test("both files as printed, placeholders and paths set: test_parallel_requests.sh's 11 GETs, a POST and a bad request", async () => {
    const dir = tempDir();
    const ini = writeTutorialIni(dir, { appFolder: dir, user: os.userInfo().username });
    const s = await startServer({ noDefaults: true, args: ['--ini', ini], noWait: true });
    await waitFor('five workers ready', () => [...s.log().matchAll(/ready: worker \d+ /g)].length >= 5 || s.child.exitCode !== null, 60000);
    assert.equal(s.child.exitCode, null, s.log());
    // Only the listen line changes (to a UNIX socket, so the test opens no TCP port).
    const nginx = await startSandboxNginx(tempDir('tidepool-nginx-'), tutorialSite(dir));
    try {
      const direct = JSON.parse((await uwsgiRequest(path.join(dir, 'production_ml.sock'), 'GET', TUTORIAL_QUERY)).body);
      const parallel = await Promise.all(Array.from({ length: 11 }, () => request({ socketPath: nginx.socket }, TUTORIAL_QUERY)));
      assert.deepEqual(
        parallel.map((r) => r.status),
        Array(11).fill(200),
        parallel.map((r) => r.body).join('\n'),
      );
      for (const r of parallel) assert.equal(r.json().prediction, direct.prediction);
      const body = JSON.stringify({ texts: ['gold', 'oil'] });
      const post = await request({ socketPath: nginx.socket }, '/predict', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(post.status, 200, post.body);
      assert.equal(post.json().predictions.length, 2);
      const bad = await request({ socketPath: nginx.socket }, '/predict');
      assert.equal(bad.status, 400);
    } finally {
      await nginx.stop();
    }
    assert.equal(await s.stop(), 0);
  });
});

/**
 * Debian's nginx with the generated sites in front of a real tidepool: one nginx per proxy mode
 * (proxy_pass and uwsgi_pass), both on the same server. Only the sites' listen lines and
 * /run/tidepool are changed (nginx listens on a UNIX socket, tidepool's sockets live in a temp
 * directory); everything else is the file `tidepool deploy` writes.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseAccessLog } from '../../deploy/sandbox/sandboxConf.js';
import { startSandboxNginx, type RunningNginx } from '../../deploy/sandbox/runNginx.js';
import { RUNTIME_DIR } from '../../deploy/plan.js';
import { request } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { poolEvents } from '../helpers/pool.js';
import { CLI, startServer, stopAll, type RunningServer } from '../helpers/server.js';
import { generate, PRODUCTION_INI, scratchDir } from './generated.js';
import { runProgram } from './runProgram.js';

/** The production ini, plus what this test needs: a fixed pool of 3 that only the FIFO changes. */
const INI = `${PRODUCTION_INI}workers = 3
cheaper-algo = manual
cheaper = 1
cheaper-initial = 3
disable-logging = true
`;
const TEXT = 'oil prices rise as opec cuts output';

async function ctl(fifo: string, command: string): Promise<void> {
  const r = await runProgram(process.execPath, [CLI, 'ctl', '--fifo', fifo, command]);
  assert.equal(r.code, 0, `tidepool ctl ${command}: ${r.stderr}`);
}

describe('the generated nginx sites in front of tidepool', () => {
  const dir = scratchDir('tidepool-deploy-nginx-');
  let server: RunningServer;
  let viaHttp: RunningNginx;
  let viaUwsgi: RunningNginx;
  const sites = {
    http: generate(scratchDir('tidepool-deploy-gen-'), INI, { proxy: 'http' }),
    uwsgi: generate(scratchDir('tidepool-deploy-gen-'), INI, { proxy: 'uwsgi' }),
  };
  const nginxKeepaliveS = sites.http.plan.upstream.keepaliveTimeoutS;

  before(async () => {
    const ini = path.join(dir, 'server.ini');
    fs.writeFileSync(ini, INI.split(RUNTIME_DIR).join(dir));
    server = await startServer({ args: ['--ini', ini], noDefaults: true, readyPath: path.join(dir, 'http.sock') });
    await poolEvents(path.join(dir, 'stats.sock')).waitFor('worker 3 ready', (e) => e.type === 'ready' && e.worker === 3);
    for (const d of Object.values(sites)) assert.deepEqual(d.plan.iniAdditions, [], 'the test ini is complete');
    viaHttp = await startSandboxNginx(scratchDir('tidepool-deploy-nginx-http-'), sites.http.texts.site, { [RUNTIME_DIR]: dir });
    viaUwsgi = await startSandboxNginx(scratchDir('tidepool-deploy-nginx-uwsgi-'), sites.uwsgi.texts.site, { [RUNTIME_DIR]: dir });
  });

  after(async () => {
    await viaHttp?.stop();
    await viaUwsgi?.stop();
    await stopAll();
  });

  test('GET and POST /predict work through both, with the answer tidepool gives directly', async () => {
    const direct = (await request({ socketPath: path.join(dir, 'http.sock') }, `/predict?text=${encodeURIComponent(TEXT)}`)).json();
    for (const nginx of [viaHttp, viaUwsgi]) {
      const get = await request({ socketPath: nginx.socket }, `/predict?text=${encodeURIComponent(TEXT)}`);
      assert.equal(get.status, 200, get.body);
      assert.deepEqual(get.json(), direct);
      const post = await request({ socketPath: nginx.socket }, '/predict', {
        method: 'POST',
        body: JSON.stringify({ texts: [TEXT, 'wheat'] }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(post.status, 200, post.body);
      assert.deepEqual(post.json().predictions[0], direct);
    }
  });

  test('/metrics, /healthz, /readyz are 404 through nginx, in any spelling, while tidepool itself serves them', async () => {
    assert.equal((await request({ socketPath: path.join(dir, 'http.sock') }, '/metrics')).status, 200);
    for (const nginx of [viaHttp, viaUwsgi]) {
      for (const p of ['/metrics', '/metrics?x=1', '//metrics', '/%6detrics', '/./metrics', '/healthz', '/readyz', '/', '/predict/../metrics']) {
        const r = await request({ socketPath: nginx.socket }, p);
        assert.equal(r.status, 404, `${p} via ${nginx.socket}: ${r.status} ${r.body}`);
        assert.match(r.body, /"error":"Not found: this server answers GET \/predict/);
        assert.doesNotMatch(r.body, /tidepool_|"pid"/);
      }
    }
  });

  test('a GET text just under max-body-size passes proxy_pass; a body over it is refused by nginx itself with 413', async () => {
    const long = await request({ socketPath: viaHttp.socket }, `/predict?text=${'a'.repeat(99 * 1024)}`);
    assert.equal(long.status, 200, long.body.slice(0, 200));
    const body = JSON.stringify({ texts: ['x'.repeat(101 * 1024)] });
    for (const nginx of [viaHttp, viaUwsgi]) {
      const r = await request({ socketPath: nginx.socket }, '/predict', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 413);
      assert.match(r.body, /nginx/);
    }
  });

  test(`tidepool keeps an idle connection open longer than nginx's keepalive_timeout (${nginxKeepaliveS} s)`, async () => {
    const sock = net.connect(path.join(dir, 'http.sock'));
    let closedAt = 0;
    let answered = 0;
    sock.on('data', () => (answered = answered || Date.now()));
    sock.on('close', () => (closedAt = Date.now()));
    sock.write(`GET /predict?text=gold HTTP/1.1\r\nHost: t\r\n\r\n`);
    while (answered === 0 && closedAt === 0) await sleep(20);
    await sleep(nginxKeepaliveS * 1000 + 500);
    const openFor = (closedAt || Date.now()) - answered;
    sock.destroy();
    assert.equal(closedAt, 0, `tidepool closed the idle connection after ${openFor} ms; nginx keeps it ${nginxKeepaliveS} s`);
  });

  test('a scale-down and a chain reload under load: no 5xx, no failed request, through both', async (t) => {
    const fifo = path.join(dir, 'master.fifo');
    const send = async (i: number): Promise<number> => {
      const nginx = i % 2 === 0 ? viaHttp : viaUwsgi;
      const r =
        i % 4 < 2
          ? await request({ socketPath: nginx.socket }, `/predict?text=${encodeURIComponent(`${TEXT} ${i}`)}`)
          : await request({ socketPath: nginx.socket }, '/predict', {
              method: 'POST',
              body: JSON.stringify({ texts: [`${TEXT} ${i}`] }),
              headers: { 'content-type': 'application/json' },
            });
      return r.status;
    };
    const load = runLoad(send, 6, 45000);
    await sleep(1500);
    const events = poolEvents(path.join(dir, 'stats.sock'));
    await ctl(fifo, 'cheap');
    await events.waitFor('a cheaped slot', (e) => e.type === 'cheap-done', 10000);
    await sleep(1000);
    await ctl(fifo, 'chain-reload');
    await events.waitFor('the chain reload to complete', (e) => e.type === 'reload' && e.kind === 'chain-done', 30000);
    await sleep(1000);
    const result = await load.stop();

    const lines = [...parseAccessLog(viaHttp.accessLog()), ...parseAccessLog(viaUwsgi.accessLog())].filter((l) => l.upstreamStatuses.length > 0);
    const retried = lines.filter((l) => l.upstreamStatuses.length > 1);
    const fivexx = lines.filter((l) => l.status >= 500);
    t.diagnostic(
      `${result.ok} requests ok, ${result.failed.length} failed; nginx: ${lines.length} passed on, ${retried.length} retried (${retried.map((l) => `${l.method} ${l.upstreamStatuses.join(',')}`).join('; ') || 'none'}), ${fivexx.length} 5xx`,
    );
    assert.deepEqual(result.failed, []);
    assert.deepEqual(fivexx, []);
    assert.ok(result.ok > 100, `only ${result.ok} requests went through`);
    assert.equal(server.workerPids().length, 2, 'the cheaped worker stays cheap through the reload');
  });
});

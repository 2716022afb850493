/**
 * Several machines behind one nginx, played by three tidepool servers on 127.0.0.2-4 (all of
 * 127/8 is loopback on Linux): the site `tidepool deploy --backend ...` writes balances them,
 * one is SIGKILLed (master and workers, by pid) under load, nginx routes around it, and
 * `tidepool top --once` shows it down.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { parseAccessLog } from '../../deploy/sandbox/sandboxConf.js';
import { startSandboxNginx, type RunningNginx } from '../../deploy/sandbox/runNginx.js';
import { request } from '../helpers/http.js';
import { runLoad, sleep } from '../helpers/load.js';
import { poolEvents } from '../helpers/pool.js';
import { CLI, pidAlive, startServer, stopAll, waitFor, type RunningServer } from '../helpers/server.js';
import { generate, scratchDir } from './generated.js';
import { runProgram } from './runProgram.js';

const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const TEXT = 'oil prices rise as opec cuts output';

/** The stats listener shares no port-0 spelling with the http one, so take a port the kernel just freed. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Machine {
  host: string;
  server: RunningServer;
  port: number;
  stats: string;
}

async function startMachine(host: string): Promise<Machine> {
  const statsPort = await freePort(host);
  const server = await startServer({
    args: ['--http', `${host}:0`, '--stats', `${host}:${statsPort}`, '--workers', '1', '--cheaper', '0', '--disable-logging'],
    noDefaults: true,
    noWait: true,
  });
  const port = Number((await server.waitForLog(new RegExp(`listening on ${host.replace(/\./g, '\\.')}:(\\d+) \\(HTTP\\)`)))[1]);
  await poolEvents(`${host}:${statsPort}`).waitFor('worker 1 ready', (e) => e.type === 'ready' && e.worker === 1, 30000);
  await waitFor(`${host}:${port} ready`, async () => (await request({ host, port }, '/readyz').catch(() => null))?.status === 200);
  return { host, server, port, stats: `${host}:${statsPort}` };
}

async function top(addresses: string[]): Promise<{ code: number; output: string }> {
  const r = await runProgram(process.execPath, [CLI, 'top', '--once', ...addresses]);
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}

let nginx: RunningNginx | undefined;
after(async () => {
  await nginx?.stop();
  await stopAll();
});

test('nginx balances three machines, routes around a SIGKILLed one without a failed request, and top shows it down', async (t) => {
  const machines = await Promise.all(HOSTS.map(startMachine));
  const { texts, plan } = generate(scratchDir('tidepool-deploy-gen-'), '[uwsgi]\nworkers = 1\nharakiri = 20\n', {
    backends: machines.map((m) => ({ host: m.host, port: m.port })),
  });
  assert.equal(plan.upstream.balance, 'least_conn');
  nginx = await startSandboxNginx(scratchDir('tidepool-deploy-nginx-'), texts.site);
  const n = nginx;

  const send = async (i: number): Promise<number> => {
    const r =
      i % 2 === 0
        ? await request({ socketPath: n.socket }, `/predict?text=${encodeURIComponent(`${TEXT} ${i}`)}`)
        : await request({ socketPath: n.socket }, '/predict', {
            method: 'POST',
            body: JSON.stringify({ texts: [`${TEXT} ${i}`] }),
            headers: { 'content-type': 'application/json' },
          });
    return r.status;
  };
  const load = runLoad(send, 6, 40000);
  await sleep(2000);
  const victim = machines[1]!;
  const pids = [victim.server.pid, ...victim.server.workerPids()];
  const killedAt = Date.now();
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await waitFor('the killed processes to be gone', () => pids.every((p) => !pidAlive(p)), 5000);
  await sleep(4000);
  const result = await load.stop();

  const victimAddr = `${victim.host}:${victim.port}`;
  const lines = parseAccessLog(n.accessLog()).filter((l) => l.upstreamAddrs.length > 0);
  const before = lines.filter((l) => l.atMs < killedAt);
  const afterKill = lines.filter((l) => l.atMs >= killedAt);
  const retried = afterKill.filter((l) => l.upstreamAddrs.length > 1);
  const triesOnVictim = afterKill.filter((l) => l.upstreamAddrs.includes(victimAddr));
  const lastTry = Math.max(0, ...triesOnVictim.map((l) => l.atMs));
  t.diagnostic(
    `before the kill: ${before.length} requests (${machines.map((m) => `${m.host} ${before.filter((l) => l.upstreamAddrs.includes(`${m.host}:${m.port}`)).length}`).join(', ')}); ` +
      `after: ${afterKill.length} requests, ${retried.length} retried (${retried.map((l) => `${l.method} ${l.upstreamStatuses.join(',')}`).join('; ') || 'none'}), ` +
      `${triesOnVictim.length} tried the dead machine, the last ${lastTry === 0 ? '-' : `${lastTry - killedAt} ms`} after the kill; client: ${result.ok} ok, ${result.failed.length} failed`,
  );

  assert.deepEqual(result.failed, [], 'no request failed, not even during detection');
  assert.deepEqual(
    lines.filter((l) => l.status >= 500),
    [],
  );
  for (const m of machines)
    assert.ok(
      before.some((l) => l.upstreamAddrs.includes(`${m.host}:${m.port}`)),
      `${m.host} got no request before the kill`,
    );
  // A try on the dead machine either was answered before the kill took effect (logged just
  // after killedAt, which is read before the signals are sent) or was retried elsewhere.
  for (const l of triesOnVictim) {
    assert.equal(l.status, 200);
    if (l.upstreamAddrs.at(-1) === victimAddr) assert.ok(l.atMs < killedAt + 500, `answered by the dead machine ${l.atMs - killedAt} ms after the kill`);
  }
  // Detected: after max_fails failures the dead machine gets no more tries (fail_timeout 10 s > this test).
  assert.ok(triesOnVictim.length <= 3 + 6, `${triesOnVictim.length} tries on the dead machine: max_fails 3, plus at most one in flight per client`);
  const late = afterKill.filter((l) => l.atMs > killedAt + 2000);
  assert.ok(late.length > 50, `only ${late.length} requests in the last seconds`);
  assert.ok(
    late.every((l) => !l.upstreamAddrs.includes(victimAddr)),
    'still trying the dead machine 2 s after the kill',
  );

  const report = await top(machines.map((m) => m.stats));
  t.diagnostic(report.output.split('\n').slice(0, 4).join(' | '));
  assert.equal(report.code, 1, report.output);
  assert.match(report.output, /3 servers, 2 up, 1 DOWN/);
  assert.match(report.output, new RegExp(`^${victim.stats.replace(/\./g, '\\.')}: DOWN - connection refused`, 'm'));
  for (const m of machines.filter((x) => x !== victim)) {
    assert.match(report.output, new RegExp(`^${m.stats.replace(/\./g, '\\.')}: tidepool .* 1/1 running`, 'm'));
  }
});

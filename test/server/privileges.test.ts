/**
 * uid, gid and chown-socket for real: tidepool started as root drops to a throw-away system user
 * (read back from /proc/PID/status), hands its sockets over, and nginx workers running as a
 * third user reach a 660 socket through a group they share with it. Needs root (useradd, setuid).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSandboxNginx, type RunningNginx } from '../../deploy/sandbox/runNginx.js';
import { request, uwsgiRequest } from '../helpers/http.js';
import { CLI, startServer, stopAll, tempDir, waitFor, type RunningServer } from '../helpers/server.js';
import { poolEvents, type PoolEventLog } from '../helpers/pool.js';
import { runProgram } from '../deploy/runProgram.js';
import { createSystemGroup, createSystemUser, isRoot, removeAll, type SystemUser } from '../helpers/systemUsers.js';
import { TUTORIAL_QUERY, writeTutorialIni } from '../helpers/tutorial.js';
import { unreachableByOutsider } from '../helpers/reachable.js';
import { REPO_ROOT } from '../../core/paths.js';

// The users dropped to must reach the compiled code and its packages, or the workers cannot start
// and every test here would time out without saying why.
const skip = !isRoot ? 'needs root: it creates users and drops privileges' : (unreachableByOutsider([CLI, path.join(REPO_ROOT, 'node_modules')]) ?? false);

/** Real, effective, saved and filesystem ids, as the kernel reports them. */
function ids(pid: number): { uid: number[]; gid: number[]; groups: number[] } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = (name: string) => (new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid: line('Uid'), gid: line('Gid'), groups: line('Groups') };
}

/** `groups`: the supplementary groups, by default the user's own as initgroups(3) sets them. */
function assertRunsAs(pid: number, u: SystemUser, what: string, groups = [u.gid]): void {
  const got = ids(pid);
  assert.deepEqual(got.uid, [u.uid, u.uid, u.uid, u.uid], `${what} (pid ${pid}) Uid`);
  assert.deepEqual(got.gid, [u.gid, u.gid, u.gid, u.gid], `${what} (pid ${pid}) Gid`);
  assert.deepEqual(got.groups, groups, `${what} (pid ${pid}) supplementary groups`);
}

/** A directory the given user owns: the master changes to it, binds there, and removes its files at exit. */
function dirOwnedBy(u: SystemUser, mode: number): string {
  const dir = tempDir();
  fs.chownSync(dir, u.uid, u.gid);
  fs.chmodSync(dir, mode);
  return dir;
}

/** The pids of the workers that got ready, as the master tells it (a stats socket not bound yet reads as none). */
async function readyWorkers(events: PoolEventLog): Promise<number[]> {
  const seen = await events.refresh().catch(() => events.seen);
  return seen.filter((e) => e.type === 'ready').map((e) => e.pid!);
}

describe('privileges: uid, gid and chown-socket', { skip }, () => {
  after(async () => {
    await stopAll();
    removeAll();
  });

  test("the tutorial's ini started by root: master and every worker, respawns included, run as my_user", async () => {
    const user = createSystemUser('tidepool-test');
    const dir = dirOwnedBy(user, 0o700);
    const ini = writeTutorialIni(dir, { appFolder: dir, user: user.name });
    const fifo = path.join(dir, 'master.fifo');
    const pidfile = path.join(dir, 'master.pid');
    const s = await startServer({ noDefaults: true, args: ['--ini', ini, '--master-fifo', fifo, '--pidfile', pidfile], noWait: true });
    const events = poolEvents(path.join(dir, 'stats.production_ml.sock'));
    await waitFor('five workers ready', async () => (await readyWorkers(events)).length >= 5 || s.child.exitCode !== null, 60000);
    assert.equal(s.child.exitCode, null, s.log());
    assert.match(s.log(), new RegExp(`running as ${user.name} \\(uid ${user.uid}\\), group ${user.name} \\(gid ${user.gid}\\)`));
    assert.doesNotMatch(s.log(), /ROOT|vacuum/, 'no root warning, and vacuum can remove everything');

    assertRunsAs(s.pid, user, 'the master');
    for (const pid of await readyWorkers(events)) assertRunsAs(pid, user, 'a worker');
    for (const name of ['production_ml.sock', 'stats.production_ml.sock', 'master.fifo', 'master.pid']) {
      const st = fs.statSync(path.join(dir, name));
      assert.deepEqual([st.uid, st.gid], [user.uid, user.gid], `${name} belongs to the user dropped to`);
    }
    // The FIFO (mode 600) takes commands from that user.
    const ctl = await runProgram(process.execPath, [CLI, 'ctl', '--fifo', fifo, 'stats'], { uid: user.uid, gid: user.gid });
    assert.equal(ctl.code, 0, ctl.stderr);
    await s.waitForLog(/master FIFO: s \(stats\)/);
    assert.equal(fs.statSync(path.join(dir, 'production_ml.sock')).mode & 0o777, 0o666, 'chmod-socket = 666');
    assert.equal((await uwsgiRequest(path.join(dir, 'production_ml.sock'), 'GET', TUTORIAL_QUERY)).status, 200);

    // A worker forked after the drop replaces a dead one under the same identity.
    const victim = (await readyWorkers(events))[0]!;
    process.kill(victim, 'SIGKILL');
    const respawned = await events.waitFor('the respawn', (e) => e.type === 'spawn' && e.kind === 'respawn');
    assertRunsAs(respawned.pid!, user, 'a respawned worker');

    assert.equal(await s.stop(), 0);
    assert.deepEqual(fs.readdirSync(dir), ['uwsgi.ini'], 'as the dropped user: vacuum removed both sockets and the FIFO, the pidfile is gone');
  });

  test('nginx workers running as another user reach a 660 socket through a shared group; a user outside it gets 502', async () => {
    const web = createSystemGroup('tidepool-web');
    const service = createSystemUser('tidepool-test');
    const nginxUser = createSystemUser('tidepool-nginx', [web.name]);
    const stranger = createSystemUser('tidepool-other');
    const dir = dirOwnedBy(service, 0o755);
    const sock = path.join(dir, 'app.sock');
    const ini = path.join(dir, 'app.ini');
    fs.writeFileSync(
      ini,
      `[uwsgi]\nsocket = ${sock}\nchmod-socket = 660\nchown-socket = ${service.name}:${web.name}\nuid = ${service.name}\n` +
        `stats = ${dir}/stats.sock\nworkers = 1\ncheaper = 0\ndisable-logging = true\n`,
    );
    const s = await startServer({ noDefaults: true, args: ['--ini', ini], noWait: true });
    const events = poolEvents(path.join(dir, 'stats.sock'));
    await waitFor('the worker ready', async () => (await readyWorkers(events)).length >= 1 || s.child.exitCode !== null, 30000);
    assert.equal(s.child.exitCode, null, s.log());
    const st = fs.statSync(sock);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [service.uid, web.gid, 0o660], 'chown-socket user:group, chmod-socket 660');
    const stats = fs.statSync(path.join(dir, 'stats.sock'));
    assert.deepEqual([stats.uid, stats.gid], [service.uid, service.gid], 'the stats socket stays with the master');

    const site = `server {\n  listen 80;\n  location / {\n    include uwsgi_params;\n    uwsgi_pass unix:${sock};\n  }\n}\n`;
    const nginxes: RunningNginx[] = [];
    try {
      const member = await startSandboxNginx(tempDir('tidepool-nginx-'), site, {}, { user: nginxUser.name });
      nginxes.push(member);
      const outsider = await startSandboxNginx(tempDir('tidepool-nginx-'), site, {}, { user: stranger.name });
      nginxes.push(outsider);
      const children = await waitFor('an nginx worker', () => fs.readFileSync(`/proc/${member.pid}/task/${member.pid}/children`, 'utf8').trim());
      const worker = Number(children.split(/\s+/)[0]);
      assert.ok(
        ids(worker).uid.every((id) => id === nginxUser.uid),
        'nginx serves as its own user',
      );
      assert.ok(ids(worker).groups.includes(web.gid), 'with the shared group among its groups');
      const ok = await request({ socketPath: member.socket }, TUTORIAL_QUERY);
      assert.equal(ok.status, 200, ok.body);
      const denied = await request({ socketPath: outsider.socket }, TUTORIAL_QUERY);
      assert.equal(denied.status, 502);
      assert.match(outsider.errorLog(), /connect\(\) to unix:.*app\.sock failed \(13: Permission denied\)/);
    } finally {
      for (const n of nginxes) await n.stop();
    }
    assert.equal(await s.stop(), 0);
  });

  test("binds with root's rights before the drop (a socket where only root may write), and says what vacuum cannot remove", async () => {
    const user = createSystemUser('tidepool-test');
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const sock = path.join(dir, 'http.sock');
    const args = ['--uid', user.name, '--http', sock, '--stats', 'off', '--workers', '1', '--cheaper', '0'];
    const s = await startServer({ noDefaults: true, args, readyPath: sock });
    assertRunsAs(s.pid, user, 'the master');
    assert.equal((await s.get(TUTORIAL_QUERY)).status, 200, 'served after the drop on a socket the user could not have created');
    const why = 'its directory \\(owner uid 0, gid 0, mode 755\\) is not writable';
    assert.match(s.log(), new RegExp(`WARN: vacuum: ${sock} cannot be removed at exit by uid ${user.uid}: ${why}`));
    assert.equal(await s.stop(), 0);
    assert.match(s.log(), new RegExp(`WARN: vacuum: left ${sock} behind: its directory .* is not writable by uid ${user.uid}`));
    assert.ok(fs.existsSync(sock));
  });

  test('started as the user uid names (as a systemd unit with User= starts it): nothing to switch, no warning', async () => {
    const user = createSystemUser('tidepool-test');
    const dir = dirOwnedBy(user, 0o700);
    const sock = path.join(dir, 'http.sock');
    const s = await startServer({
      noDefaults: true,
      cwd: dir,
      uid: user.uid,
      gid: user.gid,
      args: ['--uid', user.name, '--gid', String(user.gid), '--http', sock, '--stats', path.join(dir, 'stats.sock'), '--workers', '1', '--cheaper', '0'],
      readyPath: sock,
    });
    // node's spawn, unlike systemd, clears the supplementary groups; tidepool leaves them as they are.
    assertRunsAs(s.pid, user, 'the master', []);
    assert.doesNotMatch(s.log(), /WARN|running as/);
    assert.equal((await s.get(TUTORIAL_QUERY)).status, 200);
    assert.equal(await s.stop(), 0);
  });

  test('uid naming someone else without root, an unknown user, root without uid: exit 2 before listening, or a loud warning', async () => {
    const user = createSystemUser('tidepool-test');
    const dir = dirOwnedBy(user, 0o700);
    const exit = (s: RunningServer) =>
      new Promise<number | null>((resolve) => (s.child.exitCode !== null ? resolve(s.child.exitCode) : s.child.once('exit', resolve)));
    const listen = ['--http', path.join(dir, 'http.sock'), '--stats', path.join(dir, 'stats.sock')];

    const other = await startServer({ noDefaults: true, cwd: dir, uid: user.uid, gid: user.gid, args: ['--uid', 'nobody', ...listen], noWait: true });
    assert.equal(await exit(other), 2);
    assert.match(other.log(), /^tidepool: `uid = nobody` asks to run as nobody \(uid 65534\), but tidepool was started as tidepool-test-\w+ \(uid \d+\)/m);
    assert.match(other.log(), /only root may switch users/);

    const unknown = await startServer({ noDefaults: true, args: ['--uid', 'no-such-user-tidepool', ...listen], noWait: true });
    assert.equal(await exit(unknown), 2);
    assert.match(unknown.log(), /^tidepool: Expected `uid` to name a user of this machine, got `no-such-user-tidepool`/m);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was bound');

    const asRoot = await startServer({ noDefaults: true, args: [...listen, '--workers', '1', '--cheaper', '0'], readyPath: path.join(dir, 'http.sock') });
    assert.match(asRoot.log(), /WARN: running as ROOT: the master and every worker have all of root's powers; set `uid` and `gid`/);
    assert.equal(await asRoot.stop(), 0);
  });
});

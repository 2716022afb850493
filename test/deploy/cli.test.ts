/**
 * `tidepool deploy` as a user runs it: the compiled CLI in a child process, bad command lines,
 * the files it writes, and a second run after the ini lines it asked for were appended.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CLI } from '../helpers/server.js';
import { writeTutorialIni } from '../helpers/tutorial.js';
import { scratchDir } from './generated.js';
import { runProgram, type ProgramRun } from './runProgram.js';

function deploy(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<ProgramRun> {
  return runProgram(process.execPath, [CLI, 'deploy', ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
}

describe('bad command lines exit 2 and name the option', () => {
  const dir = scratchDir('tidepool-deploy-cli-');
  // Inis `tidepool serve` would refuse: deploy refuses them with the same words.
  fs.writeFileSync(path.join(dir, 'bad.ini'), '[uwsgi]\nworkers = 2\ncheaper = 2\n');
  fs.writeFileSync(path.join(dir, 'step.ini'), '[uwsgi]\nworkers = 4\ncheaper = 1\ncheaper-algo = spare\ncheaper-step = 0\n');
  fs.writeFileSync(path.join(dir, 'owner.ini'), '[uwsgi]\nuid = alice\n');
  const cases: Array<[string[], RegExp]> = [
    [[], /`--ini FILE`/],
    [['--ini', 'x.ini', '--port', '0'], /`--port` to be a port number 1-65535, got "0"/],
    [['--ini', 'x.ini', '--port', 'http'], /`--port` to be a port number 1-65535, got "http"/],
    [['--ini', 'x.ini', '--backend', 'db.internal'], /`--backend`.*HOST:PORT/],
    [['--ini', 'x.ini', '--backend', '/run/app.sock'], /`--backend` as HOST:PORT/],
    [['--ini', 'x.ini', '--backend', '0.0.0.0:8000'], /`--backend`.*wildcard/],
    [['--ini', 'x.ini', '--proxy', 'fastcgi'], /`--proxy` to be http \(proxy_pass\) or uwsgi \(uwsgi_pass\), got "fastcgi"/],
    [['--ini', 'x.ini', '--user', 'Root'], /`--user` to be a system account name/],
    [['--ini', 'x.ini', '--server-name', 'a.com; evil'], /`--server-name`/],
    [['--ini', 'x.ini', '--frob'], /--frob/],
    [['--ini', 'missing.ini'], /--ini "missing.ini".*Cannot read the ini file.*no such file/],
    [['--ini=bad.ini'], /--ini "bad.ini".*`cheaper` \(the minimum number of running workers\) to be less than `workers`/],
    [['--ini', 'step.ini'], /--ini "step.ini".*`cheaper-step = 0`.*only applies to cheaper-algo backlog/],
    [['--ini', 'owner.ini', '--user', 'svc'], /--ini "owner.ini".*`--user svc` and the ini's `uid = alice` name different accounts/],
  ];
  for (const [args, message] of cases) {
    test(args.join(' ') || '(nothing)', async () => {
      const r = await deploy(args, dir);
      assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^tidepool deploy: /);
      assert.match(r.stderr, message);
      assert.ok(!fs.existsSync(path.join(dir, 'deploy-out')), 'nothing written');
    });
  }

  test('--help prints the usage and exits 0', async () => {
    const r = await deploy(['--help'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: tidepool deploy --ini FILE/);
  });
});

describe("deploying the classic tutorial's ini", () => {
  const dir = scratchDir('tidepool-deploy-cli-');
  // As its reader sets it up: the app folder here, the service's own user.
  const ini = writeTutorialIni(dir, { appFolder: dir, user: 'svc' });
  const out = path.join(dir, 'deploy-out');
  const read = (name: string): string => fs.readFileSync(path.join(out, name), 'utf8');

  test('writes the site, the unit, the ini lines it needs and NEXT-STEPS, and says so', async () => {
    const r = await deploy(['--ini', 'uwsgi.ini'], dir, { TIDEPOOL_WORKERS: '3' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), ['NEXT-STEPS.txt', 'ini-additions.ini', 'tidepool.nginx', 'tidepool.service']);
    for (const name of fs.readdirSync(out)) assert.ok(r.stdout.includes(`wrote ${path.join(out, name)}`), r.stdout);
    assert.match(r.stdout, /ignored TIDEPOOL_WORKERS: the service will not have them/);
    assert.match(r.stdout, /4 line\(s\) the ini still needs: http, chmod-socket, stats, master-fifo/);
    assert.match(read('tidepool.service'), /^User=svc\nGroup=svc$/m, "the ini's uid and gid");
    assert.match(read('tidepool.service'), new RegExp(`^ExecStart=${process.execPath} ${CLI} serve --ini ${ini}$`, 'm'));
    assert.match(read('NEXT-STEPS.txt'), /sudo usermod -aG svc www-data/);
    assert.match(read('NEXT-STEPS.txt'), /svc:svc are the ini's uid and gid: skip the adduser line if they exist already/);
    // The tutorial's 50 workers, not the caller's TIDEPOOL_WORKERS=3: 2 x 50 capped at 64.
    assert.match(read('tidepool.nginx'), /^ {4}keepalive 64;$/m);
  });

  test('after appending those lines, a second run (with a --user that agrees) needs nothing more and writes the same site and unit', async () => {
    const site = read('tidepool.nginx');
    const unit = read('tidepool.service');
    fs.appendFileSync(ini, read('ini-additions.ini'));
    const r = await deploy(['--ini', 'uwsgi.ini', '--user', 'svc'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /the ini has everything the deployment needs/);
    assert.ok(!fs.existsSync(path.join(out, 'ini-additions.ini')), 'the stale additions file is gone');
    assert.equal(read('tidepool.nginx'), site);
    assert.equal(read('tidepool.service'), unit);
  });
});

/**
 * The generated files for sample configurations, read directive by directive: pure functions
 * from a plan to text, no file and no process.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../server/config/index.js';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../server/index.js';
import { renderIniAdditions, renderNextSteps } from '../../deploy/nextSteps.js';
import { nginxSize, renderNginxSite } from '../../deploy/nginxSite.js';
import { buildPlan, serviceAccount, type DeployPlan, type DeployRequest } from '../../deploy/plan.js';
import { ConfigError } from '../../server/index.js';
import { renderSystemdUnit, systemdWord } from '../../deploy/systemdUnit.js';
import { writeTutorialIni } from '../helpers/tutorial.js';
import { scratchDir } from './generated.js';

const REQUEST: DeployRequest = {
  iniArgument: '/opt/tidepool/tidepool.ini',
  iniPath: '/opt/tidepool/tidepool.ini',
  user: 'tidepool',
  group: 'tidepool',
  accountFromIni: false,
  serverName: '_',
  port: 80,
  backends: [],
  proxy: 'http',
  nodePath: '/usr/bin/node',
  cliPath: '/opt/tidepool/dist/bin/tidepool.js',
};

/** The production ini the README recommends, as flags (the same table reads both). */
const PRODUCTION = [
  '--http',
  '/run/tidepool/http.sock',
  '--chmod-socket',
  '660',
  '--stats',
  '/run/tidepool/stats.sock',
  '--master-fifo',
  '/run/tidepool/master.fifo',
  '--workers',
  '8',
  '--harakiri',
  '90',
  '--harakiri-graceful-timeout',
  '5',
  '--max-body-size',
  '1M',
  '--reload-mercy',
  '20',
];
/** The classic tutorial's uwsgi.ini, its folder set to /opt/tidepool and its user to tidepool. */
const TUTORIAL = ['--ini', writeTutorialIni(scratchDir('tidepool-plan-'), { appFolder: '/opt/tidepool', user: 'tidepool' })];

function plan(argv: string[], request: Partial<DeployRequest> = {}): DeployPlan {
  return buildPlan(loadConfig(argv, {}, '/').config, { ...REQUEST, ...request });
}
const files = { site: '/o/tidepool.nginx', unit: '/o/tidepool.service', additions: '/o/ini-additions.ini', nextSteps: '/o/NEXT-STEPS.txt' };

/** Every `directive args;` line (comments dropped), trimmed, for exact-line assertions. */
function directives(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
}

/** The body of the nginx block that starts with `header {`. */
function block(site: string, header: string): string[] {
  const lines = directives(site);
  const start = lines.indexOf(`${header} {`);
  assert.notEqual(start, -1, `no block ${header} in:\n${site}`);
  const body: string[] = [];
  for (let i = start + 1, depth = 1; i < lines.length; i++) {
    if (lines[i]!.endsWith('{')) depth++;
    if (lines[i] === '}' && --depth === 0) break;
    body.push(lines[i]!);
  }
  return body;
}

describe('a production ini on one machine (proxy_pass)', () => {
  const p = plan(PRODUCTION);
  const site = renderNginxSite(p);
  const unit = renderSystemdUnit(p);

  test('needs no ini additions and no warnings', () => {
    assert.deepEqual(p.iniAdditions, []);
    assert.deepEqual(p.warnings, []);
    assert.equal(renderIniAdditions(p), null);
  });

  test('the upstream is the UNIX socket, kept alive for less than tidepool keeps it', () => {
    assert.ok(p.upstream.keepaliveTimeoutS * 1000 < KEEP_ALIVE_TIMEOUT_MS, `nginx ${p.upstream.keepaliveTimeoutS} s, tidepool ${KEEP_ALIVE_TIMEOUT_MS} ms`);
    const timeout = `keepalive_timeout ${p.upstream.keepaliveTimeoutS}s;`;
    assert.deepEqual(block(site, 'upstream tidepool'), ['server unix:/run/tidepool/http.sock;', 'keepalive 16;', timeout]);
  });

  test('only /predict is passed on; everything else, /metrics and /healthz included, is a 404 from nginx', () => {
    const predict = block(site, 'location = /predict');
    assert.ok(predict.includes('proxy_pass http://tidepool;'));
    assert.ok(predict.includes('proxy_http_version 1.1;'));
    assert.ok(predict.includes('proxy_set_header Connection "";'));
    assert.equal(directives(site).filter((l) => /_pass /.test(l)).length, 1, 'one pass directive in the whole site');
    const rest = block(site, 'location /');
    assert.ok(
      rest.some((l) => l.startsWith('return 404 ')),
      rest.join('\n'),
    );
    assert.equal(directives(site).filter((l) => l.startsWith('location ')).length, 2);
  });

  test('limits and timeouts follow the ini: body size, harakiri (+ graceful) below the read timeout', () => {
    const server = directives(site);
    assert.ok(server.includes('listen 80;') && server.includes('listen [::]:80;'));
    assert.ok(server.includes('client_max_body_size 1m;'));
    assert.ok(server.includes('large_client_header_buffers 4 1025k;'));
    const predict = block(site, 'location = /predict');
    assert.ok(predict.includes('proxy_read_timeout 105s;'), predict.join('\n'));
    assert.ok(predict.includes('proxy_next_upstream error timeout non_idempotent;'));
    assert.ok(predict.includes('proxy_next_upstream_tries 2;'));
  });

  test('the unit runs serve --ini as the user, stops by SIGTERM to the master, waits longer than the drain', () => {
    const d = directives(unit);
    for (const line of [
      'User=tidepool',
      'Group=tidepool',
      'WorkingDirectory=/opt/tidepool',
      'ExecStart=/usr/bin/node /opt/tidepool/dist/bin/tidepool.js serve --ini /opt/tidepool/tidepool.ini',
      'ExecReload=/usr/bin/node /opt/tidepool/dist/bin/tidepool.js ctl --fifo /run/tidepool/master.fifo chain-reload',
      'Restart=on-failure',
      'KillMode=mixed',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=35',
      'RuntimeDirectory=tidepool',
      'RuntimeDirectoryMode=0750',
      'StandardOutput=journal',
      'StandardError=journal',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ProtectKernelTunables=yes',
      'ProtectKernelModules=yes',
      'ProtectControlGroups=yes',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
      'LockPersonality=yes',
      'WantedBy=multi-user.target',
    ]) {
      assert.ok(d.includes(line), `missing ${line}`);
    }
    assert.ok(!d.some((l) => l.startsWith('MemoryDenyWriteExecute')), 'V8 needs W+X memory');
    assert.match(unit, /# Not MemoryDenyWriteExecute=yes: V8/);
    assert.ok(!d.some((l) => l.startsWith('ReadWritePaths')), 'everything lives in the runtime directory');
  });

  test('NEXT-STEPS has the install commands, the group for nginx, and local checks', () => {
    const text = renderNextSteps(p, { ...files, additions: null });
    for (const s of [
      'sudo adduser --system --group --no-create-home --home /nonexistent tidepool',
      'sudo usermod -aG tidepool www-data',
      'sudo install -m 644 /o/tidepool.service /etc/systemd/system/tidepool.service',
      'sudo systemctl enable --now tidepool',
      'sudo install -m 644 /o/tidepool.nginx /etc/nginx/sites-available/tidepool',
      'sudo nginx -t && sudo systemctl reload nginx',
      'sudo curl -s --unix-socket /run/tidepool/http.sock http://localhost/readyz',
      'npm run top -- /run/tidepool/stats.sock',
    ]) {
      assert.ok(text.includes(s), `missing ${s} in:\n${text}`);
    }
    assert.ok(!text.includes('append'), 'nothing to append');
  });
});

describe("the classic tutorial's ini", () => {
  test('with proxy_pass: adds an HTTP socket, 660 and the FIFO in /run/tidepool; its socket and stats stay in its folder', () => {
    const p = plan(TUTORIAL);
    assert.deepEqual(
      p.iniAdditions.map((a) => `${a.key} = ${a.value}`),
      ['http = /run/tidepool/http.sock', 'chmod-socket = 660', 'master-fifo = /run/tidepool/master.fifo'],
    );
    assert.match(p.iniAdditions[1]!.why, /666 would let any local user/);
    const text = renderIniAdditions(p)!;
    assert.match(text, /^\[tidepool\]$/m);
    assert.match(text, /^chmod-socket = 660$/m);
    // The tutorial's own uwsgi socket stays, so the checkout must stay writable for it.
    assert.deepEqual(p.service.readWritePaths, ['/opt/tidepool']);
    assert.ok(directives(renderSystemdUnit(p)).includes('ReadWritePaths=/opt/tidepool'));
    assert.ok(p.warnings.some((w) => w.startsWith('/opt/tidepool is made writable')));
    assert.match(renderNextSteps(p, files), /sudo sh -c 'cat \/o\/ini-additions.ini >> \/opt\/tidepool\/tidepool.ini'/);
  });

  test('with uwsgi_pass: uses its socket as it is, with no keepalive (nginx cannot keep uwsgi connections)', () => {
    const p = plan(TUTORIAL, { proxy: 'uwsgi' });
    assert.deepEqual(
      p.iniAdditions.map((a) => a.key),
      ['chmod-socket', 'master-fifo'],
    );
    const site = renderNginxSite(p);
    assert.deepEqual(block(site, 'upstream tidepool'), ['server unix:/opt/tidepool/production_ml.sock;']);
    const predict = block(site, 'location = /predict');
    assert.ok(predict.includes('include /etc/nginx/uwsgi_params;'));
    assert.ok(predict.includes('uwsgi_pass tidepool;'));
    assert.ok(predict.includes('uwsgi_read_timeout 60s;'));
    assert.ok(predict.includes('uwsgi_next_upstream error timeout non_idempotent;'));
    assert.ok(!directives(site).some((l) => l.startsWith('proxy_')));
    // Measured through nginx 1.22: a 50 KB GET text already fails there (the query travels twice).
    assert.ok(
      p.warnings.some((w) => w.includes('over about 32 KB gets a 500 from nginx')),
      p.warnings.join('\n'),
    );
    assert.ok(!plan(TUTORIAL).warnings.some((w) => w.includes('32 KB')), 'proxy_pass has no such limit');
  });
});

describe('several machines', () => {
  const backends = [
    { host: '10.0.0.2', port: 8000 },
    { host: '10.0.0.3', port: 8000 },
  ];
  const p = plan(['--workers', '4'], { backends });
  const site = renderNginxSite(p);

  test('least_conn over every backend with passive health checks and a shared zone', () => {
    assert.deepEqual(block(site, 'upstream tidepool'), [
      'least_conn;',
      'zone tidepool_backends 64k;',
      'server 10.0.0.2:8000 max_fails=3 fail_timeout=10s;',
      'server 10.0.0.3:8000 max_fails=3 fail_timeout=10s;',
      'keepalive 16;',
      `keepalive_timeout ${p.upstream.keepaliveTimeoutS}s;`,
    ]);
  });

  test('each backend must listen on the port and serve stats over TCP, for top host1:1717 host2:1717', () => {
    assert.deepEqual(
      p.iniAdditions.map((a) => `${a.key} = ${a.value}`),
      ['http = 0.0.0.0:8000', 'stats = 0.0.0.0:1717', 'master-fifo = /run/tidepool/master.fifo'],
    );
    assert.deepEqual(p.statsAddresses, ['10.0.0.2:1717', '10.0.0.3:1717']);
    const text = renderNextSteps(p, files);
    assert.ok(text.includes('npm run top -- 10.0.0.2:1717 10.0.0.3:1717'), text);
    assert.ok(text.includes('sudo ufw allow from NGINX_MACHINE_IP to any port 8000 proto tcp'));
    assert.ok(text.includes('sudo ufw allow from ADMIN_HOST_IP to any port 1717 proto tcp'));
    assert.ok(!text.includes('usermod -aG'), 'nginx does not open local sockets here');
  });

  test('a backend named by host name gets a warning: nginx resolves it once, and fails to start without it', () => {
    const q = plan(['--workers', '4'], {
      backends: [
        { host: 'app1.internal', port: 8000 },
        { host: '10.0.0.3', port: 8000 },
      ],
    });
    assert.deepEqual(q.warnings.filter((w) => w.includes('resolves')).length, 1);
    assert.ok(q.warnings.some((w) => w.startsWith('nginx resolves app1.internal once')));
    assert.deepEqual(q.service.readWritePaths, [], 'TCP listeners are no paths');
  });

  test('a loopback-only listener on the backend port is called out, not silently doubled', () => {
    const q = plan(['--http', '127.0.0.1:8000', '--stats', '10.0.0.2:1717'], { backends });
    assert.ok(!q.iniAdditions.some((a) => a.key === 'http'));
    assert.ok(
      q.warnings.some((w) => w.includes('`http = 127.0.0.1:8000` only answers on this machine')),
      q.warnings.join('\n'),
    );
    assert.deepEqual(q.statsAddresses, ['10.0.0.2:1717', '10.0.0.3:1717']);
  });
});

describe('paths the sandbox would break', () => {
  test('a socket or FIFO under /tmp is moved: with PrivateTmp nginx could not see it', () => {
    const p = plan(['--http', '/tmp/app.sock', '--stats', '/tmp/stats.sock', '--master-fifo', '/tmp/fifo', '--chmod-socket', '660']);
    assert.deepEqual(
      p.iniAdditions.map((a) => `${a.key} = ${a.value}`),
      ['http = /run/tidepool/http.sock', 'stats = /run/tidepool/stats.sock', 'master-fifo = /run/tidepool/master.fifo'],
    );
    assert.ok(
      p.warnings.some((w) => w.startsWith('/tmp/app.sock is under /tmp')),
      p.warnings.join('\n'),
    );
    assert.deepEqual(p.service.readWritePaths, []);
  });

  test('a checkout or node under /home gets ProtectHome=read-only and a warning', () => {
    const p = plan(PRODUCTION, { nodePath: '/home/ann/.nvm/versions/node/v20.11.0/bin/node' });
    assert.equal(p.service.protectHome, 'read-only');
    assert.ok(directives(renderSystemdUnit(p)).includes('ProtectHome=read-only'));
    assert.ok(p.warnings.some((w) => w.includes('under a home directory')));
  });

  test("the user's model, word index, labels and app under /home: each read under ProtectHome=read-only, each named", () => {
    const files = ['--model', '/home/ann/models/reuters_model.hdf5', '--word-index', '/home/ann/reuters_word_index.json', '--labels', '/home/ann/topics.txt'];
    const p = plan([...PRODUCTION, ...files, '--file', '/home/ann/app/app.js']);
    assert.equal(p.service.protectHome, 'read-only');
    for (const file of ['/home/ann/models/reuters_model.hdf5', '/home/ann/reuters_word_index.json', '/home/ann/topics.txt', '/home/ann/app/app.js']) {
      assert.ok(
        p.warnings.some((w) => w.startsWith(`${file} is under a home directory`)),
        `${file}: ${p.warnings.join('\n')}`,
      );
    }
    assert.equal(plan(PRODUCTION).service.protectHome, 'yes', 'nothing under /home: the home directories stay hidden');
  });

  test('die-on-term off would turn `systemctl stop` into a reload: the plan turns it back on', () => {
    const p = plan([...PRODUCTION, '--no-die-on-term']);
    assert.deepEqual(
      p.iniAdditions.map((a) => `${a.key} = ${a.value}`),
      ['die-on-term = true'],
    );
  });

  test('relative paths are read from the ini directory, or from chdir', () => {
    const p = plan(['--http', 'run/http.sock', '--chmod-socket', '660', '--stats', '/run/tidepool/stats.sock', '--master-fifo', '/run/tidepool/master.fifo']);
    assert.equal(p.upstream.servers[0]!.address, 'unix:/opt/tidepool/run/http.sock');
    assert.deepEqual(p.service.readWritePaths, ['/opt/tidepool/run']);
    const q = plan([
      '--http',
      'http.sock',
      '--chdir',
      '/srv/app',
      '--chmod-socket',
      '660',
      '--stats',
      '/run/tidepool/stats.sock',
      '--master-fifo',
      '/run/tidepool/master.fifo',
    ]);
    assert.equal(q.upstream.servers[0]!.address, 'unix:/srv/app/http.sock');
  });
});

test('without harakiri the read timeout is nginx default 60 s; with it, above harakiri', () => {
  assert.equal(plan(['--harakiri', '0']).nginx.readTimeoutS, 60);
  assert.equal(plan(['--harakiri', '30']).nginx.readTimeoutS, 60);
  assert.equal(plan(['--harakiri', '120']).nginx.readTimeoutS, 130);
});

test('nginx sizes and systemd words are written so the programs read them back unchanged', () => {
  assert.equal(nginxSize(100 * 1024), '100k');
  assert.equal(nginxSize(2 * 1024 * 1024), '2m');
  assert.equal(nginxSize(1000), '1000');
  assert.equal(systemdWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(systemdWord('/srv/my app/x.ini'), '"/srv/my app/x.ini"');
  assert.equal(systemdWord('/srv/100%/$HOME'), '/srv/100%%/$$HOME');
  assert.equal(systemdWord('a"b'), '"a\\"b"');
});

describe("the service's account", () => {
  const config = (argv: string[]) => loadConfig(argv, {}, '/').config;

  test("is the ini's uid and gid when it has them, --user and --group otherwise, tidepool by default", () => {
    assert.deepEqual(serviceAccount(config([]), { user: null, group: null }), { user: 'tidepool', group: 'tidepool', fromIni: false });
    assert.deepEqual(serviceAccount(config([]), { user: 'svc', group: null }), { user: 'svc', group: 'svc', fromIni: false });
    const fromIni = serviceAccount(config(['--uid', 'harkous', '--gid', 'harkous']), { user: null, group: null });
    assert.deepEqual(fromIni, { user: 'harkous', group: 'harkous', fromIni: true });
    assert.deepEqual(serviceAccount(config(['--uid', 'harkous']), { user: 'harkous', group: 'models' }), { user: 'harkous', group: 'models', fromIni: true });
  });

  test('a --user or --group that contradicts the ini is an error: systemd would start tidepool as someone it cannot switch from', () => {
    assert.throws(
      () => serviceAccount(config(['--uid', 'harkous']), { user: 'svc', group: null }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.option, 'uid');
        assert.match(e.message, /^`--user svc` and the ini's `uid = harkous` name different accounts: .* give `--user harkous` \(or leave it out\)/);
        assert.match(e.message, /, or change `uid`$/);
        return true;
      },
    );
    assert.throws(() => serviceAccount(config(['--gid', 'www-data']), { user: null, group: 'models' }), /`--group models` and the ini's `gid = www-data`/);
  });
});

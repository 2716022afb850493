import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request } from '../helpers/http.js';
import { startServer, stopAll, tempDir, waitFor } from '../helpers/server.js';

function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  throw new Error('nginx is not installed: .ci/run installs it (apt-get install nginx-light)');
}

/** The classic tutorial's site, with the port swapped for a UNIX socket (tests stay off TCP ports). */
function classicSite(dir: string, upstream: string): string {
  return `
worker_processes 1;
user root;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen unix:${dir}/nginx.sock;
    location / {
      include /etc/nginx/uwsgi_params;
      uwsgi_pass unix:${upstream};
    }
  }
}
`;
}

describe("nginx's uwsgi_pass in front of tidepool", () => {
  after(stopAll);

  test('the classic site file works unchanged against `socket`', async () => {
    const dir = tempDir();
    const upstream = path.join(dir, 'app.sock');
    const s = await startServer({ args: ['--workers', '2', '--cheaper', '0', '--socket', upstream, '--chmod-socket', '660'] });
    fs.writeFileSync(path.join(dir, 'nginx.conf'), classicSite(dir, upstream));
    const bin = nginxBinary();
    execFileSync(bin, ['-t', '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
    const nginx = spawn(bin, ['-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    try {
      const sock = path.join(dir, 'nginx.sock');
      await waitFor('nginx to listen', () => fs.existsSync(sock), 10000);
      const text = encodeURIComponent('this is a news sample text about sports, and football in specific');
      const r = await request({ socketPath: sock }, `/predict?text=${text}`);
      assert.equal(r.status, 200, r.body);
      const direct = (await s.get(`/predict?text=${text}`)).json();
      assert.equal(r.json().prediction, direct.prediction);
      const post = await request({ socketPath: sock }, '/predict', { method: 'POST', body: JSON.stringify({ texts: ['gold', 'oil'] }), headers: { 'content-type': 'application/json' } });
      assert.equal(post.status, 200, post.body);
      assert.equal(post.json().predictions.length, 2);
      const bad = await request({ socketPath: sock }, '/predict');
      assert.equal(bad.status, 400);
      const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => request({ socketPath: sock }, `/predict?text=t${i}`)));
      assert.deepEqual(concurrent.map((x) => x.status), Array(20).fill(200));
    } finally {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx.once('exit', r));
    }
    await s.stop();
  });
});

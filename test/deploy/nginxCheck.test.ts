/**
 * `nginx -t` (Debian's nginx) on the generated sites exactly as written, inside a minimal
 * nginx.conf whose own paths point into a temp directory. -t parses and checks every directive
 * without binding the listen ports, so port 80 needs no change here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sandboxNginxConf, sandboxSite } from '../../deploy/sandbox/sandboxConf.js';
import { nginxCheck } from '../../deploy/sandbox/runNginx.js';
import { generate, PRODUCTION_INI, scratchDir } from './generated.js';

async function check(site: string): Promise<string> {
  const dir = scratchDir('tidepool-nginx-t-');
  const sitePath = path.join(dir, 'site.conf');
  fs.writeFileSync(sitePath, site);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, sandboxNginxConf({ dir, sitePath }));
  return nginxCheck(conf, path.join(dir, 'error.log'));
}

const variants: Array<[string, Parameters<typeof generate>[2]]> = [
  ['one machine, proxy_pass (the default)', {}],
  ['one machine, uwsgi_pass', { proxy: 'uwsgi' }],
  [
    'three machines, least_conn',
    {
      backends: [
        { host: '10.0.0.2', port: 8000 },
        { host: '10.0.0.3', port: 8000 },
        { host: 'localhost', port: 8001 },
      ],
      port: 8080,
      serverName: 'api.example.com www.example.com',
    },
  ],
];

for (const [name, options] of variants) {
  test(`nginx -t accepts the generated site: ${name}`, async () => {
    const dir = scratchDir('tidepool-nginx-gen-');
    const { texts } = generate(dir, PRODUCTION_INI, options);
    const report = await check(texts.site);
    assert.match(report, /test is successful/);
    // The sandboxed form the runtime tests start is valid too.
    assert.match(await check(sandboxSite(texts.site, path.join(dir, 'nginx.sock'), { '/run/tidepool': dir })), /test is successful/);
  });
}

test('the check can fail: nginx -t refuses a site with one broken directive, naming it', async () => {
  const dir = scratchDir('tidepool-nginx-gen-');
  const { texts } = generate(dir, PRODUCTION_INI);
  const broken = texts.site.replace('keepalive_timeout 4s;', 'keepalive_timeout 4 seconds;');
  assert.notEqual(broken, texts.site);
  await assert.rejects(check(broken), /keepalive_timeout/);
});

test('sandboxSite replaces only the listen lines and the given paths', () => {
  const dir = '/tmp/x';
  const site = generate(scratchDir('tidepool-nginx-gen-'), PRODUCTION_INI).texts.site;
  const sandboxed = sandboxSite(site, `${dir}/nginx.sock`, { '/run/tidepool': dir });
  const changed = (a: string, b: string) => {
    const x = a.split('\n').filter((l) => l.trim() !== '');
    const y = b.split('\n').filter((l) => l.trim() !== '');
    return { gone: x.filter((l) => !y.includes(l)).sort(), added: y.filter((l) => !x.includes(l)).sort() };
  };
  assert.deepEqual(changed(site, sandboxed), {
    gone: ['    listen 80;', '    listen [::]:80;', '    server unix:/run/tidepool/http.sock;'].sort(),
    added: ['    listen unix:/tmp/x/nginx.sock;', '    server unix:/tmp/x/http.sock;'].sort(),
  });
});

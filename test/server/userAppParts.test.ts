/**
 * The decisions behind serving a user's app, without processes: which file `file` / `module` /
 * `callable` name, the HTTP request a uwsgi request stands for, and the checks on a
 * `{ predict }` object's answers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../server/config/index.js';
import { httpRequestHead, uwsgiPeer } from '../../server/protocol/uwsgiHttpRequest.js';
import { UwsgiProtocolError } from '../../server/protocol/uwsgi.js';
import { servableFromObject } from '../../server/userApp/predictObject.js';
import { resolveApp } from '../../server/userApp/resolveApp.js';
import { tempDir } from '../helpers/server.js';

describe('resolveApp: file, module and callable against chdir', () => {
  const dir = tempDir('tidepool-resolve-');
  for (const f of ['app.js', 'api/server.mjs', 'svc/index.cjs', 'typed.ts', 'flask.py', 'pkg/__init__.py']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), '');
  }
  const none = { file: '', module: '', callable: '' };
  const resolve = (o: Partial<typeof none>) => resolveApp({ ...none, ...o }, dir);
  const fails = (o: Partial<typeof none>, option: string, message: RegExp) =>
    assert.throws(
      () => resolve(o),
      (e: unknown) => e instanceof ConfigError && e.option === option && message.test(e.message) && e.exitCode === 2,
    );

  test('nothing given: the built-in /predict, silently; a lone callable warns', () => {
    assert.deepEqual(resolve({}), { target: null, warnings: [] });
    assert.match(resolve({ callable: 'api' }).warnings[0]!, /`callable = api` has no effect without `file` or `module`/);
  });

  test('file: relative to chdir, absolute as given; .py serves the built-in; .ts and other names stop', () => {
    assert.deepEqual(resolve({ file: 'app.js', callable: 'handler' }), { target: { file: path.join(dir, 'app.js'), callable: 'handler' }, warnings: [] });
    assert.equal(resolve({ file: path.join(dir, 'api', 'server.mjs') }).target?.file, path.join(dir, 'api', 'server.mjs'));
    const py = resolve({ file: 'flask.py' });
    assert.equal(py.target, null);
    assert.match(py.warnings[0]!, /`file = flask\.py` is a Python file: serving tidepool's built-in \/predict/);
    fails({ file: 'typed.ts' }, 'file', /TypeScript file .*typed\.ts: compile it first \(tsc\).*--experimental-strip-types needs Node 22\.6/);
    fails({ file: 'app.json' }, 'file', /Expected `file` to end in \.js, \.mjs or \.cjs, got `app\.json`/);
    fails({ file: 'gone.js' }, 'file', /there is no file .*gone\.js/);
    fails({ file: 'api' }, 'file', /to end in \.js/);
  });

  test('module: a name is a file or a folder index; dots are folders; name:callable names the export', () => {
    assert.equal(resolve({ module: 'app' }).target?.file, path.join(dir, 'app.js'));
    assert.equal(resolve({ module: 'api.server' }).target?.file, path.join(dir, 'api', 'server.mjs'));
    assert.equal(resolve({ module: 'svc' }).target?.file, path.join(dir, 'svc', 'index.cjs'));
    assert.deepEqual(resolve({ module: 'app:handler' }).target, { file: path.join(dir, 'app.js'), callable: 'handler' });
    const both = resolve({ module: 'app:handler', callable: 'other' });
    assert.equal(both.target?.callable, 'handler');
    assert.match(both.warnings[0]!, /names its callable `handler`: it wins over `callable = other`/);
  });

  test("module: Python (a .py, or uWSGI's name:callable with no JS file) serves the built-in; anything else stops", () => {
    assert.match(resolve({ module: 'flask' }).warnings[0]!, /is the Python module .*flask\.py, and there is no JS module flask/);
    assert.match(resolve({ module: 'pkg' }).warnings[0]!, /Python module .*__init__\.py/);
    const tutorial = resolve({ module: 'wsgi:app' });
    assert.equal(tutorial.target, null);
    assert.match(tutorial.warnings[0]!, /`module = wsgi:app` is uWSGI's module:callable form for a Python app.*Put a wsgi\.js exporting `app` there/);
    fails({ module: 'nothing' }, 'module', /to name a JS module in .*found none: tried nothing\.js, nothing\.mjs, nothing\.cjs, nothing\/index\.js/);
    fails({ module: 'typed' }, 'module', /TypeScript file .*typed\.ts/);
    fails({ module: './app.js' }, 'module', /a module name such as `app`.*; for a path, use `file`/);
    fails({ module: 'app:' }, 'module', /a module name such as/);
    fails({ module: 'app', file: 'app.js' }, 'file', /Expected one of `file` and `module`, got both/);
  });
});

describe('httpRequestHead: a uwsgi request as the HTTP/1.0 request node:http parses', () => {
  const vars = (v: Record<string, string>) => new Map(Object.entries(v));
  const head = (v: Record<string, string>, length = 0) => httpRequestHead(vars(v), length).toString('latin1');

  test("REQUEST_URI as sent, the client's headers, and none of nginx's connection headers", () => {
    const text = head(
      {
        REQUEST_METHOD: 'POST',
        REQUEST_URI: '/a%20b?x=1',
        PATH_INFO: '/a b',
        QUERY_STRING: 'x=1',
        CONTENT_TYPE: 'application/json',
        CONTENT_LENGTH: '7',
        HTTP_HOST: 'example.org',
        HTTP_X_FORWARDED_FOR: '10.0.0.1',
        HTTP_CONNECTION: 'keep-alive',
        HTTP_TRANSFER_ENCODING: 'chunked',
        HTTP_EXPECT: '100-continue',
        HTTP_TE: 'trailers',
        HTTP_CONTENT_LENGTH: '7',
      },
      7,
    );
    assert.equal(
      text,
      'POST /a%20b?x=1 HTTP/1.0\r\nhost: example.org\r\nx-forwarded-for: 10.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n',
    );
  });

  test('without REQUEST_URI, PATH_INFO and QUERY_STRING are encoded back; without HTTP_HOST, SERVER_NAME and SERVER_PORT', () => {
    const decoded = head({ PATH_INFO: '/ü x', QUERY_STRING: 'q=a b', SERVER_NAME: 'srv', SERVER_PORT: '8080' });
    assert.equal(decoded, 'GET /%FC%20x?q=a%20b HTTP/1.0\r\nhost: srv:8080\r\n\r\n');
    assert.equal(head({}), 'GET / HTTP/1.0\r\n\r\n');
  });

  test('values that would forge another request are refused', () => {
    const refused = (v: Record<string, string>, message: RegExp) =>
      assert.throws(
        () => head(v),
        (e: unknown) => e instanceof UwsgiProtocolError && message.test(e.message),
      );
    refused({ REQUEST_METHOD: 'GET / HTTP/1.1\r\n' }, /REQUEST_METHOD must be an HTTP method/);
    refused({ REQUEST_URI: '/a b' }, /REQUEST_URI must not contain white space/);
    refused({ HTTP_X: 'a\nb' }, /header HTTP_X must not contain a line break/);
    refused({ CONTENT_TYPE: 'text/plain\r\nx: y' }, /CONTENT_TYPE must not contain a line break/);
  });

  test('uwsgiPeer: the client address, TLS and HTTP version the app sees', () => {
    assert.deepEqual(uwsgiPeer(vars({ REMOTE_ADDR: '10.1.2.3', REMOTE_PORT: '5555', HTTPS: 'on', SERVER_PROTOCOL: 'HTTP/1.1' })), {
      remoteAddress: '10.1.2.3',
      remotePort: 5555,
      encrypted: true,
      httpVersion: '1.1',
    });
    assert.deepEqual(uwsgiPeer(vars({})), { remoteAddress: undefined, remotePort: undefined, encrypted: false, httpVersion: '1.0' });
  });
});

describe("servableFromObject: a user's { predict } behind tidepool's /predict", () => {
  const good = { prediction: 1, label: 'b', probability: 0.7 };

  test('passes the texts and `top` through, and the answers back; its labels are the classes `top` ranks', () => {
    const calls: unknown[] = [];
    const p = servableFromObject({ labels: ['a', 'b', 'c'], predict: (texts, options) => (calls.push([texts, options]), texts.map(() => good)) }, 'app');
    assert.deepEqual(p.info.output, { kind: 'classes', labels: ['a', 'b', 'c'], labelsFrom: 'the model' });
    assert.deepEqual(p.info.input, { kind: 'text' });
    assert.deepEqual(p.predict(['x', 'y'], { top: 2 }), [good, good]);
    assert.deepEqual(calls, [[['x', 'y'], { top: 2 }]]);
    const unlabelled = servableFromObject({ predict: () => [] }, 'app').info.output;
    assert.deepEqual(unlabelled.kind === 'classes' ? unlabelled.labels : null, [], 'no labels: no classes for `top` to rank');
  });

  test('a promise is awaited and its answers checked too', async () => {
    const p = servableFromObject({ predict: async (texts: string[]) => texts.map(() => good) }, 'app');
    assert.deepEqual(await p.predict(['x']), [good]);
    const wrong = servableFromObject({ predict: async () => [] }, '`app` of /srv/m.js');
    await assert.rejects(
      async () => wrong.predict(['x']),
      /`app` of \/srv\/m\.js: predict\(inputs\) must return one prediction per input \(an array of 1\), got \[\]/,
    );
  });

  test('a wrong count or a wrong shape is a clear error naming the app', () => {
    const fails = (out: unknown, message: RegExp) =>
      assert.throws(() => servableFromObject({ predict: () => out }, '`app` of /srv/m.js').predict(['x']), message);
    fails([good, good], /must return one prediction per input \(an array of 1\), got \[/);
    fails('earn', /an array of 1\), got "earn"/);
    fails([{ label: 'b', probability: 0.5 }], /prediction 0 must look like \{ prediction: 3, label: 'earn', probability: 0\.92 \}, got \{"label":"b",/);
  });
});

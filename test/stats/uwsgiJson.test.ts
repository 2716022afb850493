import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatUwsgiJson } from '../../server/stats/uwsgiJson.js';
import { REPO } from '../helpers/server.js';

const FIXTURES = path.join(REPO, 'test', 'stats', 'fixtures', 'uwsgi-stats');

for (const name of ['idle', 'busy', 'after-cheaping']) {
  test(`uWSGI's layout byte for byte: the captured ${name} document re-formats to itself`, () => {
    const text = fs.readFileSync(path.join(FIXTURES, `uwsgi-2.0.21-${name}.json`), 'utf8');
    assert.equal(formatUwsgiJson(JSON.parse(text)), text);
  });
}

test('strings uWSGI would leave raw are escaped: the output is valid JSON with the same values', () => {
  const doc = { cwd: '/srv/a "quoted" dir\\with\ttab\nand newline', vars: ['QUERY_STRING=a="b"', 'X=\u0001'], empty: {}, none: [] };
  const text = formatUwsgiJson(doc);
  assert.deepEqual(JSON.parse(text), doc);
  assert.match(text, /"cwd":"\/srv\/a \\"quoted\\" dir\\\\with\\ttab\\nand newline"/);
});

test('minified is one line of standard JSON', () => {
  const doc = { version: 'x', workers: [{ id: 1, cores: [{ vars: [] }] }] };
  const text = formatUwsgiJson(doc, true);
  assert.equal(text, JSON.stringify(doc));
  assert.ok(!text.includes('\n'));
});

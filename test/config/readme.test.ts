import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/server.js';
import { withOptionsSection } from '../../server/config/readmeOptions.js';
import { OPTIONS } from '../../server/config/index.js';

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

test('README opens with the two set-up commands, then the test command', () => {
  const firstBlock = /```sh\n([^`]*)```/.exec(readme)![1]!;
  assert.match(firstBlock, /^npm install\b/m);
  assert.match(firstBlock, /^npm start\b/m);
  assert.ok(readme.indexOf('npm test') > readme.indexOf('npm start'));
});

test("README's options section is generated from the options table (run node dist/server/config/readmeOptions.js)", () => {
  assert.equal(readme, withOptionsSection(readme));
  for (const o of OPTIONS) assert.ok(readme.includes(`\`${o.name}\``), `README documents ${o.name}`);
});

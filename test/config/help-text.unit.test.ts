import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envVarName, helpText, OPTIONS, optionsMarkdown, SECTIONS } from '../../server/config/index.js';

test('help names every option and alias, with defaults, grouped by section in table order', () => {
  const help = helpText();
  for (const spec of OPTIONS) {
    const flag = spec.type === 'bool' && !('flagOnly' in spec) ? `--[no-]${spec.name}` : `--${spec.name}`;
    assert.ok(help.includes(flag), `help lacks ${flag}`);
    for (const alias of 'aliases' in spec ? spec.aliases : []) assert.ok(help.includes(`--${alias}`), `help lacks --${alias}`);
  }
  const headings = SECTIONS.map((s) => help.indexOf(`\n${s}:\n`));
  assert.ok(
    headings.every((i) => i > 0),
    'every section has a heading',
  );
  assert.deepEqual(
    [...headings].sort((a, b) => a - b),
    headings,
    'sections appear in table order',
  );
  assert.match(help, /-p, --workers N\s+Maximum number of worker processes\. Alias: --processes\. Default:\s+number of CPUs\./);
  assert.match(help, /--cheaper-algo spare\|spare2\|backlog\|busyness\|manual\n\s+Scaling algorithm[\s\S]*?Default: busyness\./);
  assert.ok(
    help.split('\n').every((line) => line.length <= 100),
    'lines fit in 100 columns',
  );
});

test('the option of each help line sits in the section the table gives it', () => {
  const help = helpText();
  for (const spec of OPTIONS) {
    const at = help.search(new RegExp(`  (-\\w, )?--(\\[no-\\])?${spec.name}(?=[ \\n])`));
    const section = SECTIONS.filter((s) => help.indexOf(`\n${s}:\n`) < at).at(-1);
    assert.equal(section, spec.section, spec.name);
  }
});

test('the Markdown docs have one row per option, its environment variable and the ignored uWSGI options', () => {
  const md = optionsMarkdown();
  const rows = md.split('\n').filter((l) => /^\| `[a-z-]+`( \(alias|\s\|)/.test(l) && !l.includes('no meaning'));
  for (const spec of OPTIONS) {
    assert.ok(md.includes(`| \`${spec.name}\``), `docs lack ${spec.name}`);
    if (!('flagOnly' in spec)) assert.ok(md.includes(`\`${envVarName(spec.name)}\``), `docs lack ${envVarName(spec.name)}`);
  }
  for (const section of SECTIONS) assert.ok(md.includes(`### ${section}\n`));
  assert.match(md, /\| `cheaper-algo` \| `--cheaper-algo spare\\\|spare2\\\|backlog\\\|busyness\\\|manual` \| `TIDEPOOL_CHEAPER_ALGO` \| busyness \|/);
  assert.match(md, /\| `module` \(alias `wsgi`\) \| `-w, --module NAME\[:CALLABLE\]` \| `TIDEPOOL_MODULE` \|/);
  assert.match(md, /\| `mount` \| one app per server, at \/: see `file` and `module` \|/);
  assert.ok(rows.length >= OPTIONS.length);
});

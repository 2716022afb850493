/**
 * The tree's intended dependency graph, checked on the sources: each part imports core/, its
 * own files, and of the parts it may depend on only their public `index.ts`. bin/ starts the
 * commands, so it alone may import a part's command module. README.md draws the same graph.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../core/paths.js';

const PARTS = ['core', 'models', 'server', 'tui', 'bench', 'deploy', 'examples', 'bin'] as const;
type Part = (typeof PARTS)[number];

/** Which parts each part may import (besides itself). */
const ALLOWED: Record<Part, readonly Part[]> = {
  core: [],
  models: ['core'],
  server: ['core', 'models'],
  tui: ['core'],
  bench: ['core', 'models', 'server'],
  deploy: ['core', 'server'],
  // A user's app uses tidepool's public model API, as any app outside the repository would.
  examples: ['core', 'models'],
  bin: ['core', 'models', 'server', 'tui', 'bench', 'deploy'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const part of PARTS) {
    for (const file of sources(path.join(REPO_ROOT, part))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        out.push({ from: path.relative(REPO_ROOT, file), to: path.relative(REPO_ROOT, path.resolve(path.dirname(file), m[1]!)) });
      }
    }
  }
  return out;
}

const partOf = (file: string): string => file.split(path.sep)[0]!;

function violations(all: readonly Edge[]): string[] {
  const wrong: string[] = [];
  for (const { from, to } of all) {
    const a = partOf(from) as Part;
    const b = partOf(to);
    if (a === b) continue;
    if (!(ALLOWED[a] as readonly string[]).includes(b)) wrong.push(`${from} imports ${to}: ${a} may not depend on ${b}`);
    else if (b !== 'core' && a !== 'bin' && path.basename(to) !== 'index.js') wrong.push(`${from} imports ${to}: another part's internals (use ${b}/index.ts)`);
  }
  return wrong;
}

test('every part imports only what the dependency graph allows, and others only through their index.ts', () => {
  const all = edges();
  assert.ok(all.length > 300, `the check read the imports (${all.length})`);
  assert.deepEqual(violations(all), []);
});

test('the check names a forbidden edge and a reach into internals', () => {
  assert.deepEqual(
    violations([
      { from: 'tui/main.ts', to: 'server/stats/document.js' },
      { from: 'deploy/plan.ts', to: 'server/config/options.js' },
      { from: 'deploy/plan.ts', to: 'server/index.js' },
      { from: 'bin/tidepool.ts', to: 'tui/main.js' },
    ]),
    [
      'tui/main.ts imports server/stats/document.js: tui may not depend on server',
      "deploy/plan.ts imports server/config/options.js: another part's internals (use server/index.ts)",
    ],
  );
});

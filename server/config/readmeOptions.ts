/**
 * Keeps the options section of README.md generated from the options table:
 * `node dist/server/config/readmeOptions.js` rewrites it; a test checks it is current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionsMarkdown } from './options-markdown.js';

const START = '<!-- options:start -->';
const END = '<!-- options:end -->';

export function withOptionsSection(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  return `${readme.slice(0, a + START.length)}\n${optionsMarkdown().trim()}\n${readme.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');
  fs.writeFileSync(file, withOptionsSection(fs.readFileSync(file, 'utf8')));
  process.stdout.write(`updated the options section of ${file}\n`);
}

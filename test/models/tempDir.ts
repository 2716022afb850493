import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const made: string[] = [];

// Registered when a test file imports this module, i.e. on the file's root test: it runs once,
// after every test of the file (a hook added from inside a test would run after that test only).
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the test file finishes. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tidepool-${prefix}-`));
  made.push(dir);
  return dir;
}

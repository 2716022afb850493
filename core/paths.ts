import { fileURLToPath } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

/**
 * The repository root, found by walking up from this file to the package.json named "tidepool".
 * Walking (rather than a fixed '..') keeps it right both from the sources (core/) and from the
 * compiled code (dist/core/), whose depth differs by one.
 */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'tidepool') return dir;
      } catch {
        // An unreadable package.json further down (e.g. dist/package.json) is not ours: keep walking.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the tidepool repository root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const REPO_ROOT: string = findRepoRoot();

/** The compiled `tidepool` command (bin/tidepool.ts): what children, systemd units and tests run. */
export const TIDEPOOL_CLI: string = path.join(REPO_ROOT, 'dist', 'bin', 'tidepool.js');

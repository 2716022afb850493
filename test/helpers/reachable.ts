/**
 * Can a user with no ties to the checkout (as the throw-away users of systemUsers.ts: a fresh uid
 * in a fresh group, so only the "other" permission bits apply) reach the repository's files? A
 * tidepool that dropped to such a user re-reads dist/bin/tidepool.js in its workers, so a clone
 * under a 0700 directory (mktemp -d, /root) fails there with "Cannot find module" and the test
 * times out. Asked for real: a tiny node run as that uid and gid tries each path and, when one
 * fails, which of its directories it cannot search.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** nobody and nogroup: no directory of a checkout belongs to them. */
export const OUTSIDER = { uid: 65534, gid: 65534 };

/** Run as the outsider: prints JSON `{ path, blocker, error }` for the first path it cannot read, or `null`. */
const PROBE = `
const fs = require('node:fs');
const path = require('node:path');
const paths = JSON.parse(process.argv[1]);
let found = null;
for (const [p, mode] of paths) {
  try { fs.accessSync(p, mode); continue; } catch (e) { found = { path: p, blocker: p, error: e.code || String(e) }; }
  const parts = p.split(path.sep).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    try { fs.accessSync(dir, fs.constants.X_OK); } catch { found.blocker = dir; break; }
  }
  break;
}
process.stdout.write(JSON.stringify(found));
`;

function describeDir(p: string): string {
  try {
    const st = fs.statSync(p);
    return `${p} is mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')} (owner uid ${st.uid}, gid ${st.gid})`;
  } catch {
    return p;
  }
}

/**
 * Null when the outsider can read every path (symlinks resolved, so node_modules pointing elsewhere
 * counts too), else a sentence naming the directory or file that blocks it and the fix. Paths root
 * cannot see either are left out: their absence is some other test's failure, not a reason to skip.
 */
export function unreachableByOutsider(paths: readonly string[], who = OUTSIDER): string | null {
  // A directory must be searchable as well as readable.
  const { R_OK, X_OK } = fs.constants;
  const real = paths.filter((p) => fs.existsSync(p)).map((p) => [fs.realpathSync(p), fs.statSync(p).isDirectory() ? R_OK | X_OK : R_OK]);
  if (real.length === 0) return null;
  const r = spawnSync(process.execPath, ['-e', PROBE, JSON.stringify(real)], { ...who, cwd: '/', encoding: 'utf8', timeout: 20000 });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr.trim() || `exit ${r.status}`);
    return `node (${process.execPath}) cannot run as uid ${who.uid}, gid ${who.gid}: ${why}`;
  }
  const found = JSON.parse(r.stdout || 'null') as { path: string; blocker: string; error: string } | null;
  if (found === null) return null;
  const isFile = found.blocker === found.path;
  const fix = isFile ? `make it readable by others (chmod o+r ${found.path})` : `clone into a world-traversable directory or chmod o+x ${found.blocker}`;
  return (
    `${describeDir(found.blocker)}: the throw-away user (uid ${who.uid} tried) cannot ${isFile ? 'read' : 'reach'} ${found.path} (${found.error}), ` +
    `so the workers it runs as would not load; ${fix}`
  );
}

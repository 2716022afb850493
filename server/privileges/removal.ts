import type { Identity } from './plan.js';

/** The parts of fs.Stats that decide who may unlink a file. */
export interface Ownership {
  uid: number;
  gid: number;
  mode: number;
}

/**
 * Why `who` could not remove `file` from `dir` (vacuum at exit runs after the privilege drop),
 * or null when it can: unlinking needs write and search permission on the directory, and in a
 * sticky one (/tmp) owning the file or the directory.
 */
export function cannotRemove(dir: Ownership, file: Ownership, who: Identity): string | null {
  if (who.uid === 0) return null;
  const inGroup = who.gid === dir.gid || who.groups.includes(dir.gid);
  const bits = dir.uid === who.uid ? dir.mode >> 6 : inGroup ? dir.mode >> 3 : dir.mode;
  if ((bits & 0o3) !== 0o3) {
    return `its directory (owner uid ${dir.uid}, gid ${dir.gid}, mode ${(dir.mode & 0o7777).toString(8)}) is not writable by uid ${who.uid}`;
  }
  if (dir.mode & 0o1000 && file.uid !== who.uid && dir.uid !== who.uid) return `its directory is sticky and the file belongs to uid ${file.uid}`;
  return null;
}

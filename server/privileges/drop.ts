import fs from 'node:fs';
import type { PrivilegePlan } from './plan.js';

export interface OwnedFiles {
  /** the app listeners' UNIX sockets: they get `plan.socketOwner` */
  sockets: readonly string[];
  /** what the master itself keeps using or removes at exit (stats and metrics sockets, FIFO, pidfile): they get the dropped identity */
  own: readonly string[];
}

/** The POSIX identity calls; @types/node 20 omits initgroups, which node has on POSIX. */
interface IdentityCalls {
  setuid(id: number): void;
  setgid(id: number): void;
  setgroups(groups: readonly number[]): void;
  initgroups(user: string, extraGroup: number): void;
  getuid(): number;
  geteuid(): number;
  getgid(): number;
  getegid(): number;
}

/**
 * The one effect of a privilege plan, run after every listener is bound and before any worker is
 * forked: hand the files over, then setgid, the supplementary groups, setuid (in that order: each
 * needs root). Workers forked afterwards inherit the identity.
 */
export function applyPrivileges(plan: PrivilegePlan, files: OwnedFiles): void {
  if (plan.socketOwner !== null) for (const p of files.sockets) fs.chownSync(p, plan.socketOwner.uid, plan.socketOwner.gid);
  const d = plan.drop;
  if (d === null) return;
  for (const p of files.own) fs.chownSync(p, d.uid, d.gid);
  const id = process as unknown as IdentityCalls;
  id.setgid(d.gid);
  if (d.user !== null) id.initgroups(d.user, d.gid);
  else id.setgroups([d.gid]);
  id.setuid(d.uid);
  if (id.getuid() !== d.uid || id.geteuid() !== d.uid || id.getgid() !== d.gid || id.getegid() !== d.gid) {
    throw new Error(`the privilege drop to ${d.text} did not take: running as uid ${id.geteuid()}, gid ${id.getegid()}`);
  }
}

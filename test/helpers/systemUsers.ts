/**
 * Throw-away system users and groups for tests that run as root (privilege drops, nginx workers
 * under another user): created with useradd/groupadd under a random name, removed by the
 * caller's after hook through `removeAll`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface SystemUser {
  name: string;
  uid: number;
  /** its own group (useradd --user-group), of the same name */
  gid: number;
}

export interface SystemGroup {
  name: string;
  gid: number;
}

const created: Array<{ kind: 'user' | 'group'; name: string }> = [];

export const isRoot = process.getuid?.() === 0;

function uniqueName(prefix: string): string {
  // useradd takes 32 characters at most.
  return `${prefix}-${randomBytes(3).toString('hex')}`.slice(0, 32);
}

export function createSystemGroup(prefix: string): SystemGroup {
  const name = uniqueName(prefix);
  execFileSync('groupadd', ['--system', name]);
  created.push({ kind: 'group', name });
  return { name, gid: Number(execFileSync('getent', ['group', name], { encoding: 'utf8' }).split(':')[2]) };
}

/** A system user with no home and no shell, in its own group and in `groups`. */
export function createSystemUser(prefix: string, groups: readonly string[] = []): SystemUser {
  const name = uniqueName(prefix);
  const extra = groups.length > 0 ? ['--groups', groups.join(',')] : [];
  execFileSync('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', ...extra, name]);
  created.push({ kind: 'user', name });
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g') };
}

/**
 * Users first (userdel also removes each one's own group), then the groups created alone. Every
 * removal is tried; the ones that failed (a process still running as the user) are reported.
 */
export function removeAll(): void {
  const failed: string[] = [];
  for (const { kind, name } of created.splice(0).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'user' ? -1 : 1))) {
    try {
      execFileSync(kind === 'user' ? 'userdel' : 'groupdel', [name], { stdio: 'pipe' });
    } catch (e) {
      failed.push(`${kind} ${name}: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    }
  }
  if (failed.length > 0) throw new Error(`could not remove ${failed.join('; ')}`);
}

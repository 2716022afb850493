/**
 * Users and groups of the machine, by name or number, as passwd(5) and group(5) lines describe
 * them. The parsing is pure; `systemAccounts` asks getent, so that users from NSS sources other
 * than the files (LDAP, systemd's dynamic users) resolve as they do for uWSGI and systemd.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface Account {
  name: string;
  uid: number;
  /** the primary group */
  gid: number;
}

export interface Group {
  name: string;
  gid: number;
}

export interface AccountLookup {
  user(nameOrId: string): Account | undefined;
  group(nameOrId: string): Group | undefined;
}

/** `name:password:uid:gid:gecos:home:shell` */
export function parsePasswdLine(line: string): Account | undefined {
  const f = line.split(':');
  if (f.length < 7 || !isId(f[2]!) || !isId(f[3]!)) return undefined;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) };
}

/** `name:password:gid:members` */
export function parseGroupLine(line: string): Group | undefined {
  const f = line.split(':');
  if (f.length < 4 || !isId(f[2]!)) return undefined;
  return { name: f[0]!, gid: Number(f[2]) };
}

/**
 * The first entry of a passwd or group database whose name is `key`, or whose number is when
 * `key` is all digits (as getent and uWSGI read `uid = 33`).
 */
export function findEntry<T extends { name: string }>(
  text: string,
  key: string,
  parse: (line: string) => T | undefined,
  id: (entry: T) => number,
): T | undefined {
  for (const line of text.split('\n')) {
    const entry = parse(line.trim());
    if (entry !== undefined && (isId(key) ? id(entry) === Number(key) : entry.name === key)) return entry;
  }
  return undefined;
}

function isId(text: string): boolean {
  return /^\d+$/.test(text);
}

/** One database through getent; its files when getent is not installed. Undefined when nobody has that name or number. */
function lookup(database: 'passwd' | 'group', key: string): string | undefined {
  try {
    return execFileSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { status?: number };
    // getent exits 2 when the key is not found.
    if (err.status === 2) return undefined;
    if (err.code !== 'ENOENT') throw e;
    return fs.readFileSync(`/etc/${database}`, 'utf8');
  }
}

export const systemAccounts: AccountLookup = {
  user(key) {
    const text = lookup('passwd', key);
    return text === undefined ? undefined : findEntry(text, key, parsePasswdLine, (a) => a.uid);
  },
  group(key) {
    const text = lookup('group', key);
    return text === undefined ? undefined : findEntry(text, key, parseGroupLine, (g) => g.gid);
  },
};

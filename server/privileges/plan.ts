/**
 * Who the master and its workers run as (`uid`, `gid`) and who owns the app sockets
 * (`chown-socket`), decided before anything listens. Pure: the accounts come through a lookup,
 * the running identity is given. Started as root, tidepool binds as root and then drops to
 * uid/gid (uWSGI drops before binding, which is why it needs `shared-socket` for port 80).
 */
import { ConfigError, type Config } from '../config/index.js';
import type { Account, AccountLookup, Group } from './accounts.js';

/** The identity of a running process. */
export interface Identity {
  uid: number;
  gid: number;
  /** supplementary groups */
  groups: readonly number[];
}

/** What fs.chown takes; gid -1 leaves the group as it is. */
export interface Owner {
  uid: number;
  gid: number;
}

export interface Drop extends Owner {
  /** The user's name, from which initgroups(3) reads the supplementary groups; null for a bare number (then the gid alone). */
  user: string | null;
  /** `tidepool (uid 998), group tidepool (gid 998)`, for the log */
  text: string;
}

export interface PrivilegePlan {
  /** null: stay who we are */
  drop: Drop | null;
  /** The owner the app listeners' UNIX sockets get before the drop: `chown-socket`, else the identity dropped to; null leaves them. */
  socketOwner: Owner | null;
  warnings: string[];
}

export type PrivilegeOptions = Pick<Config, 'uid' | 'gid' | 'chown-socket'>;

const ROOT_WARNING =
  "running as ROOT: the master and every worker have all of root's powers; set `uid` and `gid` (tidepool binds its " +
  'listeners as root, then drops to them before any worker starts), or run it from systemd with User=';

/** A user as `uid` (or chown-socket) names it: a name must exist, a bare number need not (as in uWSGI). */
interface UserRef {
  uid: number;
  name: string | null;
  /** the primary group, when the passwd database knows the user */
  gid: number | null;
}

export function planPrivileges(o: PrivilegeOptions, me: Identity, accounts: AccountLookup): PrivilegePlan {
  const warnings: string[] = [];
  const user = o.uid === '' ? null : resolveUser(o.uid, 'uid', accounts);
  const group = o.gid === '' ? null : resolveGroup(o.gid, 'gid', accounts);
  const who = describeWho(me, accounts);

  let drop: Drop | null = null;
  if (me.uid === 0) {
    if (user === null && group === null) {
      warnings.push(ROOT_WARNING);
    } else {
      const uid = user?.uid ?? 0;
      const gid = group?.gid ?? user?.gid;
      if (gid === undefined || gid === null) {
        throw new ConfigError(
          `Expected \`gid\` beside \`uid = ${o.uid}\`: no user has that number in the passwd database, so it has no primary group to drop to`,
          'gid',
        );
      }
      const name = user?.name ?? null;
      drop = { uid, gid, user: name, text: `${userText(uid, name)}, ${groupText(gid, group?.name ?? accountsGroupName(gid, accounts))}` };
      if (uid === 0) warnings.push(user === null ? ROOT_WARNING : `${ROOT_WARNING} (\`uid = ${o.uid}\` is root)`);
    }
  } else {
    if (user !== null && user.uid !== me.uid) {
      throw new ConfigError(
        `\`uid = ${o.uid}\` asks to run as ${userText(user.uid, user.name)}, but tidepool was started as ${who}, and only root may switch users: ` +
          `start it as root to drop to ${user.name ?? user.uid}, or leave \`uid\` out (a systemd unit's User= has switched already)`,
        'uid',
      );
    }
    if (group !== null && group.gid !== me.gid) {
      throw new ConfigError(
        `\`gid = ${o.gid}\` asks to run as ${groupText(group.gid, group.name)}, but tidepool was started with gid ${me.gid}, ` +
          'and only root may switch groups: ' +
          "start it as root, or leave `gid` out (a systemd unit's Group= has switched already)",
        'gid',
      );
    }
  }
  return { drop, socketOwner: socketOwner(o['chown-socket'], drop, me, who, accounts), warnings };
}

function socketOwner(text: string, drop: Drop | null, me: Identity, who: string, accounts: AccountLookup): Owner | null {
  if (text === '') return drop === null ? null : { uid: drop.uid, gid: drop.gid };
  const [userPart, groupPart] = text.split(':') as [string, string | undefined];
  const user = resolveUser(userPart, 'chown-socket', accounts);
  const gid = groupPart === undefined ? (user.gid ?? -1) : resolveGroup(groupPart, 'chown-socket', accounts).gid;
  if (me.uid !== 0 && (user.uid !== me.uid || (gid !== -1 && gid !== me.gid && !me.groups.includes(gid)))) {
    throw new ConfigError(
      `\`chown-socket = ${text}\` gives the sockets to someone else, which only root may do, and tidepool was started as ${who}; ` +
        'start it as root, or name your own user and one of your groups',
      'chown-socket',
    );
  }
  return { uid: user.uid, gid };
}

function resolveUser(key: string, option: string, accounts: AccountLookup): UserRef {
  const a: Account | undefined = accounts.user(key);
  if (a !== undefined) return { uid: a.uid, name: a.name, gid: a.gid };
  if (/^\d+$/.test(key)) return { uid: Number(key), name: null, gid: null };
  throw new ConfigError(
    `Expected \`${option}\` to name a user of this machine, got \`${key}\`: the passwd database (getent passwd ${key}) has no such user; ` +
      `create it (adduser --system ${key}) or name another`,
    option,
  );
}

function resolveGroup(key: string, option: string, accounts: AccountLookup): { gid: number; name: string | null } {
  const g: Group | undefined = accounts.group(key);
  if (g !== undefined) return { gid: g.gid, name: g.name };
  if (/^\d+$/.test(key)) return { gid: Number(key), name: null };
  throw new ConfigError(
    `Expected \`${option}\` to name a group of this machine, got \`${key}\`: the group database (getent group ${key}) has no such group; ` +
      `create it (addgroup --system ${key}) or name another`,
    option,
  );
}

function accountsGroupName(gid: number, accounts: AccountLookup): string | null {
  return accounts.group(String(gid))?.name ?? null;
}

function describeWho(me: Identity, accounts: AccountLookup): string {
  return userText(me.uid, accounts.user(String(me.uid))?.name ?? null);
}

function userText(uid: number, name: string | null): string {
  return name === null ? `uid ${uid}` : `${name} (uid ${uid})`;
}

function groupText(gid: number, name: string | null): string {
  return name === null ? `gid ${gid}` : `group ${name} (gid ${gid})`;
}

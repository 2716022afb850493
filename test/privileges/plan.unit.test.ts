/**
 * Who tidepool runs as, decided from uid/gid/chown-socket and the running identity: a table of
 * cases against a small passwd and group database, read by the real parsers. No process changes
 * identity here (test/server/privileges.test.ts does, as root).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findEntry, parseGroupLine, parsePasswdLine, systemAccounts, type AccountLookup } from '../../server/privileges/accounts.js';
import { planPrivileges, type Identity, type PrivilegeOptions } from '../../server/privileges/plan.js';
import { cannotRemove } from '../../server/privileges/removal.js';
import { ConfigError } from '../../server/config/index.js';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
tidepool:x:998:997::/nonexistent:/usr/sbin/nologin
alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
broken line
`;
const GROUP = `root:x:0:
www-data:x:33:
tidepool:x:997:
alice:x:1000:
models:x:2000:alice,www-data
`;
const accounts: AccountLookup = {
  user: (key) => findEntry(PASSWD, key, parsePasswdLine, (a) => a.uid),
  group: (key) => findEntry(GROUP, key, parseGroupLine, (g) => g.gid),
};

const ROOT: Identity = { uid: 0, gid: 0, groups: [0] };
const ALICE: Identity = { uid: 1000, gid: 1000, groups: [1000, 2000] };
const none: PrivilegeOptions = { uid: '', gid: '', 'chown-socket': '' };
const plan = (o: Partial<PrivilegeOptions>, me: Identity) => planPrivileges({ ...none, ...o }, me, accounts);

function rejects(o: Partial<PrivilegeOptions>, me: Identity, option: string, message: RegExp): void {
  assert.throws(
    () => plan(o, me),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.option, option);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('passwd and group lines', () => {
  test('parse the fields tidepool needs; malformed lines are skipped; a number looks up by id', () => {
    assert.deepEqual(parsePasswdLine('tidepool:x:998:997::/nonexistent:/usr/sbin/nologin'), { name: 'tidepool', uid: 998, gid: 997 });
    assert.equal(parsePasswdLine('tidepool:x:abc:997::/:/bin/sh'), undefined);
    assert.deepEqual(parseGroupLine('models:x:2000:alice,www-data'), { name: 'models', gid: 2000 });
    assert.deepEqual(accounts.user('33'), { name: 'www-data', uid: 33, gid: 33 });
    assert.equal(accounts.user('broken'), undefined);
    assert.equal(accounts.group('nobody-here'), undefined);
  });

  test("the machine's own database, through getent: root, by name and by number; an unknown name is undefined", () => {
    assert.deepEqual(systemAccounts.user('root'), { name: 'root', uid: 0, gid: 0 });
    assert.equal(systemAccounts.user('0')?.name, 'root');
    assert.equal(systemAccounts.group('0')?.name, 'root');
    assert.equal(systemAccounts.user('no-such-user-tidepool'), undefined);
    assert.equal(systemAccounts.group('no-such-group-tidepool'), undefined);
  });
});

describe('started as root', () => {
  test('without uid or gid: no drop, a loud warning', () => {
    const p = plan({}, ROOT);
    assert.equal(p.drop, null);
    assert.equal(p.socketOwner, null);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /^running as ROOT: .*set `uid` and `gid`/);
  });

  test('uid by name: drops to it and its primary group, supplementary groups by initgroups; the sockets go to it', () => {
    const p = plan({ uid: 'tidepool' }, ROOT);
    assert.deepEqual(p.drop, { uid: 998, gid: 997, user: 'tidepool', text: 'tidepool (uid 998), group tidepool (gid 997)' });
    assert.deepEqual(p.socketOwner, { uid: 998, gid: 997 });
    assert.deepEqual(p.warnings, []);
  });

  test('uid and gid by number; a uid no passwd entry has needs its gid, and drops without initgroups', () => {
    assert.deepEqual(plan({ uid: '33', gid: '2000' }, ROOT).drop, { uid: 33, gid: 2000, user: 'www-data', text: 'www-data (uid 33), group models (gid 2000)' });
    assert.deepEqual(plan({ uid: '4242', gid: '4242' }, ROOT).drop, { uid: 4242, gid: 4242, user: null, text: 'uid 4242, gid 4242' });
    rejects({ uid: '4242' }, ROOT, 'gid', /^Expected `gid` beside `uid = 4242`: no user has that number/);
  });

  test('only gid, or uid naming root: the identity changes as asked and the warning stays', () => {
    const groupOnly = plan({ gid: 'models' }, ROOT);
    assert.deepEqual(groupOnly.drop, { uid: 0, gid: 2000, user: null, text: 'uid 0, group models (gid 2000)' });
    assert.match(groupOnly.warnings[0]!, /^running as ROOT/);
    assert.match(plan({ uid: 'root' }, ROOT).warnings[0]!, /\(`uid = root` is root\)$/);
  });

  test('an unknown user or group is an error naming the option, before anything listens', () => {
    rejects({ uid: 'harkous' }, ROOT, 'uid', /^Expected `uid` to name a user of this machine, got `harkous`: .*getent passwd harkous.*adduser --system/);
    rejects({ uid: 'tidepool', gid: 'nogroup-here' }, ROOT, 'gid', /^Expected `gid` to name a group of this machine, got `nogroup-here`/);
    rejects({ 'chown-socket': 'tidepool:nope' }, ROOT, 'chown-socket', /^Expected `chown-socket` to name a group of this machine, got `nope`/);
  });

  test("chown-socket gives the app sockets to its owner (the group defaults to the user's), whatever the drop", () => {
    assert.deepEqual(plan({ uid: 'tidepool', 'chown-socket': 'tidepool:www-data' }, ROOT).socketOwner, { uid: 998, gid: 33 });
    assert.deepEqual(plan({ 'chown-socket': 'www-data' }, ROOT).socketOwner, { uid: 33, gid: 33 });
    assert.deepEqual(plan({ 'chown-socket': '4242' }, ROOT).socketOwner, { uid: 4242, gid: -1 }, 'a bare number keeps the group');
  });
});

describe('started as another user', () => {
  test('no uid, or uid and gid naming who runs already (a systemd unit with User=): nothing to do, no warning', () => {
    for (const o of [{}, { uid: 'alice' }, { uid: '1000', gid: 'alice' }]) assert.deepEqual(plan(o, ALICE), { drop: null, socketOwner: null, warnings: [] });
  });

  test('uid or gid naming someone else: an error, since only root may switch (uWSGI 2.0 ignores it silently)', () => {
    const message = /^`uid = tidepool` asks to run as tidepool \(uid 998\), but tidepool was started as alice \(uid 1000\), and only root may switch users/;
    rejects({ uid: 'tidepool' }, ALICE, 'uid', message);
    rejects({ uid: 'alice', gid: 'models' }, ALICE, 'gid', /^`gid = models` asks to run as group models \(gid 2000\), but tidepool was started with gid 1000/);
  });

  test("chown-socket to oneself and one of one's groups works; to anyone else it is an error", () => {
    assert.deepEqual(plan({ 'chown-socket': 'alice:models' }, ALICE).socketOwner, { uid: 1000, gid: 2000 });
    const message = /gives the sockets to someone else, which only root may do, and tidepool was started as alice \(uid 1000\)/;
    rejects({ 'chown-socket': 'alice:www-data' }, ALICE, 'chown-socket', message);
    rejects({ 'chown-socket': 'www-data' }, ALICE, 'chown-socket', /only root may do/);
  });
});

describe('what vacuum can remove after the drop', () => {
  const me: Identity = { uid: 998, gid: 997, groups: [997, 33] };
  const file = { uid: 998, gid: 997, mode: 0o140600 };
  test('needs write and search on the directory: as its owner, through a group, or as anyone', () => {
    assert.equal(cannotRemove({ uid: 998, gid: 997, mode: 0o40700 }, file, me), null);
    assert.equal(cannotRemove({ uid: 0, gid: 33, mode: 0o40770 }, file, me), null, 'through the supplementary group 33');
    assert.equal(cannotRemove({ uid: 0, gid: 0, mode: 0o40777 }, file, me), null);
    assert.match(cannotRemove({ uid: 0, gid: 0, mode: 0o40755 }, file, me)!, /^its directory \(owner uid 0, gid 0, mode 755\) is not writable by uid 998$/);
    assert.match(cannotRemove({ uid: 0, gid: 33, mode: 0o40750 }, file, me)!, /not writable/, 'group may read but not write');
    assert.equal(cannotRemove({ uid: 0, gid: 0, mode: 0o40755 }, file, { uid: 0, gid: 0, groups: [] }), null, 'root removes anything');
  });

  test("in a sticky directory (/tmp) only the file's or the directory's owner may remove it", () => {
    const tmp = { uid: 0, gid: 0, mode: 0o41777 };
    assert.equal(cannotRemove(tmp, file, me), null);
    assert.match(cannotRemove(tmp, { ...file, uid: 0 }, me)!, /^its directory is sticky and the file belongs to uid 0$/);
  });
});

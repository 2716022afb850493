/**
 * accept = workers: the master's picture of the queue is the kernel's. For a listening TCP socket,
 * /proc/net/tcp (and tcp6) gives the accept queue's length as `rx_queue`: the connections the
 * kernel completed and no worker has accepted yet. The kernel lists listening sockets before all
 * others, so a read stops at the first row that is not LISTEN, however many connections are open.
 */
import fs from 'node:fs';
import net from 'node:net';

/** `st` of a listening socket in /proc/net/tcp. */
const TCP_LISTEN = '0A';

/**
 * How /proc/net/tcp{,6} writes a local address: the address as the kernel holds it (each 32-bit
 * word in host order, little-endian here) and the port, both in upper-case hex: `0100007F:1F90`.
 */
export function procNetAddress(host: string, port: number): string {
  const p = port.toString(16).toUpperCase().padStart(4, '0');
  const words: number[][] = [];
  if (net.isIPv4(host)) words.push(host.split('.').map(Number));
  else {
    const bytes = ipv6Bytes(host);
    for (let i = 0; i < 16; i += 4) words.push(bytes.slice(i, i + 4));
  }
  const hex = words
    .map((w) =>
      [...w]
        .reverse()
        .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
        .join(''),
    )
    .join('');
  return `${hex}:${p}`;
}

function ipv6Bytes(host: string): number[] {
  const [head, tail] = host.includes('::') ? host.split('::') : [host, undefined];
  const part = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = part(head);
  const right = part(tail);
  // An embedded IPv4 tail (::ffff:127.0.0.1) counts as two groups.
  const last = right.length > 0 ? right : left;
  if (last.length > 0 && net.isIPv4(last[last.length - 1]!)) {
    const v4 = last.pop()!.split('.').map(Number);
    last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const v = Number.parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

/**
 * The accept-queue length of each wanted address, from the text of /proc/net/tcp{,6}. `done` says
 * the listening rows are over (a later row is not LISTEN), so reading further cannot find more.
 */
export function scanListenRows(lines: readonly string[], wanted: ReadonlySet<string>, into: Map<string, number>): { done: boolean } {
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue ...
    if (f.length < 5 || !f[0]!.endsWith(':')) continue;
    if (f[3] !== TCP_LISTEN) return { done: true };
    if (!wanted.has(f[1]!)) continue;
    const rx = Number.parseInt(f[4]!.split(':')[1] ?? '', 16);
    if (Number.isFinite(rx)) into.set(f[1]!, (into.get(f[1]!) ?? 0) + rx);
  }
  return { done: false };
}

const CHUNK = 16384;

/** Reads `file` a chunk at a time until its listening rows are over. A file that cannot be read adds nothing. */
function readListenRows(file: string, wanted: ReadonlySet<string>, into: Map<string, number>): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  try {
    const buf = Buffer.alloc(CHUNK);
    let rest = '';
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) {
        scanListenRows([rest], wanted, into);
        return;
      }
      const lines = (rest + buf.toString('latin1', 0, n)).split('\n');
      rest = lines.pop()!;
      if (scanListenRows(lines, wanted, into).done) return;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The accept-queue length of each TCP listener (host, port), in order; 0 for one the kernel does not list. */
export function readAcceptQueues(listeners: ReadonlyArray<{ host: string; port: number }>): number[] {
  const keys = listeners.map((l) => procNetAddress(l.host, l.port));
  const wanted = new Set(keys);
  const found = new Map<string, number>();
  if (listeners.some((l) => net.isIPv4(l.host))) readListenRows('/proc/net/tcp', wanted, found);
  if (listeners.some((l) => !net.isIPv4(l.host))) readListenRows('/proc/net/tcp6', wanted, found);
  return keys.map((k) => found.get(k) ?? 0);
}

/**
 * Just enough of numpy's file formats to write the small, sometimes deliberately wrong,
 * reuters.npz files the reader's tests need. Tests only: the trainer hands the synthetic corpus
 * to load_data's preparation directly, and the readers are checked against numpy's own bytes
 * (numpyFixtures.ts). Not byte-identical to numpy, only readable the way numpy's files are.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** A .npy file, format 1.0: magic, header dict padded to 64 bytes and ended by '\n', body. */
export function npy(descr: string, shape: readonly number[], body: Uint8Array, fortranOrder = false): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${dims}, }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const preamble = Buffer.from('\x93NUMPY\x01\x00\x00\x00', 'latin1');
  preamble.writeUInt16LE(dict.length, 8);
  return Buffer.concat([preamble, Buffer.from(dict, 'latin1'), body]);
}

/** Little-endian int64 elements, the body of a '<i8' array. */
export function int64s(values: readonly number[]): Buffer {
  const body = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => body.writeBigInt64LE(BigInt(v), 8 * i));
  return body;
}

/**
 * pickle of np.array(lists, dtype=object) in numpy's _reconstruct / BUILD form, protocol 2,
 * without the memo CPython adds; every int as BININT (int32).
 */
export function pickleIntLists(lists: readonly (readonly number[])[]): Buffer {
  const parts: Buffer[] = [];
  const op = (...bytes: number[]) => parts.push(Buffer.from(bytes));
  const text = (s: string) => parts.push(Buffer.from(s, 'latin1'));
  const int = (n: number) => {
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`this test writer pickles int32 only, got ${n}`);
    const b = Buffer.alloc(5);
    b[0] = 0x4a;
    b.writeInt32LE(n, 1);
    parts.push(b);
  };
  op(0x80, 2);
  text('cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n');
  op(0x4b, 0, 0x85, 0x43, 1, 0x62, 0x87, 0x52); // (ndarray, (0,), b'b'), REDUCE
  op(0x28, 0x4b, 1); // MARK, state version 1
  int(lists.length);
  op(0x85); // shape (n,)
  text('cnumpy\ndtype\n');
  op(0x8c, 2);
  text('O8');
  op(0x89, 0x88, 0x87, 0x52); // dtype('O8', False, True)
  op(0x89, 0x5d); // fortran_order False, the data list
  for (const list of lists) {
    op(0x5d, 0x28);
    list.forEach(int);
    op(0x65, 0x61); // APPENDS to the document, APPEND it to the data
  }
  op(0x74, 0x62, 0x2e); // TUPLE the state, BUILD, STOP
  return Buffer.concat(parts);
}

/** A non-zip64 ZIP of the members, stored (as np.savez writes) or deflated (np.savez_compressed, Keras' .keras). */
export function zipOf(members: ReadonlyMap<string, Uint8Array>, options: { deflate?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = Buffer.from(name, 'utf8');
    const body = options.deflate ? zlib.deflateRawSync(data) : Buffer.from(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(options.deflate ? 8 : 0, 8);
    local.writeUInt32LE(zlib.crc32(data) >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    local.copy(central, 6, 4, 30);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.size, 8);
  end.writeUInt16LE(members.size, 10);
  end.writeUInt32LE(
    centrals.reduce((n, b) => n + b.length, 0),
    12,
  );
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** reuters.npz (x: object array of rank lists, y: int64 labels) and reuters_word_index.json in `dir`. */
export function writeReutersFiles(dir: string, xs: readonly (readonly number[])[], labels: readonly number[], wordIndex: ReadonlyMap<string, number>): string {
  fs.mkdirSync(dir, { recursive: true });
  const members = new Map([
    ['x.npy', npy('|O', [xs.length], pickleIntLists(xs))],
    ['y.npy', npy('<i8', [labels.length], int64s(labels))],
  ]);
  const file = path.join(dir, 'reuters.npz');
  fs.writeFileSync(file, zipOf(members));
  fs.writeFileSync(path.join(dir, 'reuters_word_index.json'), JSON.stringify(Object.fromEntries(wordIndex)));
  return file;
}

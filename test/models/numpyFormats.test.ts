import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readReutersNpz } from '../../models/data/reuters.js';
import { npyIntegers, parseNpy } from '../../models/data/npy.js';
import { pickledArray, readPickle } from '../../models/data/pickle.js';
import { DatasetError, readZip } from '../../models/data/zip.js';
import { FIXTURE_X, FIXTURE_Y, PICKLE_PROTOCOL_2_BASE64, PICKLE_PROTOCOL_3_HEX, SAVEZ_BASE64, SAVEZ_COMPRESSED_BASE64 } from './numpyFixtures.js';
import { npy } from './npzWriter.js';
import { tempDir } from './tempDir.js';

function tempFile(name: string, bytes: Uint8Array): string {
  const dir = tempDir('npy');
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('reads the .npz files numpy itself wrote (stored with zip64 fields, and deflated)', () => {
  for (const base64 of [SAVEZ_BASE64, SAVEZ_COMPRESSED_BASE64]) {
    const file = tempFile('reuters.npz', Buffer.from(base64, 'base64'));
    assert.deepEqual(readReutersNpz(file), { xs: FIXTURE_X, labels: FIXTURE_Y });
  }
});

test('reads a protocol 2 pickle as CPython writes it (bytes via _codecs.encode)', () => {
  const array = pickledArray(readPickle(Buffer.from(PICKLE_PROTOCOL_2_BASE64, 'base64'), 'p2'), 'p2');
  assert.deepEqual(array, { shape: [4], dtype: 'O8', items: FIXTURE_X });
});

test('reads a protocol 3 pickle as CPython writes it (BINPUT memo, SHORT_BINBYTES, APPENDS batches)', () => {
  const array = pickledArray(readPickle(Buffer.from(PICKLE_PROTOCOL_3_HEX, 'hex'), 'p3'), 'p3');
  assert.deepEqual(array, { shape: [4], dtype: 'O8', items: FIXTURE_X });
});

/** Opcode-by-opcode builder for hand-written pickles. */
function bytes(...parts: (number | string | number[])[]): Buffer {
  return Buffer.concat(
    parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );
}

test('reads a Python 2 style pickle: SHORT_BINSTRING, BININT2, BININT (negative), LONG1, LONG_BINPUT, BINGET', () => {
  // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), 'b') with state
  // (1, (2,), dtype('O8', 0, 1), False, [[65535, -5], [2**40]]), the dtype fetched back with BINGET.
  const pickle = bytes(
    0x80,
    2,
    'cnumpy.core.multiarray\n_reconstruct\n',
    0x71,
    0,
    'cnumpy\nndarray\n',
    0x71,
    1,
    0x4b,
    0,
    0x85,
    0x55,
    1,
    'b',
    0x87,
    0x52,
    0x72,
    [2, 0, 0, 0],
    'cnumpy\ndtype\n',
    0x55,
    2,
    'O8',
    0x4b,
    0,
    0x4b,
    1,
    0x87,
    0x52,
    0x71,
    3,
    0x28,
    0x4b,
    3,
    0x55,
    1,
    '|',
    0x4e,
    0x4e,
    0x4e,
    0x4a,
    [0xff, 0xff, 0xff, 0xff],
    0x4a,
    [0xff, 0xff, 0xff, 0xff],
    0x4b,
    0,
    0x74,
    0x62,
    0x30, // POP the dtype: it comes back from the memo below
    0x28,
    0x4b,
    1,
    0x4b,
    2,
    0x85,
    0x68,
    3,
    0x89,
    0x5d,
    0x28,
    0x5d,
    0x28,
    0x4d,
    [0xff, 0xff],
    0x4a,
    [0xfb, 0xff, 0xff, 0xff],
    0x65,
    0x5d,
    0x8a,
    6,
    [0, 0, 0, 0, 0, 1],
    0x61,
    0x65,
    0x74,
    0x62,
    0x2e,
  );
  assert.deepEqual(pickledArray(readPickle(pickle, 'py2'), 'py2'), { shape: [2], dtype: 'O8', items: [[65535, -5], [2 ** 40]] });
});

test('unknown or unsupported opcodes are refused by name and offset', () => {
  assert.throws(
    () => readPickle(bytes(0x80, 2, 0xff), 'f.pkl'),
    (error: Error) => error instanceof DatasetError && /f\.pkl: pickle opcode unknown \(0xff\) at offset 2/.test(error.message),
  );
  assert.throws(() => readPickle(bytes(0x80, 2, 0x49, '1\n', 0x2e), 'f.pkl'), /opcode INT \(0x49\) at offset 2: not supported/);
  assert.throws(() => readPickle(bytes(0x80, 2, 'cos\nsystem\n', 0x2e), 'f.pkl'), /opcode GLOBAL \(0x63\) at offset 2: refusing global os\.system/);
  assert.throws(() => readPickle(bytes(0x80, 2, 0x5d, 0x4b), 'f.pkl'), /BININT1.*truncated/);
  assert.throws(() => readPickle(bytes(0x80, 2, 0x5d), 'f.pkl'), /without a STOP opcode/);
  assert.throws(() => readPickle(bytes(0x80, 2, 0x68, 9, 0x2e), 'f.pkl'), /memo entry 9 was never stored/);
});

test('np.save headers as numpy wrote them: dtype, order, shape; the body starts on a 64-byte boundary', () => {
  const members = readZip(Buffer.from(SAVEZ_BASE64, 'base64'), 'fixture.npz');
  const x = parseNpy(members.get('x.npy')!, 'x.npy');
  const y = parseNpy(members.get('y.npy')!, 'y.npy');
  assert.deepEqual([x.descr, x.fortranOrder, x.shape], ['|O', false, [4]]);
  assert.deepEqual([y.descr, y.fortranOrder, y.shape], ['<i8', false, [4]]);
  assert.equal((members.get('y.npy')!.length - y.body.length) % 64, 0);
  assert.deepEqual(npyIntegers(y, 'y.npy'), FIXTURE_Y);
});

test('parses version 2.0 headers, multi-dimensional shapes and both byte orders', () => {
  const dict = "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }\n";
  const preamble = Buffer.alloc(12);
  Buffer.from('\x93NUMPY\x02\x00', 'latin1').copy(preamble);
  preamble.writeUInt32LE(dict.length, 8);
  const body = Buffer.alloc(8);
  body.writeInt32BE(-7, 0);
  body.writeInt32BE(70000, 4);
  const array = parseNpy(Buffer.concat([preamble, Buffer.from(dict, 'latin1'), body]), 'v2.npy');
  assert.deepEqual(npyIntegers(array, 'v2.npy'), [-7, 70000]);
  const matrix = parseNpy(npy('<f4', [2, 3], Buffer.alloc(24), true), 'm.npy');
  assert.deepEqual([matrix.descr, matrix.fortranOrder, matrix.shape], ['<f4', true, [2, 3]]);
});

test('.npy errors say what was expected and what came', () => {
  assert.throws(() => parseNpy(Buffer.from('PK\x03\x04garbage!!'), 'x.npy'), /x\.npy: not a \.npy array \(expected the magic bytes/);
  const dict = "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }\n";
  const structured = Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from([dict.length, 0]), Buffer.from(dict, 'latin1')]);
  assert.throws(() => parseNpy(structured, 's.npy'), /s\.npy: \.npy header .* is not understood: .*structured dtypes are not supported/);
  const floats = parseNpy(npy('<f8', [1], Buffer.alloc(8)), 'f.npy');
  assert.throws(() => npyIntegers(floats, 'f.npy'), /expected an integer dtype such as '<i8', got "<f8"/);
  const short = parseNpy(npy('<i8', [4], Buffer.alloc(16)), 't.npy');
  assert.throws(() => npyIntegers(short, 't.npy'), /needs 32 bytes, got 16 \(truncated\?\)/);
});

test("ZIP: numpy's members come out whole; corruption, truncation and foreign files are caught", () => {
  const zip = Buffer.from(SAVEZ_BASE64, 'base64');
  const stored = readZip(zip, 'z.npz');
  assert.deepEqual([...stored.keys()], ['x.npy', 'y.npy']);
  assert.deepEqual(readZip(Buffer.from(SAVEZ_COMPRESSED_BASE64, 'base64'), 'zc.npz'), stored, 'deflated members inflate to the stored bytes');
  const corrupt = Buffer.from(zip);
  // x.npy's data starts after its 30-byte local header, its name and numpy's 20-byte zip64 extra field.
  corrupt[30 + 'x.npy'.length + 20 + 8] ^= 0xff;
  assert.throws(() => readZip(corrupt, 'c.npz'), /c\.npz: .*"x\.npy" fails its CRC-32 check/);
  assert.throws(() => readZip(zip.subarray(0, 40), 't.npz'), /t\.npz: not a readable ZIP archive \(\.npz\): no end-of-central-directory record/);
  assert.throws(() => readZip(Buffer.from('{"not": "a zip"}'), 'j.npz'), /no end-of-central-directory record/);
});

import zlib from 'node:zlib';

export class DatasetError extends Error {
  override name = 'DatasetError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`64-bit ZIP field ${value} is beyond 2**53`);
  return Number(value);
}

/**
 * Reads a ZIP archive as numpy's savez/savez_compressed writes it: stored or deflated members,
 * zip64 records included (numpy forces zip64 on every member). Sizes and offsets come from the
 * central directory, which is authoritative; CRCs are checked. Returns member name -> bytes.
 */
export function readZip(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): never => {
    throw new DatasetError(`${file}: not a readable ZIP archive (.npz): ${what}`);
  };
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) bad(`no end-of-central-directory record in its ${bytes.length} bytes`);
  let entries = view.getUint16(eocd + 10, true);
  let centralOffset = view.getUint32(eocd + 16, true);
  if ((entries === 0xffff || centralOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const record = u64(view, eocd - 20 + 8);
    if (record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_EOCD) bad('the zip64 end-of-central-directory locator points nowhere');
    entries = u64(view, record + 32);
    centralOffset = u64(view, record + 48);
  }

  const members = new Map<string, Uint8Array>();
  let at = centralOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) bad(`central directory entry ${n} at offset ${at} is missing or damaged`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localOffset = view.getUint32(at + 42, true);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // The zip64 extra field holds, in this order, only the fields whose 32-bit slot is saturated.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(x, true);
      const length = view.getUint16(x + 2, true);
      if (id === 0x0001) {
        let field = x + 4;
        if (size === 0xffffffff) (size = u64(view, field)), (field += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(view, field)), (field += 8);
        if (localOffset === 0xffffffff) localOffset = u64(view, field);
      }
      x += 4 + length;
    }
    if (flags & 0x1) bad(`member ${JSON.stringify(name)} is encrypted`);
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL)
      bad(`member ${JSON.stringify(name)}: no local header at offset ${localOffset}`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > bytes.length)
      bad(`member ${JSON.stringify(name)} needs ${compressedSize} bytes at offset ${dataStart}, the file has ${bytes.length} (truncated?)`);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    if (method === STORED) data = raw;
    else if (method === DEFLATED) {
      try {
        data = zlib.inflateRawSync(raw);
      } catch (error) {
        bad(`member ${JSON.stringify(name)} does not inflate (${(error as Error).message})`);
      }
    } else bad(`member ${JSON.stringify(name)} uses compression method ${method}; only 0 (stored) and 8 (deflated) are supported`);
    if (data!.length !== size) bad(`member ${JSON.stringify(name)} should be ${size} bytes, got ${data!.length}`);
    if (zlib.crc32(data!) >>> 0 !== crc) bad(`member ${JSON.stringify(name)} fails its CRC-32 check (corrupt)`);
    members.set(name, data!);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

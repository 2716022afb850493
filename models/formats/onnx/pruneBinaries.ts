/**
 * onnxruntime-node ships its native library for every platform it supports (about 290 MB, of
 * which linux/x64 is 45 MB). Run after install (package.json `prepare`), this removes the other
 * platforms' copies; a later `npm ci` brings them back, and this removes them again.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ONNXRUNTIME_PACKAGE } from './onnxEngine.js';

function size(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? size(p) : fs.statSync(p).size);
  }, 0);
}

/** The platform/arch directories under onnxruntime-node's bin/ that this machine cannot load, removed; returns what went. */
export function pruneOtherPlatforms(packageDir: string, keep = `${process.platform}/${process.arch}`): { removed: string[]; bytes: number } {
  const removed: string[] = [];
  let bytes = 0;
  const bin = path.join(packageDir, 'bin');
  if (!fs.existsSync(bin)) return { removed, bytes };
  // bin/napi-v<N>/<platform>/<arch>
  for (const napi of fs.readdirSync(bin)) {
    for (const platform of fs.readdirSync(path.join(bin, napi))) {
      for (const arch of fs.readdirSync(path.join(bin, napi, platform))) {
        if (`${platform}/${arch}` === keep) continue;
        const dir = path.join(bin, napi, platform, arch);
        bytes += size(dir);
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(`${platform}/${arch}`);
      }
    }
  }
  return { removed, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let packageDir: string | null = null;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve(`${ONNXRUNTIME_PACKAGE}/package.json`));
  } catch {
    // Not installed (an optional dependency whose install failed): nothing to prune.
  }
  if (packageDir !== null) {
    const { removed, bytes } = pruneOtherPlatforms(packageDir);
    if (removed.length > 0)
      process.stdout.write(
        `tidepool: removed ${ONNXRUNTIME_PACKAGE}'s binaries for ${removed.join(', ')} (${Math.round(bytes / 1048576)} MB), ` +
          `unused on ${process.platform}/${process.arch}\n`,
      );
  }
}

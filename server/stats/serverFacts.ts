/**
 * Facts about the server that do not change while it runs: tidepool's version and the model
 * the workers serve. Read once, at start, so building a stats document never touches the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../core/paths.js';
import { METADATA_FILE, parseMetadata } from '../../models/index.js';

export interface ServerFacts {
  /** tidepool's version, from package.json: "0.1.0". */
  version: string;
  model: { dir: string; classes: number; num_words: number };
}

export function readServerFacts(modelDir: string): ServerFacts {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  const version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  return { version, model: { dir: modelDir, ...modelShape(modelDir) } };
}

/**
 * The model's shape from its metadata. A model that cannot be read reads as 0 classes and 0
 * words: the workers fail to load it and say why, and the stats must still be served.
 */
function modelShape(dir: string): { classes: number; num_words: number } {
  const file = path.join(dir, METADATA_FILE);
  try {
    const meta = parseMetadata(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    return { classes: meta.labels.length, num_words: meta.numWords };
  } catch {
    return { classes: 0, num_words: 0 };
  }
}

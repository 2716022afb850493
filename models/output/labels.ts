import fs from 'node:fs';
import { ModelError } from '../model/modelError.js';

/**
 * Class names from a file: a JSON array (of strings or numbers), or plain text with one name per
 * line. There must be one per class of the model's output.
 */
export function readLabels(file: string, classes: number): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelError(
      `${file}: ${code === 'ENOENT' ? 'missing' : `cannot be read (${code})`}; expected the class names (labels), one per line or a JSON array`,
    );
  }
  let labels: string[];
  if (/^\s*\[/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ModelError(`${file}: starts like a JSON array of labels but is not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(json) || json.some((label) => typeof label !== 'string' && typeof label !== 'number')) {
      throw new ModelError(`${file}: expected a JSON array of label strings`);
    }
    labels = json.map(String);
  } else {
    labels = text.split(/\r?\n/).map((line) => line.trim());
    while (labels.length > 0 && labels.at(-1) === '') labels.pop();
  }
  if (labels.length !== classes) throw new ModelError(`${file}: has ${labels.length} labels, but the model's output has ${classes} classes`);
  return labels;
}

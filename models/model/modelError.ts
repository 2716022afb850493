/**
 * A model directory that cannot be served: missing or corrupt files, or files that disagree
 * with each other. The message names the file, what was expected and what came.
 */
export class ModelError extends Error {
  override name = 'ModelError';
}

/** A request the route refuses: its status (4xx) and a message saying what was expected and what came. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A short, safe description of a value for an error message (never walks deep structures). */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)} (string)`;
  return `${String(value)} (${typeof value})`;
}

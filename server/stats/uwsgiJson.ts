/**
 * uWSGI's stats layout: tab-indented, `"key":value` without spaces, empty lists and objects
 * with a blank line inside, strings of a list at column 0, and an object under a key opened
 * after a run of tabs. People diff tidepool's document against uWSGI's and some scripts grep
 * it, so the layout is uWSGI's byte for byte (test/stats/uwsgiJson.test.ts checks the
 * captured documents). Unlike uWSGI, strings are escaped, so the text is always valid JSON.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** The document in uWSGI's layout (`minified`: one line, as with `stats-minified`). */
export function formatUwsgiJson(value: Json | object, minified = false): string {
  if (minified) return JSON.stringify(value);
  const v = value as Json;
  if (isObject(v)) return objectText(v, 0);
  if (Array.isArray(v)) return arrayText(v, 0);
  return scalarText(v);
}

function isObject(v: Json | undefined): v is { [key: string]: Json | undefined } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const tabs = (n: number): string => '\t'.repeat(n);

/** An object whose braces sit at `indent` tabs; its keys one deeper. Undefined members are left out, as JSON.stringify does. */
function objectText(obj: { [key: string]: Json | undefined }, indent: number): string {
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (keys.length === 0) return `{\n\n${tabs(indent)}}`;
  const lines = keys.map((k) => `${tabs(indent + 1)}${JSON.stringify(k)}:${memberText(obj[k]!, indent + 1)}`);
  return `{\n${lines.join(',\n')}\n${tabs(indent)}}`;
}

/** The value of a key written at `indent` tabs. */
function memberText(v: Json, indent: number): string {
  if (Array.isArray(v)) return arrayText(v, indent);
  if (isObject(v)) return tabs(indent) + objectText(v, indent);
  return scalarText(v);
}

function arrayText(items: Json[], indent: number): string {
  if (items.length === 0) return `[\n\n${tabs(indent)}]`;
  return `[\n${items.map((item) => elementText(item, indent + 1)).join(',\n')}\n${tabs(indent)}]`;
}

function elementText(v: Json, indent: number): string {
  if (isObject(v)) return tabs(indent) + objectText(v, indent);
  if (Array.isArray(v)) return tabs(indent) + arrayText(v, indent);
  return scalarText(v);
}

function scalarText(v: string | number | boolean | null): string {
  return JSON.stringify(v);
}

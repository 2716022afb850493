/**
 * A worker loads the user's app: imports the file (ESM or CommonJS), takes the export `callable`
 * names (`app`, else the default export), and tells what it is: a (req, res) function (an
 * express app is one) or a `{ predict(inputs) }` object. Anything else, or a file that throws
 * while loading, is an AppLoadError that names the file and says why.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeRequestListener } from '../protocol/trackedRequests.js';
import type { Servable } from '../../models/index.js';
import { servableFromObject, type PredictObject } from './predictObject.js';
import type { AppTarget } from './resolveApp.js';

export type LoadedApp = { kind: 'listener'; listener: NodeRequestListener; description: string } | { kind: 'predict'; servable: Servable; description: string };

export class AppLoadError extends Error {
  override name = 'AppLoadError';
}

const EXPECTED = 'an express app, a (req, res) function, or an object with a predict(inputs) method';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ` (app.js:12:5)`: the first place in the app's own file that the error's stack names. */
function whereInFile(error: unknown, file: string): string {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const m = new RegExp(`(?:${escapeRegExp(pathToFileURL(file).href)}|${escapeRegExp(file)}):(\\d+)(?::(\\d+))?`).exec(stack);
  return m ? ` (${path.basename(file)}:${m[1]}${m[2] ? `:${m[2]}` : ''})` : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function pickExport(ns: Record<string, unknown>, target: AppTarget): { name: string; value: unknown } {
  const name = target.callable || 'app';
  if (ns[name] !== undefined) return { name, value: ns[name] };
  // CommonJS: node finds most names a module exports, not all (Object.assign(module.exports, ...)).
  const fallback = ns.default;
  if (typeof fallback === 'object' && fallback !== null && Object.hasOwn(fallback, name)) {
    return { name, value: (fallback as Record<string, unknown>)[name] };
  }
  if (target.callable === '' && fallback !== undefined) return { name: 'default', value: fallback };
  const names = Object.keys(ns).filter((k) => ns[k] !== undefined);
  throw new AppLoadError(
    `${target.file} has no export \`${name}\`${target.callable === '' ? ' and no default export' : ''} ` +
      `(its exports: ${names.length > 0 ? names.join(', ') : 'none'}); set \`callable\` to the one to serve`,
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const keys = Object.keys(value).slice(0, 8);
  return keys.length > 0 ? `an object with keys ${keys.join(', ')}` : 'an empty object';
}

function classify(value: unknown, where: string): LoadedApp {
  if (typeof value === 'function') {
    const f = value as unknown as Record<string, unknown>;
    const express = typeof f.handle === 'function' && typeof f.use === 'function' && typeof f.set === 'function';
    return { kind: 'listener', listener: value as NodeRequestListener, description: `${express ? 'express app' : '(req, res) handler'} ${where}` };
  }
  const o = value as Record<string, unknown> | null;
  if (typeof o?.predict === 'function') {
    const servable = servableFromObject(o as unknown as PredictObject, where);
    return { kind: 'predict', servable, description: `predict(inputs) object ${where}, behind tidepool's /predict` };
  }
  if (typeof o?.listen === 'function' && typeof o.address === 'function') {
    throw new AppLoadError(
      `${where} is a server: export the request handler you would pass to http.createServer() instead ` +
        "(tidepool's master owns the sockets, so the app must not listen)",
    );
  }
  const koa = typeof o?.callback === 'function' ? '; for a Koa app, export app.callback()' : '';
  throw new AppLoadError(`${where} is ${describeValue(value)}; expected ${EXPECTED}${koa}`);
}

export async function loadApp(target: AppTarget): Promise<LoadedApp> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(target.file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new AppLoadError(`${target.file} threw while loading${whereInFile(error, target.file)}: ${errorText(error)}`, { cause: error });
  }
  const { name, value } = pickExport(ns, target);
  const where = `\`${name}\` of ${target.file}`;
  let app = value;
  if (isThenable(value)) {
    try {
      app = await value;
    } catch (error) {
      throw new AppLoadError(`${where} is a promise that rejected${whereInFile(error, target.file)}: ${errorText(error)}`, { cause: error });
    }
  }
  return classify(app, where);
}

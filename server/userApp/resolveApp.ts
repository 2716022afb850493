/**
 * Which app the workers serve, decided once in the master from uWSGI's `file` / `module` /
 * `callable` (resolved against `chdir`), before any worker starts: a JS file of the user's, or
 * tidepool's built-in /predict. Reads the file system, imports nothing (the workers load the
 * app themselves, as uWSGI's lazy-apps do).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/index.js';

/** A user's app: the file to import and the export to serve ('' = `app`, else the default export). */
export interface AppTarget {
  file: string;
  callable: string;
}

export interface AppOptions {
  file: string;
  module: string;
  callable: string;
}

export interface ResolvedApp {
  /** null: tidepool's built-in /predict */
  target: AppTarget | null;
  warnings: string[];
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];
const BUILTIN = "serving tidepool's built-in /predict instead, which does the job of the tutorial's Flask app";

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function typeScriptError(option: 'file' | 'module', given: string, file: string): ConfigError {
  return new ConfigError(
    `Expected \`${option}\` to be a JavaScript module, got \`${given}\`, which is the TypeScript file ${file}: compile it first (tsc) ` +
      `and give the .js it writes. Node 20 cannot import TypeScript (node --experimental-strip-types needs Node 22.6 or later).`,
    option,
  );
}

function fromFile(file: string, callable: string, dir: string): ResolvedApp {
  const abs = path.resolve(dir, file);
  const ext = path.extname(abs).toLowerCase();
  if (ext === '.py') {
    return { target: null, warnings: [`\`file = ${file}\` is a Python file: ${BUILTIN}. Give a .js, .mjs or .cjs file to serve your own Node app.`] };
  }
  if (TS_EXTENSIONS.includes(ext)) throw typeScriptError('file', file, abs);
  if (!JS_EXTENSIONS.includes(ext)) throw new ConfigError(`Expected \`file\` to end in .js, .mjs or .cjs, got \`${file}\``, 'file');
  if (!isFile(abs)) throw new ConfigError(`Expected \`file\` to name an app file, got \`${file}\`: there is no file ${abs}`, 'file');
  return { target: { file: abs, callable }, warnings: [] };
}

function fromModule(module: string, callable: string, dir: string): ResolvedApp {
  const colon = module.indexOf(':');
  const name = colon === -1 ? module : module.slice(0, colon);
  const ownCallable = colon === -1 ? '' : module.slice(colon + 1);
  if (!/^[\w$-]+(\.[\w$-]+)*$/.test(name) || (colon !== -1 && ownCallable === '')) {
    const hint = name.includes('/') || /\.[cm]?js$/.test(name) ? '; for a path, use `file`' : '';
    throw new ConfigError(`Expected \`module\` to be a module name such as \`app\`, \`api.app\` or \`wsgi:app\`, got \`${module}\`${hint}`, 'module');
  }
  const warnings: string[] = [];
  if (ownCallable !== '' && callable !== '' && callable !== ownCallable) {
    warnings.push(`\`module = ${module}\` names its callable \`${ownCallable}\`: it wins over \`callable = ${callable}\``);
  }
  const base = path.join(dir, ...name.split('.'));
  const candidates = [...JS_EXTENSIONS.map((e) => base + e), ...JS_EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  const found = candidates.find(isFile);
  if (found !== undefined) return { target: { file: found, callable: ownCallable || callable }, warnings };
  const ts = TS_EXTENSIONS.map((e) => base + e).find(isFile);
  if (ts !== undefined) throw typeScriptError('module', module, ts);
  const python = [base + '.py', path.join(base, '__init__.py')].find(isFile);
  // uWSGI's `module:callable` is the Python form (the tutorial's `wsgi:app`): with no JS module
  // of that name, it is the tutorial's Flask app whether or not its .py file came along.
  if (python !== undefined || colon !== -1) {
    const what = python !== undefined ? `is the Python module ${python}` : "is uWSGI's module:callable form for a Python app";
    const js = path.relative(dir, base) + '.js';
    warnings.push(
      `\`module = ${module}\` ${what}, and there is no JS module ${name} (${js}, .mjs, .cjs) in ${dir}: ${BUILTIN}. ` +
        `Put a ${js} exporting \`${ownCallable || callable || 'app'}\` there to serve your own Node app.`,
    );
    return { target: null, warnings };
  }
  throw new ConfigError(
    `Expected \`module = ${module}\` to name a JS module in ${dir}, found none: ` +
      `tried ${candidates.map((c) => path.relative(dir, c)).join(', ')} (and no ${name}.py)`,
    'module',
  );
}

export function resolveApp(options: AppOptions, dir: string): ResolvedApp {
  const { file, module, callable } = options;
  if (file !== '' && module !== '') {
    throw new ConfigError(`Expected one of \`file\` and \`module\`, got both (file = ${file}, module = ${module}): tidepool serves one app`, 'file');
  }
  if (file !== '') return fromFile(file, callable, dir);
  if (module !== '') return fromModule(module, callable, dir);
  if (callable !== '') {
    return { target: null, warnings: [`\`callable = ${callable}\` has no effect without \`file\` or \`module\`: serving tidepool's built-in /predict`] };
  }
  return { target: null, warnings: [] };
}

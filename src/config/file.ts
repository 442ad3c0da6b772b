import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { compileBodyPattern, METHODS, parseRouteLine, parseStatusList, readRouteLine } from './route-line.js';
import type { ConfigIssue, RouteSpec } from './types.js';
import { parseHeaderLine } from './values.js';
import { MAX_CONFIG_BYTES, MAX_ROUTES, SETTING_NAMES, WORKFLOW_ONLY } from './defaults.js';
import { didYouMean } from './suggest.js';

/** The YAML config file: the same settings as the inputs, plus per-route options. */

export interface FileSetting {
  value: unknown;
  line: number;
}

export interface ConfigFile {
  /** As the user named it, for messages. */
  name: string;
  settings: Map<string, FileSetting>;
  routes?: RouteSpec[];
  headers?: Array<readonly [string, string]>;
}

const ROUTE_KEYS = ['path', 'method', 'status', 'contains', 'matches', 'headers'] as const;
const FILE_KEYS: readonly string[] = SETTING_NAMES.filter(
  (k) => k !== 'config' && k !== 'report' && !(WORKFLOW_ONLY as readonly string[]).includes(k),
);

/** Resolves `name` inside `workspace`, refusing anything that leads outside it (also through links). */
export function resolveInWorkspace(
  name: string,
  workspace: string,
  confine = true,
): { path?: string; message?: string } {
  const root = safeRealpath(resolve(workspace));
  const candidate = resolve(root, name);
  const real = safeRealpath(candidate);
  const rel = relative(root, real);
  if (confine && (rel.startsWith('..') || isAbsolute(rel))) {
    return { message: `"${name}" is outside the workspace (${root}); give a path inside it` };
  }
  return { path: real };
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export function loadConfigFile(
  name: string,
  workspace: string,
  confine: boolean,
  issues: ConfigIssue[],
): ConfigFile | undefined {
  const where = resolveInWorkspace(name, workspace, confine);
  if (!where.path) {
    issues.push({ input: 'config', message: where.message! });
    return undefined;
  }
  const text = readBounded(where.path, name, issues);
  if (text === undefined) return undefined;
  return parseConfigText(text, name, issues);
}

/**
 * The file's text, if it is a regular file of at most MAX_CONFIG_BYTES. The size is checked before a
 * byte is parsed: the file comes from the pull request, and YAML parsing is where time and memory go.
 */
function readBounded(path: string, name: string, issues: ConfigIssue[]): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      issues.push({ input: 'config', message: `"${name}" is not a regular file; give a YAML file in the workspace` });
      return undefined;
    }
    // Read one byte past the cap, so a file that grows between fstat and read is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_CONFIG_BYTES) + 1);
    const size = readSync(fd, buffer, 0, buffer.length, 0);
    if (stat.size > MAX_CONFIG_BYTES || size > MAX_CONFIG_BYTES) {
      issues.push({
        input: 'config',
        message: `"${name}" is ${Math.ceil(Math.max(stat.size, size) / 1024)} KiB; a config file may be at most ${MAX_CONFIG_BYTES / 1024} KiB`,
      });
      return undefined;
    }
    return buffer.subarray(0, size).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push({
      input: 'config',
      message: `cannot read "${name}" (${code ?? 'error'}); give a YAML file in the workspace`,
    });
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function parseConfigText(text: string, name: string, issues: ConfigIssue[]): ConfigFile | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at: LineOf = (node) => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      issues.push({
        input: 'config',
        message: `${name} line ${pos.line}, column ${pos.col}: ${error.message.split('\n')[0]}`,
      });
    }
    return undefined;
  }
  const file: ConfigFile = { name, settings: new Map() };
  if (doc.contents === null) return file;
  if (!isMap(doc.contents)) {
    issues.push({ input: 'config', message: `${name}: the file must be a mapping of settings (key: value)` });
    return undefined;
  }
  const here = (line: number) => `${name} line ${line}`;
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = at(pair.key as Node);
    if (key === 'report') {
      // The file comes from the pull request: it never chooses where anything is written.
      issues.push({
        input: 'config',
        message: `${here(line)}: "report" cannot be set in the config file; the action writes the report to RUNNER_TEMP, the CLI takes --report`,
      });
      continue;
    }
    if ((WORKFLOW_ONLY as readonly string[]).includes(key)) {
      // What fails the job, the comment, the commit status and files written are the workflow's to decide.
      issues.push({
        input: 'config',
        message: `${here(line)}: "${key}" cannot be set in the config file (it comes with the pull request); set the action input \`${key}\` in the workflow`,
      });
      continue;
    }
    if (!FILE_KEYS.includes(key)) {
      issues.push({
        input: 'config',
        message: `${here(line)}: unknown key "${key}"${didYouMean(key, FILE_KEYS)}; accepted keys: ${FILE_KEYS.join(', ')}`,
      });
      continue;
    }
    if (key === 'routes') {
      file.routes = readRouteList(pair.value as Node, here, at, issues);
    } else if (key === 'headers') {
      file.headers = readHeaders(pair.value as Node, here(line), 'headers', issues);
    } else {
      const value = isScalar(pair.value) ? pair.value.value : (pair.value as Node | null)?.toJSON();
      if (value !== null && typeof value === 'object') {
        issues.push({ input: key, message: `${here(line)}: expected a single value, not a list or mapping` });
        continue;
      }
      file.settings.set(key, { value, line });
    }
  }
  return file;
}

type LineOf = (node: unknown) => number;

/** The file's `routes:` list: route lines and route mappings. */
function readRouteList(
  node: Node | null,
  here: (line: number) => string,
  at: LineOf,
  issues: ConfigIssue[],
): RouteSpec[] {
  if (!isSeq(node)) {
    issues.push({ input: 'routes', message: `${here(at(node))}: routes must be a list` });
    return [];
  }
  if (node.items.length > MAX_ROUTES) {
    // Counted before any route is read: each one costs a parse, and a pattern a compile.
    issues.push({
      input: 'routes',
      message: `${here(at(node))}: ${node.items.length} routes; a run checks at most ${MAX_ROUTES}`,
    });
    return [];
  }
  const routes: RouteSpec[] = [];
  for (const item of node.items as Node[]) {
    const line = at(item);
    if (isScalar(item)) {
      const route = readRouteLine(String(item.value), here(line), issues);
      if (route) routes.push(route);
    } else if (isMap(item)) {
      const route = readRouteObject(item, here, at, issues);
      if (route) routes.push(route);
    } else {
      issues.push({
        input: 'routes',
        message: `${here(line)}: a route is a route line or a mapping with ${ROUTE_KEYS.join(', ')}`,
      });
    }
  }
  return routes;
}

function readRouteObject(
  map: YAMLMap,
  here: (line: number) => string,
  at: LineOf,
  issues: ConfigIssue[],
): RouteSpec | undefined {
  const before = issues.length;
  const get = new Map<string, { node: Node; line: number }>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = at(pair.key as Node);
    if (!(ROUTE_KEYS as readonly string[]).includes(key)) {
      issues.push({
        input: 'routes',
        message: `${here(line)}: unknown route key "${key}"${didYouMean(key, ROUTE_KEYS)}; accepted keys: ${ROUTE_KEYS.join(', ')}`,
      });
    } else {
      get.set(key, { node: pair.value as Node, line });
    }
  }
  const scalar = (key: string): string | undefined => {
    const entry = get.get(key);
    if (!entry) return undefined;
    if (!isScalar(entry.node)) {
      issues.push({ input: 'routes', message: `${here(entry.line)}: ${key} must be a single value` });
      return undefined;
    }
    return String(entry.node.value);
  };
  const path = scalar('path');
  const line = at(map);
  if (!path) {
    if (!get.has('path')) issues.push({ input: 'routes', message: `${here(line)}: a route needs a path` });
    return undefined;
  }
  const pathCheck = parseRouteLine(path);
  if (!pathCheck.ok || pathCheck.value.path !== path.trim()) {
    issues.push({
      input: 'routes',
      message: `${here(get.get('path')!.line)}: path "${path}" must be a single path starting with "/"`,
    });
  }
  const method = (scalar('method') ?? 'GET').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) {
    issues.push({
      input: 'routes',
      message: `${here(get.get('method')!.line)}: unknown method "${method}"; use one of ${METHODS.join(', ')}`,
    });
  }
  const statusText = scalar('status');
  const status = statusText === undefined ? undefined : parseStatusList(statusText);
  if (status && !status.ok)
    issues.push({ input: 'routes', message: `${here(get.get('status')!.line)}: ${status.message}` });
  const contains = scalar('contains');
  const matches = scalar('matches');
  if (contains !== undefined && matches !== undefined) {
    issues.push({ input: 'routes', message: `${here(line)}: use either contains or matches, not both` });
  }
  let body: RouteSpec['body'];
  if (contains !== undefined) body = { kind: 'contains', text: contains };
  if (matches !== undefined) {
    const literal = /^\/(.+)\/([a-z]*)$/.exec(matches);
    const compiled = compileBodyPattern(literal ? literal[1]! : matches, literal ? literal[2]! : '');
    if (compiled.ok) body = compiled.value;
    else issues.push({ input: 'routes', message: `${here(get.get('matches')!.line)}: ${compiled.message}` });
  }
  const headerEntry = get.get('headers');
  const headers = headerEntry ? readHeaders(headerEntry.node, here(headerEntry.line), 'routes', issues) : [];
  if (issues.length > before) return undefined;
  const label = [method === 'GET' ? '' : method, path, statusText ?? ''].filter(Boolean).join(' ');
  return { method, path: path.trim(), expect: status?.ok ? status.value : undefined, body, headers, label };
}

function readHeaders(
  node: Node | null,
  where: string,
  input: string,
  issues: ConfigIssue[],
): Array<readonly [string, string]> {
  const lines: string[] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      const value = isScalar(pair.value) ? String(pair.value.value) : '';
      lines.push(`${isScalar(pair.key) ? String(pair.key.value) : ''}: ${value}`);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) lines.push(isScalar(item) ? String(item.value) : '');
  } else if (isScalar(node)) {
    lines.push(
      ...String(node.value)
        .split('\n')
        .filter((l) => l.trim()),
    );
  } else {
    issues.push({
      input,
      message: `${where}: headers must be a mapping (Name: value) or a list of "Name: value" lines`,
    });
    return [];
  }
  const headers: Array<readonly [string, string]> = [];
  for (const line of lines) {
    const parsed = parseHeaderLine(line);
    if (parsed.ok) headers.push(parsed.value);
    else issues.push({ input, message: `${where}: ${parsed.message}` });
  }
  return headers;
}

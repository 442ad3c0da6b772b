import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { MAX_TARGETS } from '../config/defaults.js';
import { readHeaders, readRouteList, type ConfigFile, type LineOf } from '../config/file.js';
import type { ConfigIssue, TargetSpec } from '../config/types.js';
import { parseBaseUrl, parseHealthPath, parseLatencyBudget } from '../config/values.js';
import { parseDiscoverMode } from '../config/discover.js';
import type { Parsed } from '../config/route-line.js';

/**
 * `targets:` — several deploys of one commit (a monorepo's projects or services), each a mapping:
 *
 *   targets:
 *     - name: web
 *       environment: Preview – web
 *       routes: [/, /pricing]
 *     - name: api
 *       url: https://api.example.com
 *       health-path: /healthz
 *
 * The same list is accepted as the `targets` input (its YAML text) and as the config file's key; the
 * input wins. Every problem is collected with the rest of the configuration's, before any request.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/**
 * Run-wide settings a target may also set for itself, passed through by name to the same parser as the
 * run-wide value (targets/run.ts applies them to the target's own config).
 */
export const TARGET_PASS_THROUGH: readonly string[] = ['discover', 'baseline-url', 'latency-budget'];

/** How each pass-through value is checked when the list is read (before any request). */
const PASS_THROUGH_PARSERS: Record<string, (text: string) => Parsed<unknown>> = {
  discover: parseDiscoverMode,
  'baseline-url': parseBaseUrl,
  'latency-budget': parseLatencyBudget,
};

const TARGET_KEYS = [
  'name',
  'url',
  'environment',
  'health-path',
  'routes',
  'headers',
  'expect-version',
  ...TARGET_PASS_THROUGH,
];

export function readTargets(
  inputText: string | undefined,
  file: ConfigFile | undefined,
  issues: ConfigIssue[],
): TargetSpec[] | undefined {
  if (inputText !== undefined) return readTargetInput(inputText, issues);
  const list = file!.targets!;
  return readTargetList(list.node, list.here, list.at, issues, list.line);
}

function readTargetInput(text: string, issues: ConfigIssue[]): TargetSpec[] | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      issues.push({
        input: 'targets',
        message: `line ${pos.line}, column ${pos.col}: ${error.message.split('\n')[0]}`,
      });
    }
    return undefined;
  }
  const at: LineOf = (node) => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  };
  return readTargetList(doc.contents as Node | null, (line) => `targets input line ${line}`, at, issues, 1);
}

function readTargetList(
  node: Node | null,
  here: (line: number) => string,
  at: LineOf,
  issues: ConfigIssue[],
  line: number,
): TargetSpec[] | undefined {
  const example = 'each item a mapping such as {name: web, environment: "Preview – web"}';
  if (!isSeq(node) || node.items.length === 0) {
    issues.push({
      input: 'targets',
      message: `${here(at(node) || line)}: targets must be a non-empty list (${example})`,
    });
    return undefined;
  }
  if (node.items.length > MAX_TARGETS) {
    issues.push({
      input: 'targets',
      message: `${here(at(node))}: ${node.items.length} targets; a run checks at most ${MAX_TARGETS} (split them with shard: K/N)`,
    });
    return undefined;
  }
  const targets: TargetSpec[] = [];
  const seen = new Set<string>();
  for (const item of node.items as Node[]) {
    if (!isMap(item)) {
      issues.push({
        input: 'targets',
        message: `${here(at(item))}: a target is a mapping with ${TARGET_KEYS.join(', ')}`,
      });
      continue;
    }
    const target = readTarget(item, here, at, issues);
    if (!target) continue;
    if (seen.has(target.name.toLowerCase())) {
      issues.push({ input: 'targets', message: `${here(at(item))}: two targets are named "${target.name}"` });
      continue;
    }
    seen.add(target.name.toLowerCase());
    targets.push(target);
  }
  return targets;
}

function readTarget(map: YAMLMap, here: (line: number) => string, at: LineOf, issues: ConfigIssue[]) {
  const before = issues.length;
  const get = new Map<string, { node: Node | null; line: number }>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = at(pair.key);
    if (!TARGET_KEYS.includes(key)) {
      issues.push({
        input: 'targets',
        message: `${here(line)}: unknown target key "${key}"; accepted keys: ${TARGET_KEYS.join(', ')}`,
      });
    } else get.set(key, { node: pair.value as Node | null, line });
  }
  const scalar = (key: string): string | undefined => {
    const entry = get.get(key);
    if (!entry) return undefined;
    if (!isScalar(entry.node) || entry.node.value === null) {
      issues.push({ input: 'targets', message: `${here(entry.line)}: ${key} must be a single value` });
      return undefined;
    }
    return String(entry.node.value).trim();
  };
  const name = scalar('name');
  if (name === undefined) {
    if (!get.has('name')) issues.push({ input: 'targets', message: `${here(at(map))}: a target needs a name` });
    return undefined;
  }
  if (!NAME.test(name)) {
    issues.push({
      input: 'targets',
      message: `${here(get.get('name')!.line)}: name "${name}" is not accepted; use 1 to 40 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    });
    return undefined;
  }
  const where = (key: string) => `${here(get.get(key)!.line)}: target ${name}: ${key}`;
  const target: TargetSpec = { name, settings: {} };
  const urlText = scalar('url');
  if (urlText !== undefined) {
    const url = parseBaseUrl(urlText);
    if (url.ok) target.url = url.value;
    else issues.push({ input: 'targets', message: `${where('url')} ${url.message}` });
  }
  target.environment = scalar('environment') || undefined;
  if (!get.has('url') && !get.has('environment')) {
    issues.push({
      input: 'targets',
      message: `${here(at(map))}: target ${name} needs a url or an environment (a deployment environment name or glob to wait for)`,
    });
  }
  const health = scalar('health-path');
  if (health !== undefined) {
    const parsed = parseHealthPath(health);
    if (parsed.ok) target.healthPath = parsed.value;
    else issues.push({ input: 'targets', message: `${where('health-path')} ${parsed.message}` });
  }
  target.expectVersion = scalar('expect-version') || undefined;
  const routes = get.get('routes');
  if (routes) {
    target.routes = readRouteList(routes.node, here, at, issues, 'targets');
    if (isSeq(routes.node) && routes.node.items.length === 0)
      issues.push({ input: 'targets', message: `${where('routes')} give at least one route, e.g. /` });
  }
  const headers = get.get('headers');
  if (headers) target.headers = readHeaders(headers.node, here(headers.line), 'targets', issues);
  for (const key of TARGET_PASS_THROUGH) {
    const value = scalar(key);
    if (value === undefined) continue;
    const parsed = PASS_THROUGH_PARSERS[key]?.(value);
    if (parsed && !parsed.ok) issues.push({ input: 'targets', message: `${where(key)} ${parsed.message}` });
    else target.settings[key] = value;
  }
  return issues.length > before ? undefined : target;
}

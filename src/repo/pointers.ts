import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CauseId } from '../diagnosis/causes.js';

/**
 * Where in the checked-out repository the fix most likely goes: the settings line, the proxy directive,
 * the server bind. Only lines that exist are named; otherwise "no candidate found". The walk is bounded
 * (files, depth, size) so a large monorepo cannot slow the run down.
 */

export interface Pointer {
  /** Relative to the workspace, with `/` separators (what annotations expect). */
  file: string;
  line: number;
  text: string;
}

export interface PointerResult {
  pointer?: Pointer;
  /** Other places that match the same rule, for the summary. */
  others: number;
  /** What was looked for, in words (shown when nothing was found). */
  lookedFor: string;
}

interface Rule {
  file: RegExp;
  line: RegExp;
  what: string;
}

const DJANGO_SETTINGS = /(^|\/)settings(\/[^/]+)?\.py$|(^|\/)settings_[^/]*\.py$/;
const NGINX_CONF = /(^|\/)(nginx[^/]*\.conf|[^/]+\.conf|sites-(available|enabled)\/[^/]+)$/;
const GUNICORN_CONF = /(^|\/)gunicorn([._-][^/]*)?\.(conf\.)?py$/;

const RULES: Partial<Record<CauseId, Rule[]>> = {
  'host-rejected': [
    { file: DJANGO_SETTINGS, line: /^\s*ALLOWED_HOSTS\s*[=+]/, what: '`ALLOWED_HOSTS` in Django settings' },
    {
      file: DJANGO_SETTINGS,
      line: /^\s*CSRF_TRUSTED_ORIGINS\s*[=+]/,
      what: '`CSRF_TRUSTED_ORIGINS` in Django settings',
    },
    {
      file: /(^|\/)config\/environments\/production\.rb$/,
      line: /config\.hosts|host_authorization/,
      what: '`config.hosts` in Rails',
    },
    {
      file: /(^|\/)vite\.config\.(js|ts|mjs|cjs|mts)$/,
      line: /allowedHosts/,
      what: '`allowedHosts` in the Vite config',
    },
    { file: /\.py$/, line: /TrustedHostMiddleware/, what: 'Starlette `TrustedHostMiddleware`' },
  ],
  'upstream-unreachable': [
    { file: NGINX_CONF, line: /^\s*proxy_pass\s/, what: '`proxy_pass` in an nginx config' },
    { file: GUNICORN_CONF, line: /^\s*bind\s*=/, what: '`bind` in the gunicorn config' },
    { file: /(^|\/)Procfile$/, line: /gunicorn.*(--bind|\s-b\s)/, what: 'gunicorn `--bind` in the Procfile' },
    {
      file: /(^|\/)Dockerfile[^/]*$/,
      line: /gunicorn.*(--bind|\s-b\s)|uvicorn.*--(host|port)/,
      what: 'the app server bind in the Dockerfile',
    },
    { file: /(^|\/)Caddyfile$/, line: /reverse_proxy/, what: '`reverse_proxy` in the Caddyfile' },
    { file: /(^|\/)fly\.toml$/, line: /internal_port/, what: '`internal_port` in fly.toml' },
  ],
  'upstream-timeout': [
    { file: GUNICORN_CONF, line: /^\s*timeout\s*=/, what: '`timeout` in the gunicorn config' },
    { file: /(^|\/)(Procfile|Dockerfile[^/]*)$/, line: /gunicorn.*--timeout/, what: 'gunicorn `--timeout`' },
    { file: NGINX_CONF, line: /proxy_read_timeout/, what: '`proxy_read_timeout` in an nginx config' },
  ],
  'redirect-loop': [
    {
      file: DJANGO_SETTINGS,
      line: /^\s*(SECURE_PROXY_SSL_HEADER|SECURE_SSL_REDIRECT)\s*=/,
      what: '`SECURE_PROXY_SSL_HEADER` / `SECURE_SSL_REDIRECT` in Django settings',
    },
    {
      file: /(^|\/)config\/environments\/production\.rb$/,
      line: /force_ssl|assume_ssl/,
      what: '`force_ssl` / `assume_ssl` in Rails',
    },
  ],
  'static-assets-missing': [
    {
      file: DJANGO_SETTINGS,
      line: /^\s*(STATIC_ROOT|STATICFILES_STORAGE|STORAGES)\s*=/,
      what: '`STATIC_ROOT` / static storage in Django settings',
    },
    {
      file: /(^|\/)(Dockerfile[^/]*|Procfile|build\.sh)$/,
      line: /collectstatic/,
      what: '`collectstatic` in the build',
    },
    { file: DJANGO_SETTINGS, line: /^\s*STATIC_URL\s*=/, what: '`STATIC_URL` in Django settings' },
    { file: /(^|\/)vite\.config\.(js|ts|mjs|cjs|mts)$/, line: /^\s*base\s*:/, what: '`base` in the Vite config' },
    {
      file: /(^|\/)webpack\.config\.(js|ts|mjs|cjs)$/,
      line: /publicPath\s*:/,
      what: '`output.publicPath` in the webpack config',
    },
    { file: /(^|\/)next\.config\.(js|mjs|ts)$/, line: /assetPrefix\s*:/, what: '`assetPrefix` in the Next.js config' },
  ],
  'no-healthy-backend': [
    { file: /\.ya?ml$/, line: /readinessProbe\s*:/, what: 'a Kubernetes `readinessProbe`' },
    { file: /(^|\/)fly\.toml$/, line: /checks/, what: 'the service checks in fly.toml' },
    { file: /(^|\/)render\.ya?ml$/, line: /healthCheckPath/, what: '`healthCheckPath` in render.yaml' },
    { file: /(^|\/)railway\.(json|toml)$/, line: /healthcheckPath/, what: '`healthcheckPath` in the Railway config' },
    {
      file: DJANGO_SETTINGS,
      line: /^\s*ALLOWED_HOSTS\s*[=+]/,
      what: '`ALLOWED_HOSTS` in Django settings (health probes bypass it)',
    },
  ],
};

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'venv',
  '.venv',
  'env',
  'dist',
  'build',
  '__pycache__',
  'vendor',
  '.next',
  'target',
  '.tox',
  'coverage',
]);
const MAX_FILES = 5_000;
const MAX_DEPTH = 6;
const MAX_FILE_BYTES = 256 * 1024;

export function findPointer(cause: CauseId, workspace: string): PointerResult | undefined {
  const rules = RULES[cause];
  if (!rules) return undefined;
  const files = listFiles(workspace);
  for (const rule of rules) {
    const hits: Pointer[] = [];
    for (const file of files) {
      if (!rule.file.test(file)) continue;
      const hit = firstMatchingLine(join(workspace, file), rule.line);
      if (hit) hits.push({ file, ...hit });
    }
    if (hits.length) return { pointer: hits[0], others: hits.length - 1, lookedFor: rule.what };
  }
  return { others: 0, lookedFor: rules.map((r) => r.what).join(', ') };
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (files.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(path, depth + 1);
      else if (entry.isFile()) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root, 0);
  return files;
}

function firstMatchingLine(path: string, pattern: RegExp): { line: number; text: string } | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    const lines = readFileSync(path, 'utf8').split('\n');
    const index = lines.findIndex((l) => pattern.test(l));
    return index === -1 ? undefined : { line: index + 1, text: lines[index]!.trim().slice(0, 200) };
  } catch {
    return undefined;
  }
}

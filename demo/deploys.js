// Small local "deploys" for `npm run demo`: one healthy, and ones that reproduce the incidents the gate
// exists for. Failure pages are the real responses captured from Django, nginx and the Sevalla edge
// incident (test/fixtures), so the gate sees exactly what it would see in production.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const fixture = (name) => {
  for (const folder of ['captured', 'reconstructed']) {
    try {
      return JSON.parse(readFileSync(new URL(`../test/fixtures/${folder}/${name}.json`, import.meta.url), 'utf8'));
    } catch {}
  }
  throw new Error(`missing fixture ${name}`);
};
const replay = (res, name) => {
  const f = fixture(name);
  res.writeHead(f.status, f.headers).end(f.body);
};
const page = (res, title, stylesheet) =>
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' })
    .end(
      `<!doctype html><title>${title}</title>${stylesheet ? `<link rel="stylesheet" href="${stylesheet}">` : ''}<h1>${title}</h1>`,
    );
const health = (res, release = 'v2') =>
  res.writeHead(200, { 'content-type': 'text/plain', 'x-release': release }).end(`ok ${release}`);

/** Each deploy: how to reach it, what the gate is told, and what it must conclude. */
export const DEPLOYS = [
  {
    name: 'healthy',
    story: 'a Django app behind a proxy, everything fine',
    expect: { verdict: 'pass' },
    args: ['--route', '/', '--route', '/products/ 200', '--route', '/api/items 200 contains "items"'],
    handle(req, res) {
      if (req.url === '/health/') return health(res);
      if (req.url === '/api/items')
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
      if (req.url === '/static/shop/site.css') return res.writeHead(200, { 'content-type': 'text/css' }).end('h1{}');
      return page(res, 'Shop', '/static/shop/site.css');
    },
  },
  {
    name: 'django-allowed-hosts',
    story: 'health answered by a middleware before the Host check; shop.example.com missing from ALLOWED_HOSTS',
    expect: { verdict: 'fail', cause: 'host-rejected', where: 'shop/settings.py' },
    host: 'shop.example.com',
    args: ['--route', '/', '--route', '/products/'],
    allowedHosts: ['127.0.0.1', 'app.internal'],
    handle(req, res) {
      if (req.url === '/health/') return health(res); // the probe middleware runs before the Host check
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!this.allowedHosts.includes(host)) return replay(res, 'django-400-disallowed-host');
      return page(res, 'Shop');
    },
  },
  {
    name: 'sevalla-edge-503',
    story: 'the platform edge answers 503 X-Sevalla-Status: application-crashed while /health/ is 200',
    expect: { verdict: 'fail', cause: 'no-healthy-backend', where: 'deploy/app.yaml' },
    args: ['--route', '/', '--route', '/products/'],
    handle(req, res) {
      if (req.url === '/health/') return health(res);
      return replay(res, 'sevalla-application-crashed');
    },
  },
  {
    name: 'nginx-502-socket',
    story: 'nginx proxy_pass points at 127.0.0.1:8000 while gunicorn listens on a unix socket',
    expect: { verdict: 'fail', cause: 'upstream-unreachable', where: 'deploy/nginx.conf' },
    args: ['--route', '/', '--timeout', '3s'],
    handle(_req, res) {
      replay(res, 'nginx-502-refused');
    },
  },
  {
    name: 'worker-killed',
    story: 'one slow view; gunicorn kills the worker and nginx answers 502 after the wait',
    expect: { verdict: 'fail', cause: 'upstream-timeout', where: 'Procfile' },
    args: ['--route', '/', '--route', '/reports/', '--retries', '0'],
    handle(req, res) {
      if (req.url === '/health/') return health(res);
      if (req.url === '/reports/') return setTimeout(() => replay(res, 'nginx-502-worker-killed'), 1_200);
      return page(res, 'Shop');
    },
  },
  {
    name: 'slow-start',
    story: 'the app needs 2 s to boot; the proxy answers 502 until then',
    expect: { verdict: 'pass' },
    args: ['--route', '/'],
    startedAt: 0,
    handle(req, res) {
      if (Date.now() - this.startedAt < 2_000) return replay(res, 'nginx-502-refused');
      if (req.url === '/health/') return health(res);
      return page(res, 'Shop');
    },
  },
  {
    name: 'spa-blank-page',
    story:
      "index.html names this build's bundle, which was never uploaded; the SPA fallback answers it with index.html",
    expect: { verdict: 'fail', cause: 'static-assets-missing', where: 'frontend/vite.config.js' },
    args: ['--route', '/'],
    handle(req, res) {
      if (req.url === '/health/') return health(res);
      if (req.url === '/assets/index-Bx3f9a1c.css')
        return res.writeHead(200, { 'content-type': 'text/css' }).end('#root{min-height:100vh}');
      // Netlify/Vercel-style rewrite: every path without a file gets the app's index.html, 200.
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          '<!doctype html><html><head><title>Shop</title><script type="module" crossorigin src="/assets/index-3f9a1c.js"></script><link rel="stylesheet" crossorigin href="/assets/index-Bx3f9a1c.css"></head><body><div id="root"></div></body></html>',
        );
    },
  },
  {
    name: 'stale-release',
    story: 'the previous release (v1) keeps serving; the workflow expects v2',
    expect: { verdict: 'fail', cause: 'stale-version' },
    args: ['--route', '/', '--expect-version', 'v2', '--timeout', '3s'],
    handle(req, res) {
      if (req.url === '/health/') return health(res, 'v1');
      return page(res, 'Shop');
    },
  },
];

/** Starts every deploy on a free loopback port. */
export async function startDeploys() {
  return Promise.all(
    DEPLOYS.map(async (deploy) => {
      const server = createServer((req, res) => deploy.handle(req, res));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      deploy.startedAt = Date.now();
      return { deploy, server, port: server.address().port };
    }),
  );
}

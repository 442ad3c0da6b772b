// Records real responses from the software that produces them (Debian's nginx, HAProxy, gunicorn and
// Django) into test/fixtures/captured/, for the diagnosis tests to replay. Run on Node 24 as root or a
// user who can start those servers:  node scripts/capture-fixtures.ts
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import express from 'express';
import { Stack, freePort } from '../test/integration/stack.ts';

import { capture, djangoVersions } from './capture.ts';

const versions = {
  nginx: spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim(),
  haproxy: execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0],
  django: djangoVersions(),
};

const stack = new Stack();
try {
  const sock = `unix:${stack.dir}/gunicorn.sock`;
  await stack.gunicorn({ bind: sock, timeoutSec: 1, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  const direct = await freePort();
  await stack.gunicorn({ bind: `127.0.0.1:${direct}`, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  // HAProxy's checks get a worker of their own: the one above is kept busy by the slow views.
  const forHaproxy = await freePort();
  await stack.gunicorn({ bind: `127.0.0.1:${forHaproxy}`, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  const dead = await freePort();
  const [good, refused, short, welcome, haNoServer, haMonitor, haSlow] = await Promise.all(
    [1, 2, 3, 4, 5, 6, 7].map(() => freePort()),
  );
  await stack.nginx({ port: good!, upstream: sock });
  await stack.nginx({ port: refused!, upstream: `127.0.0.1:${dead}` });
  await stack.nginx({
    port: short!,
    upstream: `127.0.0.1:${direct}`,
    readTimeoutSec: 1,
    locations: 'location = /maintenance { return 503; }',
  });
  await stack.nginx({
    port: welcome!,
    upstream: sock,
    locations: 'location = / { root /var/www/html; try_files /index.nginx-debian.html =404; }',
  });
  await stack.haproxy({ port: haNoServer!, backend: `127.0.0.1:${dead}`, monitorUri: '/health' });
  await stack.haproxy({ port: haSlow!, backend: `127.0.0.1:${forHaproxy}`, serverTimeoutSec: 1 });
  await stack.haproxy({ port: haMonitor!, backend: `127.0.0.1:${dead}`, monitorUri: '/health' });
  await new Promise((r) => setTimeout(r, 600)); // let HAProxy's checks mark the dead server down

  const django = `${versions.django}, DEBUG=False`;
  await capture(
    'django-400-disallowed-host',
    `${django}, via gunicorn; Host not in ALLOWED_HOSTS`,
    `http://127.0.0.1:${direct}/`,
    `localhost:${direct}`,
  );
  await capture('django-500', `${django}, via gunicorn; view raised`, `http://127.0.0.1:${direct}/boom/`);
  await capture('django-404', `${django}, via gunicorn; no URL pattern`, `http://127.0.0.1:${direct}/no-such-page/`);
  await capture(
    'django-health-bypass',
    `${django}; health middleware answers before the Host check`,
    `http://127.0.0.1:${direct}/health/`,
    `localhost:${direct}`,
  );
  await capture(
    'nginx-502-refused',
    `${versions.nginx}; proxy_pass to a port where nothing listens`,
    `http://127.0.0.1:${refused}/`,
  );
  await capture(
    'nginx-502-worker-killed',
    `${versions.nginx} → gunicorn --timeout 1 killing the worker of a 5 s view`,
    `http://127.0.0.1:${good}/slow/?s=5`,
  );
  await capture(
    'nginx-504',
    `${versions.nginx}; proxy_read_timeout 1s before a 5 s view answers`,
    `http://127.0.0.1:${short}/slow/?s=5`,
  );
  await capture(
    'nginx-503',
    `${versions.nginx}; return 503 (the page ingress-nginx serves with no endpoints)`,
    `http://127.0.0.1:${short}/maintenance`,
  );
  await capture('nginx-welcome', `${versions.nginx}; Debian's default site page`, `http://127.0.0.1:${welcome}/`);
  await capture(
    'haproxy-503-no-server',
    `${versions.haproxy}; the only server fails its check`,
    `http://127.0.0.1:${haNoServer}/`,
  );
  await capture(
    'haproxy-monitor-uri',
    `${versions.haproxy}; monitor-uri /health answered by HAProxy itself`,
    `http://127.0.0.1:${haMonitor}/health`,
  );
  await capture(
    'haproxy-504',
    `${versions.haproxy}; timeout server 1s before a 5 s view answers`,
    `http://127.0.0.1:${haSlow}/slow/?s=5`,
  );
  await capture(
    'django-403-csrf',
    `${django}, via gunicorn; POST without a CSRF token`,
    `http://127.0.0.1:${direct}/`,
    undefined,
    'POST',
  );

  // HAProxy in front of a worker that gunicorn kills mid-request.
  const killer = await freePort();
  await stack.gunicorn({ bind: `127.0.0.1:${killer}`, timeoutSec: 1, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  const haKilled = await freePort();
  await stack.haproxy({ port: haKilled, backend: `127.0.0.1:${killer}` });
  await new Promise((r) => setTimeout(r, 400));
  await capture(
    'haproxy-502-worker-killed',
    `${versions.haproxy} → gunicorn --timeout 1 killing the worker of a 5 s view`,
    `http://127.0.0.1:${haKilled}/slow/?s=5`,
  );
  const nginx404 = await freePort();
  await stack.nginx({ port: nginx404, upstream: sock, locations: 'location = /missing { return 404; }' });
  await capture(
    'nginx-404',
    `${versions.nginx}; a location that answers 404 itself`,
    `http://127.0.0.1:${nginx404}/missing`,
  );

  // Caddy.
  const caddyVersion = spawnSync('caddy', ['version'], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  const [caddyRefused, caddyNoRoute] = [await freePort(), await freePort()];
  await stack.caddy({ port: caddyRefused, upstream: `127.0.0.1:${dead}` });
  await stack.caddy({ port: caddyNoRoute, upstream: `127.0.0.1:${direct}`, only: '/app/*' });
  await capture(
    'caddy-502-refused',
    `Caddy ${caddyVersion}; reverse_proxy to a port where nothing listens`,
    `http://127.0.0.1:${caddyRefused}/`,
  );
  await capture(
    'caddy-200-no-handler',
    `Caddy ${caddyVersion}; no handle matches the path`,
    `http://127.0.0.1:${caddyNoRoute}/`,
  );
  const caddyGood = await freePort();
  await stack.caddy({ port: caddyGood, upstream: `127.0.0.1:${forHaproxy}` });
  await capture(
    'healthy-caddy-django',
    `Caddy ${caddyVersion} → ${django}; a working page`,
    `http://127.0.0.1:${caddyGood}/products/`,
  );
  await capture(
    'healthy-nginx-django',
    `${versions.nginx} → ${django}; a working page`,
    `http://127.0.0.1:${good}/products/`,
  );
  const haGood = await freePort();
  await stack.haproxy({ port: haGood, backend: `127.0.0.1:${forHaproxy}` });
  await new Promise((r) => setTimeout(r, 400));
  await capture(
    'healthy-haproxy-django',
    `${versions.haproxy} → ${django}; a working page`,
    `http://127.0.0.1:${haGood}/`,
  );

  // Flask under gunicorn, Starlette under uvicorn.
  const pythonVersions = execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import flask, starlette, uvicorn; print("Flask", flask.__version__, "Starlette", starlette.__version__, "uvicorn", uvicorn.__version__)',
    ],
    { encoding: 'utf8' },
  ).trim();
  const [flaskPort, starlettePort] = [await freePort(), await freePort()];
  await stack.python({ kind: 'flask', port: flaskPort });
  await stack.python({ kind: 'starlette', port: starlettePort });
  await capture('flask-404', `${pythonVersions}; no route`, `http://127.0.0.1:${flaskPort}/no-such-page`);
  await capture('flask-500', `${pythonVersions}; the view raised`, `http://127.0.0.1:${flaskPort}/boom`);
  await capture(
    'starlette-400-invalid-host',
    `${pythonVersions}; TrustedHostMiddleware without the public host`,
    `http://127.0.0.1:${starlettePort}/`,
    'shop.example.com',
  );
  await capture('healthy-flask', `${pythonVersions}; a working page`, `http://127.0.0.1:${flaskPort}/`);
  await capture(
    'healthy-starlette',
    `${pythonVersions}; an allowed host`,
    `http://127.0.0.1:${starlettePort}/`,
    'app.internal',
  );

  // Express 5, in production mode and not.
  const expressVersion = JSON.parse(
    readFileSync(new URL('../node_modules/express/package.json', import.meta.url), 'utf8'),
  ).version;
  for (const env of ['production', 'development']) {
    const app = express();
    app.set('env', env);
    app.get('/', (_req, res) => res.send('<h1>Express shop</h1>'));
    app.get('/boom', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    if (env === 'production') {
      await capture(
        'express-404',
        `Express ${expressVersion} (NODE_ENV=production); no route`,
        `http://127.0.0.1:${port}/no-such-page`,
      );
      await capture(
        'healthy-express',
        `Express ${expressVersion} (NODE_ENV=production); a working page`,
        `http://127.0.0.1:${port}/`,
      );
      await capture(
        'express-500',
        `Express ${expressVersion} (NODE_ENV=production); the handler threw`,
        `http://127.0.0.1:${port}/boom`,
      );
    } else {
      await capture(
        'express-500-dev-stack',
        `Express ${expressVersion} (NODE_ENV=development); the handler threw`,
        `http://127.0.0.1:${port}/boom`,
      );
    }
    server.close();
  }
} finally {
  await stack.stop();
}

// Records real responses from the software that produces them (Debian's nginx, HAProxy, gunicorn and
// Django) into test/fixtures/captured/, for the diagnosis tests to replay. Run on Node 24 as root or a
// user who can start those servers:  node scripts/capture-fixtures.ts
import { writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'undici';
import { Stack, freePort } from '../test/integration/stack.ts';

const OUT = new URL('../test/fixtures/captured/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

const versions = {
  nginx: spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim(),
  haproxy: execFileSync('haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0],
  django: execFileSync(
    '/usr/bin/python3',
    ['-c', 'import django, gunicorn; print("Django", django.__version__, "gunicorn", gunicorn.__version__)'],
    { encoding: 'utf8' },
  ).trim(),
};

async function capture(name: string, source: string, url: string, host?: string): Promise<void> {
  const started = performance.now();
  const response = await request(url, { headers: host ? { host } : {}, headersTimeout: 20_000 });
  const firstByteMs = Math.round(performance.now() - started);
  const body = await response.body.text();
  const headers = Object.fromEntries(
    Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  );
  // The Date header changes every run; it carries no signal.
  delete headers['date'];
  writeFileSync(
    `${OUT}${name}.json`,
    JSON.stringify(
      {
        source,
        request: { method: 'GET', path: new URL(url).pathname + new URL(url).search, host: host ?? new URL(url).host },
        status: response.statusCode,
        headers,
        body,
        firstByteMs,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`${name}: ${response.statusCode} in ${firstByteMs} ms`);
}

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
} finally {
  await stack.stop();
}

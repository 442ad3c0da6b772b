// Records the answers of the stacks issue 20 added (Go net/http, Rails 6.1 under puma, Tomcat 10, a
// Next.js standalone build, and Varnish serving health from its cache) into test/fixtures/captured/.
// Run on Node 24 as a user who can start those servers:  node scripts/capture-stack-fixtures.ts
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { AppStack, freePort } from '../test/integration/stack.ts';
import { capture } from './capture.ts';

const first = (command: string, args: string[]) => {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`.trim().split('\n')[0]!;
};
const nextVersion = (
  JSON.parse(readFileSync(new URL('../node_modules/next/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const versions = {
  go: first('go', ['version']).replace(/^go version /, ''),
  rails: `Rails ${first('ruby', ['-e', 'require "rails"; print Rails.version'])}, ${first('puma', ['--version'])}`,
  tomcat: first('/usr/share/tomcat10/bin/version.sh', []).includes('Server version')
    ? spawnSync('/usr/share/tomcat10/bin/version.sh', [], { encoding: 'utf8' })
        .stdout.split('\n')
        .find((l) => l.startsWith('Server version'))!
        .replace(/^Server version:\s*/, '')
    : 'Apache Tomcat 10',
  next: `Next.js ${nextVersion} (output: standalone)`,
  nginx: first('nginx', ['-v']).replace(/^nginx version: /, ''),
  varnish: first('varnishd', ['-V']).replace(/ revision \w+/, ''),
  apache: first('apache2', ['-v']).replace(/^Server version: /, ''),
};

const stack = new AppStack();
try {
  // Go net/http: its mux's own 404, and a handler that panics behind nginx.
  const go = await freePort();
  await stack.go({ port: go });
  await capture('go-404', `${versions.go} net/http ServeMux, a path no handler matches`, `http://127.0.0.1:${go}/nope`);
  await capture('healthy-go', `${versions.go} net/http, the health handler`, `http://127.0.0.1:${go}/health`);
  const nginx = await freePort();
  await stack.nginx({ port: nginx, upstream: `127.0.0.1:${go}` });
  await capture(
    'nginx-502-upstream-closed',
    `${versions.nginx} → ${versions.go} net/http; the handler panics (a nil map), net/http closes the connection ("upstream prematurely closed connection")`,
    `http://127.0.0.1:${nginx}/orders`,
  );

  // Rails 6.1 under puma, production: the public 500 and 404 pages, and host authorization.
  const rails = await freePort();
  await stack.rails({ port: rails });
  await capture('rails-500', `${versions.rails}; an action raises`, `http://127.0.0.1:${rails}/orders`);
  await capture('rails-404', `${versions.rails}; no route matches`, `http://127.0.0.1:${rails}/nope`);
  await capture('healthy-rails', `${versions.rails}; the page`, `http://127.0.0.1:${rails}/`);
  const blocked = await freePort();
  await stack.rails({ port: blocked, allowedHost: 'shop.internal' });
  await capture(
    'rails-403-blocked-host',
    `${versions.rails}; config.hosts = ["shop.internal"], request for 127.0.0.1`,
    `http://127.0.0.1:${blocked}/`,
  );

  // Tomcat 10: the WAR deployed as shop-1.4 (so its context path is /shop-1.4), reached at /shop/.
  const tomcat = await freePort();
  const ajp = await freePort();
  await stack.tomcat({ port: tomcat, ajpPort: ajp, war: 'shop-1.4' });
  await capture(
    'tomcat-404-no-context',
    `${versions.tomcat}; the app deployed as shop-1.4.war, requested at /shop/ (no such context, no ROOT)`,
    `http://127.0.0.1:${tomcat}/shop/`,
  );
  await capture(
    'tomcat-404',
    `${versions.tomcat}; inside the deployed context, a path no servlet or file serves`,
    `http://127.0.0.1:${tomcat}/shop-1.4/nope`,
  );
  await capture(
    'tomcat-500',
    `${versions.tomcat}; a JSP throws (a missing environment variable)`,
    `http://127.0.0.1:${tomcat}/shop-1.4/orders.jsp`,
  );
  await capture('healthy-tomcat', `${versions.tomcat}; a JSP page`, `http://127.0.0.1:${tomcat}/shop-1.4/`);
  const apache = await freePort();
  await stack.apache({ port: apache, upstream: `127.0.0.1:${ajp}`, scheme: 'ajp' });
  await capture(
    'apache-ajp-tomcat-404-no-context',
    `${versions.apache} mod_proxy_ajp → ${versions.tomcat}; /shop/ while the WAR is shop-1.4.war`,
    `http://127.0.0.1:${apache}/shop/`,
  );

  // Next.js standalone: a server component that throws, the 404 page, and .next/static not copied.
  const next = await freePort();
  await stack.next({ port: next, copyStatic: false });
  await capture('nextjs-500', `${versions.next}; a server component throws`, `http://127.0.0.1:${next}/boom`);
  await capture('nextjs-404', `${versions.next}; no page for the path`, `http://127.0.0.1:${next}/nope`);
  const html = await (await request(`http://127.0.0.1:${next}/`)).body.text();
  const chunk = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
  if (!chunk) throw new Error('the Next.js page names no /_next/static chunk');
  await capture(
    'nextjs-static-missing',
    `${versions.next}; .next/static not copied beside the standalone server.js`,
    `http://127.0.0.1:${next}${chunk}`,
  );
  await capture(
    'healthy-nextjs-api',
    `${versions.next}; an API route (no x-powered-by)`,
    `http://127.0.0.1:${next}/api/health`,
  );
  await capture('healthy-nextjs', `${versions.next}; the prerendered page`, `http://127.0.0.1:${next}/`);

  // Varnish caching the Go service's health: the second answer is a hit (two ids in X-Varnish, Age).
  const varnish = await freePort();
  await stack.varnish({ port: varnish, backend: `127.0.0.1:${go}` });
  await request(`http://127.0.0.1:${varnish}/health`).then((r) => r.body.text());
  await new Promise((r) => setTimeout(r, 1100));
  await capture(
    'varnish-cached-health',
    `${versions.varnish} → ${versions.go}; health asked twice, the second from the cache`,
    `http://127.0.0.1:${varnish}/health`,
  );
} finally {
  await stack.stop();
}

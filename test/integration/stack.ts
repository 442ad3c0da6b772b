import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real servers on loopback for integration tests: Django under gunicorn, behind nginx or HAProxy, all
 * Debian packages that .ci/run installs. Each start waits until the server accepts connections.
 */

const APP_DIR = new URL('./django_app/', import.meta.url).pathname;
/** Debian's interpreter, which has python3-django and gunicorn (not a pyenv one earlier in PATH). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), 'gate-stack-'));
  private readonly processes: ChildProcess[] = [];

  async gunicorn(options: {
    bind: string;
    env?: Record<string, string>;
    timeoutSec?: number;
    workers?: number;
    /** Run `collectstatic` into the stack's STATIC_ROOT first, as a build does (default true). */
    collectstatic?: boolean;
  }): Promise<ChildProcess> {
    const staticRoot = join(this.dir, 'static');
    if (options.collectstatic ?? true) await this.collectstatic(staticRoot);
    const child = this.spawn(
      PYTHON,
      [
        '-m',
        'gunicorn',
        '--bind',
        options.bind,
        '--workers',
        String(options.workers ?? 1),
        '--timeout',
        String(options.timeoutSec ?? 30),
        '--graceful-timeout',
        '1',
        '--chdir',
        APP_DIR,
        '--umask',
        '0',
        '--log-level',
        'critical',
        'wsgi:application',
      ],
      { STATIC_ROOT: staticRoot, ...options.env },
    );
    await this.waitFor(options.bind, child, 'gunicorn');
    return child;
  }

  /** Django's `collectstatic`, the build step that fills STATIC_ROOT. */
  async collectstatic(staticRoot: string): Promise<void> {
    const child = this.spawn(PYTHON, ['-m', 'django', 'collectstatic', '--noinput', '-v', '0'], {
      DJANGO_SETTINGS_MODULE: 'settings',
      PYTHONPATH: APP_DIR,
      STATIC_ROOT: staticRoot,
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`collectstatic exited with ${code} (see ${this.dir})`);
  }

  async nginx(options: {
    port: number;
    upstream: string;
    readTimeoutSec?: number;
    locations?: string;
    /** Directives for the http block (e.g. a limit_req_zone). */
    http?: string;
    /** Directives for `location /` (e.g. limit_req). */
    location?: string;
  }): Promise<void> {
    const temp = join(this.dir, 'nginx-temp');
    mkdirSync(temp, { recursive: true });
    const user = process.getuid?.() === 0 ? 'user root;' : '';
    const conf = join(this.dir, `nginx-${options.port}.conf`);
    writeFileSync(
      conf,
      `
${user}
worker_processes 1;
daemon off;
pid ${this.dir}/nginx-${options.port}.pid;
error_log ${this.dir}/nginx-error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  ${options.http ?? ''}
  upstream app { server ${options.upstream}; }
  server {
    listen 127.0.0.1:${options.port};
    server_name _;
    ${options.locations ?? ''}
    location / {
      proxy_pass http://app;
      proxy_set_header Host $http_host;
      proxy_read_timeout ${options.readTimeoutSec ?? 30}s;
      ${options.location ?? ''}
    }
  }
}
`,
    );
    const child = this.spawn('nginx', ['-c', conf, '-p', this.dir, '-e', join(this.dir, 'nginx-error.log')]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'nginx');
  }

  async haproxy(options: {
    port: number;
    backend: string;
    monitorUri?: string;
    serverTimeoutSec?: number;
    /** More servers in the pool, round-robin with the first. */
    more?: string[];
    /** Health-check the servers (default true); false keeps every server in the rotation. */
    check?: boolean;
  }): Promise<void> {
    const check = options.check === false ? '' : ' check inter 200ms fall 1 rise 1';
    const servers = [options.backend, ...(options.more ?? [])]
      .map((address, i) => `  server app${i + 1} ${address}${check}`)
      .join('\n');
    const conf = join(this.dir, `haproxy-${options.port}.cfg`);
    writeFileSync(
      conf,
      `
global
  maxconn 64
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server ${options.serverTimeoutSec ?? 10}s
frontend web
  bind 127.0.0.1:${options.port}
  ${options.monitorUri ? `monitor-uri ${options.monitorUri}` : ''}
  default_backend app
backend app
  balance roundrobin
  option httpchk GET /health/
${servers}
`,
    );
    const child = this.spawn('haproxy', ['-f', conf, '-db']);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'haproxy');
  }

  /** Any WSGI/ASGI app of test/integration under gunicorn (WSGI) or uvicorn (ASGI). */
  async python(options: { kind: 'flask' | 'starlette'; port: number }): Promise<void> {
    const dir = new URL(`./${options.kind}_app/`, import.meta.url).pathname;
    const args =
      options.kind === 'flask'
        ? [
            '-m',
            'gunicorn',
            '--bind',
            `127.0.0.1:${options.port}`,
            '--workers',
            '1',
            '--chdir',
            dir,
            '--log-level',
            'critical',
            'app:app',
          ]
        : [
            '-m',
            'uvicorn',
            '--host',
            '127.0.0.1',
            '--port',
            String(options.port),
            '--app-dir',
            dir,
            '--log-level',
            'critical',
            'app:app',
          ];
    const child = this.spawn(PYTHON, args);
    await this.waitFor(`127.0.0.1:${options.port}`, child, options.kind);
  }

  /** Caddy with a site that proxies `/app/*` (or everything) to `upstream`. */
  async caddy(options: { port: number; upstream: string; only?: string }): Promise<void> {
    const conf = join(this.dir, `Caddyfile-${options.port}`);
    const proxy = options.only
      ? `handle ${options.only} {\n    reverse_proxy ${options.upstream}\n  }`
      : `reverse_proxy ${options.upstream}`;
    writeFileSync(
      conf,
      `{\n  admin off\n  auto_https off\n}\nhttp://127.0.0.1:${options.port} {\n  bind 127.0.0.1\n  ${proxy}\n}\n`,
    );
    const env = {
      XDG_DATA_HOME: join(this.dir, 'caddy-data'),
      XDG_CONFIG_HOME: join(this.dir, 'caddy-config'),
      HOME: this.dir,
    };
    const child = this.spawn('caddy', ['run', '--config', conf, '--adapter', 'caddyfile'], env);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'caddy');
  }

  /** Caddy's file_server over `root` (a static host), with extra site directives (e.g. `respond` rules). */
  async caddyFiles(options: { port: number; root: string; directives?: string }): Promise<void> {
    const conf = join(this.dir, `Caddyfile-files-${options.port}`);
    writeFileSync(
      conf,
      `{\n  admin off\n  auto_https off\n}\nhttp://127.0.0.1:${options.port} {\n  bind 127.0.0.1\n  root * ${options.root}\n  ${options.directives ?? ''}\n  file_server\n}\n`,
    );
    const env = {
      XDG_DATA_HOME: join(this.dir, 'caddy-data'),
      XDG_CONFIG_HOME: join(this.dir, 'caddy-config'),
      HOME: this.dir,
    };
    const child = this.spawn('caddy', ['run', '--config', conf, '--adapter', 'caddyfile'], env);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'caddy');
  }

  /**
   * Squid as a corporate forward proxy: it alone resolves `hosts` (its hosts_file), and like Squid's stock
   * config it refuses CONNECT to ports outside `connectPorts` (403).
   */
  async squid(options: { port: number; hosts: Record<string, string>; connectPorts: number[] }): Promise<void> {
    // Squid drops root for its own user, which must be able to read its files and write its log here.
    chmodSync(this.dir, 0o755);
    const hosts = join(this.dir, 'squid-hosts');
    writeFileSync(
      hosts,
      Object.entries(options.hosts)
        .map(([name, ip]) => `${ip} ${name}\n`)
        .join(''),
    );
    const conf = join(this.dir, `squid-${options.port}.conf`);
    writeFileSync(
      conf,
      `
http_port 127.0.0.1:${options.port}
pid_filename none
hosts_file ${hosts}
dns_nameservers 127.0.0.1
acl gate_ports port ${options.connectPorts.join(' ')}
acl CONNECT method CONNECT
http_access deny CONNECT !gate_ports
http_access allow localhost
http_access deny all
cache deny all
access_log none
cache_log ${this.dir}/squid-cache.log
coredump_dir ${this.dir}
shutdown_lifetime 0 seconds
visible_hostname gate-test
`,
    );
    const child = this.spawn('squid', ['-N', '-f', conf]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'squid');
  }

  /** Apache httpd (mpm_event) as a reverse proxy to `upstream` (host:port), with mod_proxy_http or mod_proxy_ajp. */
  async apache(options: {
    port: number;
    upstream: string;
    proxyTimeoutSec?: number;
    /** `ajp`: to Tomcat's AJP connector (mod_proxy_ajp); the path is kept, e.g. `/shop/`. */
    scheme?: 'http' | 'ajp';
  }): Promise<void> {
    const scheme = options.scheme ?? 'http';
    const modules = '/usr/lib/apache2/modules';
    const conf = join(this.dir, `apache-${options.port}.conf`);
    const user = process.getuid?.() === 0 ? 'User www-data\nGroup www-data' : '';
    writeFileSync(
      conf,
      `
ServerRoot ${this.dir}
ServerName 127.0.0.1
PidFile ${this.dir}/apache-${options.port}.pid
ErrorLog ${this.dir}/apache-error.log
LogLevel crit
Listen 127.0.0.1:${options.port}
${user}
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule proxy_module ${modules}/mod_proxy.so
LoadModule proxy_${scheme}_module ${modules}/mod_proxy_${scheme}.so
Mutex file:${this.dir} default
ProxyPass "/" "${scheme}://${options.upstream}/"
ProxyPassReverse "/" "${scheme}://${options.upstream}/"
ProxyTimeout ${options.proxyTimeoutSec ?? 30}
`,
    );
    const child = this.spawn('apache2', ['-f', conf, '-DFOREGROUND']);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'apache2');
  }

  /** Varnish in front of one backend (host:port). */
  async varnish(options: { port: number; backend: string; firstByteTimeoutSec?: number }): Promise<void> {
    const workdir = join(this.dir, `varnish-${options.port}`);
    mkdirSync(workdir, { recursive: true });
    const child = this.spawn('varnishd', [
      '-F',
      '-n',
      workdir,
      '-a',
      `127.0.0.1:${options.port}`,
      '-b',
      options.backend,
      '-s',
      'malloc,16m',
      '-p',
      'connect_timeout=1',
      '-p',
      `first_byte_timeout=${options.firstByteTimeoutSec ?? 60}`,
    ]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'varnishd');
  }

  /** lighttpd with mod_proxy to one backend (host:port). */
  async lighttpd(options: { port: number; backend: string }): Promise<void> {
    const [host, port] = options.backend.split(':');
    const conf = join(this.dir, `lighttpd-${options.port}.conf`);
    mkdirSync(join(this.dir, 'www'), { recursive: true });
    writeFileSync(
      conf,
      `
server.document-root = "${this.dir}/www"
server.bind = "127.0.0.1"
server.port = ${options.port}
server.errorlog = "${this.dir}/lighttpd-error.log"
server.modules = ( "mod_proxy" )
proxy.server = ( "" => ( ( "host" => "${host}", "port" => ${port} ) ) )
`,
    );
    const child = this.spawn('lighttpd', ['-D', '-f', conf]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'lighttpd');
  }

  /** Squid as a reverse proxy (accelerator) for one origin (host:port), as a site would put it in front. */
  async squidAccelerator(options: { port: number; origin: string; readTimeoutSec?: number }): Promise<void> {
    // Squid drops root for its own user, which must be able to write its log here.
    chmodSync(this.dir, 0o755);
    const [host, port] = options.origin.split(':');
    const conf = join(this.dir, `squid-${options.port}.conf`);
    writeFileSync(
      conf,
      `
http_port 127.0.0.1:${options.port} accel defaultsite=127.0.0.1 no-vhost
cache_peer ${host} parent ${port} 0 no-query originserver name=app connect-timeout=1 connect-fail-limit=100
cache_peer_access app allow all
http_access allow all
never_direct allow all
cache deny all
pid_filename ${this.dir}/squid-${options.port}.pid
access_log none
cache_log ${this.dir}/squid-cache.log
coredump_dir ${this.dir}
shutdown_lifetime 0 seconds
read_timeout ${options.readTimeoutSec ?? 900} seconds
`,
    );
    const child = this.spawn('squid', ['-N', '-f', conf]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'squid');
  }

  /**
   * nginx answering by itself, with the echo module (libnginx-mod-http-echo): `echo_sleep` gives a
   * server-side delay that does not block the worker, so latency differences are the server's alone.
   */
  async nginxEcho(options: { port: number; locations: string }): Promise<void> {
    const temp = join(this.dir, 'nginx-temp');
    mkdirSync(temp, { recursive: true });
    const user = process.getuid?.() === 0 ? 'user root;' : '';
    const conf = join(this.dir, `nginx-echo-${options.port}.conf`);
    writeFileSync(
      conf,
      `
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
${user}
worker_processes 1;
daemon off;
pid ${this.dir}/nginx-echo-${options.port}.pid;
error_log ${this.dir}/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  server {
    listen 127.0.0.1:${options.port};
    server_name _;
    ${options.locations}
  }
}
`,
    );
    const child = this.spawn('nginx', ['-c', conf, '-p', this.dir, '-e', join(this.dir, 'nginx-error.log')]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'nginx');
  }

  /** Server output, for a failing test's message. */
  log(name: string): string {
    const path = join(this.dir, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  protected spawn(command: string, args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('exit', () => writeFileSync(join(this.dir, `${command.split('/').pop()}-${child.pid}.stderr`), stderr));
    this.processes.push(child);
    return child;
  }

  protected async waitFor(bind: string, child: ChildProcess, name: string, limitMs = 15_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} (see ${this.dir})`);
      if (await accepts(bind)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${name} did not accept connections on ${bind} within ${limitMs / 1000} s`);
  }
}

function accepts(bind: string): Promise<boolean> {
  return new Promise((resolve) => {
    const target = bind.startsWith('unix:')
      ? { path: bind.slice(5) }
      : { host: bind.split(':')[0], port: Number(bind.split(':')[1]) };
    const socket = createConnection(target as { path: string });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * The app servers of issue 20 on loopback, from Debian's packages (ruby-rails + puma, tomcat10, golang-go)
 * and npm's `next`: a Go net/http service, a Rails app under puma, Tomcat with its own CATALINA_BASE, and a
 * Next.js standalone build. Every one writes only into the stack's temp dir (Next's build output, which
 * `next build` puts beside the app, is git-ignored).
 */

const HERE = new URL('./', import.meta.url).pathname;
const RAILS_TEMPLATES =
  '/usr/share/rubygems-integration/all/gems/railties-6.1.7.10/lib/rails/generators/rails/app/templates';
const CATALINA_HOME = '/usr/share/tomcat10';
const NEXT_APP = join(HERE, 'next_app');
const NEXT_BIN = new URL('../../node_modules/next/dist/bin/next', import.meta.url).pathname;

export class AppStack extends Stack {
  /** The Go service of go_app/, built into the stack's dir (its own GOCACHE and GOPATH). */
  async go(options: { port: number }): Promise<void> {
    const binary = join(this.dir, 'go-app');
    const build = spawnSync('go', ['build', '-o', binary, join(HERE, 'go_app/main.go')], {
      env: {
        ...process.env,
        GOCACHE: join(this.dir, 'gocache'),
        GOPATH: join(this.dir, 'gopath'),
        GO111MODULE: 'off',
        GOFLAGS: '',
        CGO_ENABLED: '0',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (build.status !== 0) throw new Error(`go build failed: ${build.stderr || build.error?.message}`);
    const child = this.spawn(binary, ['-addr', `127.0.0.1:${options.port}`]);
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'go-app');
  }

  /**
   * rails_app/config.ru under puma in production. Its public/ gets the 404 and 500 pages that `rails new`
   * writes into every app, taken from the installed railties.
   */
  async rails(options: { port: number; allowedHost?: string }): Promise<void> {
    const root = join(this.dir, 'rails');
    mkdirSync(join(root, 'public'), { recursive: true });
    for (const page of ['404.html', '500.html'])
      copyFileSync(join(RAILS_TEMPLATES, 'public', page), join(root, 'public', page));
    const child = this.spawn(
      'puma',
      ['-b', `tcp://127.0.0.1:${options.port}`, '-e', 'production', '-t', '1:2', join(HERE, 'rails_app/config.ru')],
      {
        RAILS_ENV: 'production',
        RAILS_ROOT: root,
        ...(options.allowedHost ? { ALLOWED_HOST: options.allowedHost } : {}),
      },
    );
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'puma', 60_000);
  }

  /**
   * Tomcat 10 with a CATALINA_BASE of its own: tomcat_app/shop deployed as `war` (the context path is the
   * WAR's name), an HTTP connector on `port` and, when given, an AJP one (no secret: loopback only).
   */
  async tomcat(options: { port: number; ajpPort?: number; war: string }): Promise<void> {
    const base = join(this.dir, 'tomcat');
    for (const dir of ['conf', 'logs', 'temp', 'work', 'webapps']) mkdirSync(join(base, dir), { recursive: true });
    for (const file of ['web.xml', 'logging.properties', 'catalina.properties'])
      copyFileSync(join('/etc/tomcat10', file), join(base, 'conf', file));
    const ajp = options.ajpPort
      ? `<Connector address="127.0.0.1" port="${options.ajpPort}" protocol="AJP/1.3" secretRequired="false" />`
      : '';
    writeFileSync(
      join(base, 'conf/server.xml'),
      `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="${options.port}" protocol="HTTP/1.1" connectionTimeout="20000" />
    ${ajp}
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
`,
    );
    cpSync(join(HERE, 'tomcat_app/shop'), join(base, 'webapps', options.war), { recursive: true });
    const child = this.spawn(join(CATALINA_HOME, 'bin/catalina.sh'), ['run'], {
      CATALINA_HOME,
      CATALINA_BASE: base,
      CATALINA_TMPDIR: join(base, 'temp'),
      CATALINA_OUT: join(base, 'logs/catalina.out'),
    });
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'tomcat', 60_000);
    if (options.ajpPort) await this.waitFor(`127.0.0.1:${options.ajpPort}`, child, 'tomcat (AJP)', 60_000);
  }

  /**
   * next_app's standalone server (`node server.js`, as its container runs it), built once per process.
   * `copyStatic: false` is the classic mistake: `.next/static` not copied next to the standalone server.
   */
  async next(options: { port: number; copyStatic: boolean; env?: Record<string, string> }): Promise<void> {
    const built = buildNext();
    const root = join(this.dir, 'next');
    cpSync(built.root, root, { recursive: true });
    // The standalone tree mirrors the app's place in the repository; server.js sits at that depth.
    const app = join(root, built.app);
    // The tree carries this repository's package.json ("type": "module"); server.js is CommonJS.
    writeFileSync(join(app, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
    if (options.copyStatic) cpSync(join(NEXT_APP, '.next/static'), join(app, '.next/static'), { recursive: true });
    const child = this.spawn(process.execPath, [join(app, 'server.js')], {
      PORT: String(options.port),
      HOSTNAME: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      ...options.env,
    });
    await this.waitFor(`127.0.0.1:${options.port}`, child, 'next', 60_000);
  }
}

let nextBuild: { root: string; app: string } | undefined;

/** `next build` of next_app (about a minute on two cores): the standalone tree, and server.js's folder in it. */
export function buildNext(): { root: string; app: string } {
  if (nextBuild) return nextBuild;
  const root = join(NEXT_APP, '.next/standalone');
  // A standalone build newer than every source file of the app is reused (the build is the slow part).
  const built = findFile(root, 'server.js');
  if (built && statSync(built).mtimeMs > newestSource(NEXT_APP)) {
    nextBuild = { root, app: built.slice(root.length + 1, -'/server.js'.length) };
    return nextBuild;
  }
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: NEXT_APP,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error(`next build failed: ${result.stdout}\n${result.stderr}`);
  const server = findFile(root, 'server.js');
  if (!server) throw new Error('next build wrote no standalone server.js');
  nextBuild = { root, app: server.slice(root.length + 1, -'/server.js'.length) };
  return nextBuild;
}

function findFile(dir: string, name: string, depth = 0): string | undefined {
  if (!existsSync(dir) || depth > 6) return undefined;
  if (existsSync(join(dir, name)) && statSync(join(dir, name)).isFile()) return join(dir, name);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules') continue;
    const found = findFile(join(dir, entry.name), name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The newest modification time among the app's own files (not its build output). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

import type { PointerRule } from './pointer-rule.js';
import type { Stack } from './stacks.js';

/**
 * The contract's causes, in priority order: when a run finds several, the one listed first is the
 * headline. `CauseId` is derived from this table, so a cause used anywhere must be an entry here, and
 * the README's cause table is generated from it (`node scripts/readme-tables.js`).
 */

export type Layer = 'network' | 'edge' | 'proxy' | 'platform' | 'app' | 'deploy' | 'config';

export interface CauseEntry {
  id: string;
  /** Short name for headings. */
  title: string;
  layer: Layer;
  /**
   * The usual fix, in words common to every stack (no app server, framework or proxy named); `{host}` and
   * `{origin}` are filled in from the checked URL.
   */
  fix: string;
  /** What to add to the fix when the evidence shows the app's stack (its settings, server, build step). */
  stackFix?: Partial<Record<Stack, string>>;
  /** Causes that mean "could not measure" rather than "broken" (verdict `inconclusive`). */
  inconclusive?: boolean;
  /** Where in the repository this fix usually goes, most specific rule first (a rule with `stacks` only for those). */
  pointers?: readonly PointerRule[];
  /** The README's row: what the gate saw, and the fix in a few words. */
  readme: { saw: string; fix: string };
}

const DJANGO_SETTINGS = /(^|\/)settings(\/[^/]+)?\.py$|(^|\/)settings_[^/]*\.py$/;
const NGINX_CONF = /(^|\/)(nginx[^/]*\.conf|[^/]+\.conf|sites-(available|enabled)\/[^/]+)$/;
const GUNICORN_CONF = /(^|\/)gunicorn([._-][^/]*)?\.(conf\.)?py$/;
const PYTHON: readonly Stack[] = ['django', 'flask', 'starlette'];

export const CAUSES = [
  {
    id: 'config-error',
    title: 'configuration error',
    layer: 'config',
    fix: 'Fix the input named in the message.',
    readme: {
      saw: 'Bad input (verdict `error`); the message names the input.',
      fix: '—',
    },
  },
  {
    // Before every deployment cause: a failing proxy hides everything behind it.
    id: 'proxy-error',
    title: "the runner's HTTP proxy failed",
    layer: 'network',
    fix: 'Check the proxy this runner uses (`HTTPS_PROXY`/`HTTP_PROXY`): that it runs and this runner can reach it, that it allows CONNECT to `{origin}`, the credentials in its URL (`http://user:password@proxy:port`) when it answers 407, or add `{host}` to `NO_PROXY` when the runner reaches the deployment directly.',
    inconclusive: true,
    readme: {
      saw: "The runner's HTTP proxy (`HTTPS_PROXY`/`HTTP_PROXY`) failed, not the deployment: unreachable, refused the CONNECT, wanted credentials (407), or answered itself that it could not reach the deployment.",
      fix: 'The proxy address and credentials, its CONNECT rules, or `NO_PROXY` for a deployment the runner reaches directly.',
    },
  },
  {
    id: 'deployment-failed',
    title: 'deployment failed',
    layer: 'deploy',
    fix: "Read the deployment's log.",
    readme: {
      saw: "The GitHub deployment (or the provider's commit status) ended in `failure`/`error`.",
      fix: "The deployment's log (linked).",
    },
  },
  {
    id: 'deployment-not-found',
    title: 'deployment not found',
    layer: 'deploy',
    fix: 'Check the environment name and that the provider reports deployments to GitHub for this commit.',
    readme: {
      saw: 'No successful deployment for the commit within the budget.',
      fix: 'Environment name, provider integration.',
    },
  },
  {
    id: 'stale-version',
    title: 'previous release still serving',
    layer: 'deploy',
    fix: "The expected version never appeared: check that the deploy rolled out (new instances passed their probes), that no cache serves the old health answer, and that the URL is the new deploy's.",
    readme: {
      saw: '`expect-version` never appeared: the previous release is still serving.',
      fix: 'Deploy did not roll out; cache; wrong URL.',
    },
  },
  {
    id: 'dns-failure',
    title: 'DNS lookup failed',
    layer: 'network',
    fix: 'Create or fix the DNS record for `{host}` (and check the domain is attached to the project on the platform).',
    readme: {
      saw: 'No HTTP answer: the host name has no DNS record (or resolves to a link-local or cloud-metadata address, which the gate never contacts).',
      fix: 'The DNS record for the domain.',
    },
  },
  {
    id: 'tls-error',
    title: 'TLS certificate rejected',
    layer: 'network',
    fix: 'Serve a valid certificate for `{host}`: not expired, issued by a public CA, with `{host}` in its names, and with the full chain.',
    readme: {
      saw: 'No HTTP answer: the certificate is bad, expired, self-signed or for another name.',
      fix: 'The certificate (names, expiry, full chain).',
    },
  },
  {
    id: 'connection-refused',
    title: 'nothing listening',
    layer: 'network',
    fix: 'Start the server and bind it to the address and port `{origin}` reaches (`0.0.0.0:$PORT` in a container).',
    readme: {
      saw: 'No HTTP answer: nothing listening at the address and port (or the connection was reset before an answer).',
      fix: 'The server running and bound to `0.0.0.0:$PORT`.',
    },
  },
  {
    id: 'host-rejected',
    title: 'public Host rejected by the app',
    layer: 'app',
    fix: "Add `{host}` to the hosts the app accepts (its framework's Host check), and keep any bypass for health probes limited to the probe path.",
    stackFix: {
      django: 'Django: `ALLOWED_HOSTS`, and `{origin}` in `CSRF_TRUSTED_ORIGINS`.',
      rails: 'Rails: `config.hosts << "{host}"` in `config/environments/production.rb`.',
      vite: 'Vite: `preview.allowedHosts` (better: serve the built files); webpack-dev-server: `allowedHosts`.',
      starlette: 'Starlette / FastAPI: `allowed_hosts` of `TrustedHostMiddleware`.',
      tomcat: 'Tomcat: a `<Host>` or `<Alias>` for `{host}` in `server.xml`, or the `defaultHost` that serves it.',
    },
    pointers: [
      {
        file: DJANGO_SETTINGS,
        line: /^\s*ALLOWED_HOSTS\s*[=+]/,
        what: '`ALLOWED_HOSTS` in Django settings',
        stacks: ['django'],
      },
      {
        file: DJANGO_SETTINGS,
        line: /^\s*CSRF_TRUSTED_ORIGINS\s*[=+]/,
        what: '`CSRF_TRUSTED_ORIGINS` in Django settings',
        stacks: ['django'],
      },
      {
        file: /(^|\/)config\/environments\/production\.rb$/,
        line: /config\.hosts|host_authorization/,
        what: '`config.hosts` in Rails',
        stacks: ['rails'],
      },
      {
        file: /(^|\/)vite\.config\.(js|ts|mjs|cjs|mts)$/,
        line: /allowedHosts/,
        what: '`allowedHosts` in the Vite config',
        stacks: ['vite'],
      },
      {
        file: /\.py$/,
        line: /TrustedHostMiddleware/,
        what: 'Starlette `TrustedHostMiddleware`',
        stacks: ['starlette'],
      },
    ],
    readme: {
      saw: "Health OK, routes rejected for their Host: Django `Bad Request (400)`, Rails `Blocked hosts` (or puma's empty 403), Vite/webpack host check, Starlette `Invalid host header`. Other routes passing on the same Host argue against it: confidence falls and `app-error` is named beside it.",
      fix: 'For the stack seen: the public domain in `ALLOWED_HOSTS` (and its real origin in `CSRF_TRUSTED_ORIGINS`), `config.hosts`, `allowedHosts`.',
    },
  },
  {
    id: 'no-healthy-backend',
    title: 'no healthy backend behind the edge',
    layer: 'edge',
    fix: 'Give the app a readiness probe that checks its dependencies and passes, on a path, port and Host header the app accepts; then make sure instances actually pass it.',
    pointers: [
      { file: /\.ya?ml$/, line: /readinessProbe\s*:/, what: 'a Kubernetes `readinessProbe`' },
      { file: /(^|\/)fly\.toml$/, line: /checks/, what: 'the service checks in fly.toml' },
      { file: /(^|\/)render\.ya?ml$/, line: /healthCheckPath/, what: '`healthCheckPath` in render.yaml' },
      { file: /(^|\/)railway\.(json|toml)$/, line: /healthcheckPath/, what: '`healthcheckPath` in the Railway config' },
      {
        file: DJANGO_SETTINGS,
        line: /^\s*ALLOWED_HOSTS\s*[=+]/,
        what: '`ALLOWED_HOSTS` in Django settings (health probes bypass it)',
        stacks: ['django'],
      },
    ],
    readme: {
      saw: 'An edge or load balancer answers routes itself with "no backend" (HAProxy `No server is available`, Envoy `no healthy upstream`, ingress-nginx 503, ALB 503, Traefik `no available server`, `X-Sevalla-Status: application-crashed`, Render `no-server`, Railway fallback).',
      fix: 'A readiness probe that checks dependencies and passes, on a path/port/Host the app accepts.',
    },
  },
  {
    id: 'upstream-unreachable',
    title: 'proxy cannot reach the app',
    layer: 'proxy',
    fix: "Make the proxy's upstream match where the app server listens: the same port or unix socket, and `0.0.0.0:$PORT` rather than `127.0.0.1` inside a container.",
    stackFix: {
      django: 'gunicorn listens where `--bind` (or `bind` in its config) says.',
      flask: 'gunicorn listens where `--bind` (or `bind` in its config) says.',
      starlette: 'uvicorn listens where `--host`/`--port` (or `--uds`) say.',
      rails:
        'puma listens where `bind`/`port` in `config/puma.rb` (or `-b`) says; in a container, `tcp://0.0.0.0:$PORT`.',
      nextjs:
        'The Next.js standalone `server.js` listens on `PORT` and `HOSTNAME` (set `HOSTNAME=0.0.0.0` in a container).',
      express: 'Express listens where `app.listen(port, host)` says (`process.env.PORT`).',
      tomcat:
        "Tomcat listens where the `<Connector port>` in `server.xml` says (for AJP, that connector's `port`, `address` and `secret`, matching the proxy's).",
      go: 'The Go service listens where `http.ListenAndServe(addr, …)` says: `":" + os.Getenv("PORT")`, not `127.0.0.1:…`, in a container.',
    },
    pointers: [
      { file: NGINX_CONF, line: /^\s*proxy_pass\s/, what: '`proxy_pass` in an nginx config' },
      { file: GUNICORN_CONF, line: /^\s*bind\s*=/, what: '`bind` in the gunicorn config', stacks: PYTHON },
      {
        file: /(^|\/)Procfile$/,
        line: /gunicorn.*(--bind|\s-b\s)/,
        what: 'gunicorn `--bind` in the Procfile',
        stacks: PYTHON,
      },
      {
        file: /(^|\/)Dockerfile[^/]*$/,
        line: /gunicorn.*(--bind|\s-b\s)|uvicorn.*--(host|port)/,
        what: 'the gunicorn or uvicorn bind in the Dockerfile',
        stacks: PYTHON,
      },
      {
        file: /(^|\/)config\/puma\.rb$/,
        line: /^\s*(bind|port)\b/,
        what: '`bind`/`port` in config/puma.rb',
        stacks: ['rails'],
      },
      {
        file: /(^|\/)server\.xml$/,
        line: /<Connector\b/,
        what: "the `<Connector>` in Tomcat's server.xml",
        stacks: ['tomcat'],
      },
      {
        file: /\.go$/,
        line: /ListenAndServe|\.Listen\(/,
        what: 'the `ListenAndServe` address in the Go code',
        stacks: ['go'],
      },
      { file: /(^|\/)Caddyfile$/, line: /reverse_proxy/, what: '`reverse_proxy` in the Caddyfile' },
      { file: /(^|\/)fly\.toml$/, line: /internal_port/, what: '`internal_port` in fly.toml' },
    ],
    readme: {
      saw: 'A proxy answers at once that it cannot reach the app (nginx/Traefik/Caddy 502, Cloudflare 521, Railway `Application failed to respond`) and nothing passes through it (when other routes do, it is `app-error`).',
      fix: "Make the proxy's upstream match the app server's bind (port, unix socket, `0.0.0.0:$PORT`).",
    },
  },
  {
    id: 'upstream-timeout',
    title: 'proxy gave up waiting for the app',
    layer: 'proxy',
    fix: "Find the slow route (database, external calls); keep the app server's worker timeout shorter than the proxy's and the proxy's shorter than the edge's, or move the work to a background job.",
    stackFix: {
      django: 'gunicorn kills a worker after `--timeout` (30 s by default).',
      flask: 'gunicorn kills a worker after `--timeout` (30 s by default).',
      rails:
        'puma has no request timeout: a slow action holds its thread until it ends (bound the database with `statement_timeout`).',
      go: "Go: give handlers a deadline (`context`, `http.TimeoutHandler`); `http.Server`'s `WriteTimeout` cuts the answer.",
      tomcat: "Tomcat: the AJP or HTTP `<Connector>`'s `connectionTimeout`, and the proxy's timeout above it.",
    },
    pointers: [
      { file: GUNICORN_CONF, line: /^\s*timeout\s*=/, what: '`timeout` in the gunicorn config', stacks: PYTHON },
      {
        file: /(^|\/)(Procfile|Dockerfile[^/]*)$/,
        line: /gunicorn.*--timeout/,
        what: 'gunicorn `--timeout`',
        stacks: PYTHON,
      },
      { file: NGINX_CONF, line: /proxy_read_timeout/, what: '`proxy_read_timeout` in an nginx config' },
    ],
    readme: {
      saw: 'A proxy gave up waiting (nginx 502 after a worker was killed mid-request, 504, Cloudflare 524, Vercel `FUNCTION_INVOCATION_TIMEOUT`).',
      fix: 'Find the slow route; order the timeouts worker < proxy < edge.',
    },
  },
  {
    id: 'redirect-loop',
    title: 'redirects never end',
    layer: 'app',
    fix: 'Behind a TLS-terminating proxy, tell the app the request was https: make the proxy send `X-Forwarded-Proto` and the app trust it; on Cloudflare use SSL mode Full (strict).',
    stackFix: {
      django: 'Django: `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")`.',
      rails:
        'Rails: `config.assume_ssl = true` (7.1+), or the proxy setting `X-Forwarded-Proto` for `config.force_ssl`.',
      flask: "Flask: Werkzeug's `ProxyFix` with `x_proto=1`.",
      starlette: 'uvicorn: `--proxy-headers` with `--forwarded-allow-ips` set to the proxy.',
      express: "Express: `app.set('trust proxy', 1)`.",
      tomcat:
        'Tomcat: a `RemoteIpValve` in `server.xml` (or `scheme="https"` and `secure="true"` on the `<Connector>`).',
    },
    pointers: [
      {
        file: DJANGO_SETTINGS,
        line: /^\s*(SECURE_PROXY_SSL_HEADER|SECURE_SSL_REDIRECT)\s*=/,
        what: '`SECURE_PROXY_SSL_HEADER` / `SECURE_SSL_REDIRECT` in Django settings',
        stacks: ['django'],
      },
      {
        file: /(^|\/)config\/environments\/production\.rb$/,
        line: /force_ssl|assume_ssl/,
        what: '`force_ssl` / `assume_ssl` in Rails',
        stacks: ['rails'],
      },
    ],
    readme: {
      saw: 'Redirects never end (http↔https behind a TLS proxy, trailing-slash rules).',
      fix: '`SECURE_PROXY_SSL_HEADER` + `X-Forwarded-Proto`, `assume_ssl`, Cloudflare Full (strict).',
    },
  },
  {
    id: 'app-error',
    title: 'the app fails on public routes',
    layer: 'app',
    fix: "Read the app's logs for these requests: unapplied migrations, missing environment variables or secrets, templates, static manifest entries.",
    stackFix: {
      django:
        'Django: with `DEBUG = False` the traceback is in the log, e.g. `Missing staticfiles manifest entry` (run `collectstatic` at build time).',
      rails:
        'Rails: the exception is in the production log (stdout with `RAILS_LOG_TO_STDOUT`); a missing table needs `rails db:migrate`.',
      nextjs:
        "Next.js: the server's output has the error behind the page's digest; variables read at build time must be set at build time too.",
      tomcat:
        'Tomcat: the stack trace is in `logs/localhost.*.log` (or catalina.out); check the jars in `WEB-INF/lib` and context parameters.',
      go: 'Go: net/http logs `http: panic serving …` with the stack; a recovered panic ends the connection without an answer, which a proxy reports as 502.',
      express: 'Express: log errors in an error handler (`(err, req, res, next)`) and run with `NODE_ENV=production`.',
      flask: 'Flask: the traceback is in the app server log (gunicorn `--error-logfile -`).',
    },
    readme: {
      saw: "The app's own 5xx page on routes while health is fine (Django `Server Error (500)`, Rails `We're sorry…`, Next.js, Tomcat `HTTP Status 500`, Express, Flask, Spring), or a proxy's 502 on some routes while others pass through it (the app closed the connection: a Go panic, a worker crash).",
      fix: 'App logs: migrations, env vars, secrets, templates; named for the stack the answers show.',
    },
  },
  {
    id: 'timeout',
    title: 'no answer in time',
    layer: 'network',
    fix: 'The server accepted the request but did not answer within request-timeout: look for a hang (blocked worker, database wait) or raise request-timeout if the route is legitimately slow.',
    readme: {
      saw: 'No HTTP answer within `request-timeout`, or the route stage ran out of time before the route was checked.',
      fix: 'The hang (blocked worker, database wait), or a longer `request-timeout`.',
    },
  },
  {
    id: 'static-assets-missing',
    title: 'static assets missing',
    layer: 'app',
    fix: 'Build the static files and ship them with the deploy: run the build step that produces them, and serve them at the URL the pages use.',
    stackFix: {
      django:
        'Django: `python manage.py collectstatic --noinput` at build time with `STATIC_ROOT` set, served by WhiteNoise or the proxy.',
      nextjs:
        'Next.js standalone: copy `.next/static` to `.next/standalone/.next/static` and `public` to `.next/standalone/public` (the standalone output leaves them out), or serve them from a CDN with `assetPrefix`.',
      rails:
        'Rails: `rails assets:precompile` at build time, and `public/` served (`RAILS_SERVE_STATIC_FILES` or the proxy).',
      vite: 'Vite: deploy `dist/` whole with a matching `base`; webpack: `output.publicPath`.',
      tomcat: 'Tomcat: the files must be inside the WAR, outside `WEB-INF`.',
      go: 'Go: `http.FileServer` reads from disk relative to the working directory: embed the files (`embed`) or start the service where they are.',
      express: 'Express: `express.static` must point at the built folder.',
      flask: "Flask: the app's `static` folder must ship with it (`static_url_path`).",
      starlette: 'Starlette: `StaticFiles(directory=…)` mounted at that path.',
    },
    pointers: [
      {
        file: DJANGO_SETTINGS,
        line: /^\s*(STATIC_ROOT|STATICFILES_STORAGE|STORAGES)\s*=/,
        what: '`STATIC_ROOT` / static storage in Django settings',
        stacks: ['django'],
      },
      {
        file: /(^|\/)(Dockerfile[^/]*|Procfile|build\.sh)$/,
        line: /collectstatic/,
        what: '`collectstatic` in the build',
        stacks: ['django'],
      },
      {
        file: DJANGO_SETTINGS,
        line: /^\s*STATIC_URL\s*=/,
        what: '`STATIC_URL` in Django settings',
        stacks: ['django'],
      },
      {
        file: /(^|\/)Dockerfile[^/]*$/,
        line: /\.next\/(standalone|static)/,
        what: 'the copy of `.next/static` beside the standalone server in the Dockerfile',
        stacks: ['nextjs'],
      },
      {
        file: /(^|\/)vite\.config\.(js|ts|mjs|cjs|mts)$/,
        line: /^\s*base\s*:/,
        what: '`base` in the Vite config',
        stacks: ['vite'],
      },
      {
        file: /(^|\/)webpack\.config\.(js|ts|mjs|cjs)$/,
        line: /publicPath\s*:/,
        what: '`output.publicPath` in the webpack config',
        stacks: ['vite'],
      },
      {
        file: /(^|\/)next\.config\.(js|mjs|ts)$/,
        line: /assetPrefix\s*:/,
        what: '`assetPrefix` in the Next.js config',
        stacks: ['nextjs'],
      },
    ],
    readme: {
      saw: 'Pages work but static assets 404/500 — routes under `/static/`, `/assets/` or `/_next/static/` (Next.js standalone: `.next/static` not copied), or (check-assets) a script or stylesheet an HTML page loads answered with an error, with HTML (an SPA fallback), empty, or with a type the browser refuses.',
      fix: 'For the stack seen: `collectstatic` (Django), copy `.next/static` beside the standalone server (Next.js), `assets:precompile` (Rails); deploy HTML and assets from one build (Vite `base`, webpack `publicPath`).',
    },
  },
  {
    id: 'route-not-found',
    title: 'route not found',
    layer: 'app',
    fix: 'Check the routing prefix (a mount or base path), rewrites, and that the build deployed contains the route (output directory).',
    stackFix: {
      django: 'Django: `urls.py`, and `FORCE_SCRIPT_NAME` behind a path prefix.',
      starlette: 'FastAPI: the router prefix, and `root_path` behind a path prefix.',
      flask: 'Flask: the blueprint `url_prefix`, and `SERVER_NAME` (a wrong one makes every route 404).',
      rails: 'Rails: `config/routes.rb` (`rails routes` lists them).',
      nextjs: 'Next.js: the file under `app/` or `pages/`, and `basePath` in next.config.',
      tomcat:
        "Tomcat: the WAR's file name is the context path (`shop-1.4.war` serves `/shop-1.4/`, `ROOT.war` serves `/`); deploy it under the name the URL uses.",
      go: 'Go: the `ServeMux` pattern (with a trailing `/` it matches the subtree, without it only the exact path).',
      express: "Express: the router's mount path.",
      vite: "A single-page app's client routes need the server's fallback to `index.html`.",
    },
    readme: {
      saw: 'A route 404s (app or platform style; Tomcat `HTTP Status 404` with no context at that path, Go `404 page not found`, Rails, Next.js).',
      fix: 'Routing prefix, rewrites, output directory; Tomcat: the WAR name is the context path.',
    },
  },
  {
    id: 'wrong-content',
    title: 'wrong content',
    layer: 'app',
    fix: 'The route answers, but not with the expected page: check that the deploy landed (a placeholder or default page is being served), the document root, and SPA rewrites.',
    readme: {
      saw: "Status as expected, but the body check failed, a placeholder or default page answered, or an API route got the single-page app's HTML shell.",
      fix: '—',
    },
  },
  {
    // Only with baseline-url: the route works on both sides, and is significantly slower here beyond the budget.
    id: 'slower-than-baseline',
    title: 'slower than the baseline',
    layer: 'app',
    fix: "Find what this change made slower on the route: new queries (N+1), a cache that is missed or off, a heavier page, a slower dependency; compare the route's server timings with the baseline's.",
    readme: {
      saw: 'With `baseline-url`: a route works on both deploys but is significantly slower here (Mann–Whitney U, p < 0.01) by more than `latency-budget`.',
      fix: 'Queries, caches, page weight, dependencies.',
    },
  },
  {
    id: 'health-failing',
    title: 'health endpoint failing',
    layer: 'app',
    fix: 'Make the health endpoint answer 2xx once the app can serve: check its path, what it depends on, and that it is cheap enough to answer within the request timeout.',
    readme: {
      saw: 'Health itself fails while nothing more specific explains it, or routes work but health does not.',
      fix: 'The health endpoint.',
    },
  },
  {
    // Not a wall: apex → www and a platform domain → the custom domain are how sites are meant to work.
    id: 'cross-host-redirect',
    title: 'redirected to another host',
    layer: 'edge',
    fix: 'If the redirect is intended (apex → `www.`, platform domain → custom domain), check the host it leads to: set `url` to it, or list that host in `allow-redirect-hosts` so the gate follows it, or expect the redirect itself (`/ 301`).',
    inconclusive: true,
    readme: {
      saw: 'A route redirects to another host that is not a sign-in page (apex → `www.`, platform domain → custom domain); the gate does not follow it unless allowed (verdict `inconclusive`).',
      fix: '`url` on the final host, `allow-redirect-hosts`, or an expected 3xx status.',
    },
  },
  {
    id: 'auth-required',
    title: 'blocked by a protection wall',
    layer: 'edge',
    fix: 'Let the gate through: send a bypass header for automation with the `headers` input (e.g. Vercel `x-vercel-protection-bypass`), or allow the runner in the WAF.',
    inconclusive: true,
    readme: {
      saw: '401/403 from a protection wall or WAF challenge, or a redirect to a sign-in page.',
      fix: 'A bypass header or secret for automation.',
    },
  },
  {
    id: 'rate-limited',
    title: 'rate limited',
    layer: 'edge',
    fix: "The deployment kept answering 429; allow the gate's requests or check fewer routes.",
    inconclusive: true,
    readme: {
      saw: '429 that outlasted the retries.',
      fix: '—',
    },
  },
] as const satisfies readonly CauseEntry[];

export type CauseId = (typeof CAUSES)[number]['id'];

/** Each cause's entry by id. */
export const CAUSE_INFO = Object.fromEntries(CAUSES.map((c) => [c.id, c])) as Record<CauseId, CauseEntry>;

const RANK = new Map<string, number>(CAUSES.map((c, rank) => [c.id, rank]));

/** 0 for the most fundamental cause: the sort key that puts the headline first. */
export function causeRank(id: CauseId): number {
  return RANK.get(id)!;
}

/**
 * The fix for what was seen: the signature's own (when it still names the cause), else the cause's
 * usual one, and the stack's addition when the evidence shows the stack. A signature that names its
 * stack already says it all.
 */
export function composeFix(
  cause: CauseId,
  row: { cause: string; fix?: string; stack?: Stack } | undefined,
  stack: Stack | undefined,
): string {
  const own = row?.cause === cause ? row.fix : undefined;
  const base = own ?? CAUSE_INFO[cause].fix;
  if (own && row?.stack) return base;
  const extra = stack ? CAUSE_INFO[cause].stackFix?.[stack] : undefined;
  return extra ? `${base} ${extra}` : base;
}

export function fillFix(template: string, url: URL | undefined): string {
  return template.replaceAll('{host}', url?.hostname ?? 'your domain').replaceAll('{origin}', url?.origin ?? 'the URL');
}

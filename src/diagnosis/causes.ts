/** The contract's cause ids, with what each means and the fix it names when no fingerprint says more. */

export const CAUSES = [
  'host-rejected',
  'no-healthy-backend',
  'upstream-unreachable',
  'upstream-timeout',
  'redirect-loop',
  'app-error',
  'route-not-found',
  'static-assets-missing',
  'wrong-content',
  'stale-version',
  'deployment-failed',
  'deployment-not-found',
  'health-failing',
  'dns-failure',
  'tls-error',
  'connection-refused',
  'timeout',
  'auth-required',
  'rate-limited',
  'config-error',
  'proxy-error',
] as const;

export type CauseId = (typeof CAUSES)[number];

export type Layer = 'network' | 'edge' | 'proxy' | 'platform' | 'app' | 'deploy' | 'config';

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'error';

export interface CauseInfo {
  /** Short name for headings. */
  title: string;
  layer: Layer;
  /** The usual fix; `{host}` and `{origin}` are filled in from the checked URL. */
  fix: string;
  /** Causes that mean "could not measure" rather than "broken". */
  inconclusive?: boolean;
}

export const CAUSE_INFO: Record<CauseId, CauseInfo> = {
  'host-rejected': {
    title: 'public Host rejected by the app',
    layer: 'app',
    fix: "Add `{host}` to the app's allowed hosts: `ALLOWED_HOSTS` (and `https://{host}` in `CSRF_TRUSTED_ORIGINS`) for Django, `config.hosts` for Rails, `allowedHosts` for Vite/webpack, `allowed_hosts` for Starlette.",
  },
  'no-healthy-backend': {
    title: 'no healthy backend behind the edge',
    layer: 'edge',
    fix: 'Give the app a readiness probe that checks its dependencies and passes, on a path, port and Host header the app accepts; then make sure instances actually pass it.',
  },
  'upstream-unreachable': {
    title: 'proxy cannot reach the app',
    layer: 'proxy',
    fix: "Make the proxy's upstream match where the app server listens: the same port or unix socket (`proxy_pass` vs gunicorn `--bind`), and `0.0.0.0:$PORT` rather than `127.0.0.1` inside a container.",
  },
  'upstream-timeout': {
    title: 'proxy gave up waiting for the app',
    layer: 'proxy',
    fix: "Find the slow route (database, external calls); keep the worker timeout shorter than the proxy's and the proxy's shorter than the edge's, or move the work to a background job.",
  },
  'redirect-loop': {
    title: 'redirects never end',
    layer: 'app',
    fix: 'Behind a TLS-terminating proxy, tell the app the request was https: `SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")` (Django), `config.assume_ssl = true` (Rails), and make the proxy send `X-Forwarded-Proto`; on Cloudflare use SSL mode Full (strict).',
  },
  'app-error': {
    title: 'the app fails on public routes',
    layer: 'app',
    fix: "Read the app's logs for these requests: unapplied migrations, missing environment variables or secrets, templates, static manifest entries.",
  },
  'route-not-found': {
    title: 'route not found',
    layer: 'app',
    fix: 'Check the routing prefix (`FORCE_SCRIPT_NAME`, `root_path`, router mounts), rewrites, and that the build deployed contains the route (output directory).',
  },
  'static-assets-missing': {
    title: 'static assets missing',
    layer: 'app',
    fix: 'Collect static files at build time (`python manage.py collectstatic --noinput` with `STATIC_ROOT` set) and serve them (WhiteNoise or the proxy); for front ends, check the build output directory.',
  },
  'wrong-content': {
    title: 'wrong content',
    layer: 'app',
    fix: 'The route answers, but not with the expected page: check that the deploy landed (a placeholder or default page is being served), the document root, and SPA rewrites.',
  },
  'stale-version': {
    title: 'previous release still serving',
    layer: 'deploy',
    fix: "The expected version never appeared: check that the deploy rolled out (new instances passed their probes), that no cache serves the old health answer, and that the URL is the new deploy's.",
  },
  'deployment-failed': {
    title: 'deployment failed',
    layer: 'deploy',
    fix: "Read the deployment's log.",
  },
  'deployment-not-found': {
    title: 'deployment not found',
    layer: 'deploy',
    fix: 'Check the environment name and that the provider reports deployments to GitHub for this commit.',
  },
  'health-failing': {
    title: 'health endpoint failing',
    layer: 'app',
    fix: 'Make the health endpoint answer 2xx once the app can serve: check its path, what it depends on, and that it is cheap enough to answer within the request timeout.',
  },
  'dns-failure': {
    title: 'DNS lookup failed',
    layer: 'network',
    fix: 'Create or fix the DNS record for `{host}` (and check the domain is attached to the project on the platform).',
  },
  'tls-error': {
    title: 'TLS certificate rejected',
    layer: 'network',
    fix: 'Serve a valid certificate for `{host}`: not expired, issued by a public CA, with `{host}` in its names, and with the full chain.',
  },
  'connection-refused': {
    title: 'nothing listening',
    layer: 'network',
    fix: 'Start the server and bind it to the address and port `{origin}` reaches (`0.0.0.0:$PORT` in a container).',
  },
  timeout: {
    title: 'no answer in time',
    layer: 'network',
    fix: 'The server accepted the request but did not answer within request-timeout: look for a hang (blocked worker, database wait) or raise request-timeout if the route is legitimately slow.',
  },
  'auth-required': {
    title: 'blocked by a protection wall',
    layer: 'edge',
    fix: 'Let the gate through: send a bypass header for automation with the `headers` input (e.g. Vercel `x-vercel-protection-bypass`), or allow the runner in the WAF.',
    inconclusive: true,
  },
  'rate-limited': {
    title: 'rate limited',
    layer: 'edge',
    fix: "The deployment kept answering 429; allow the gate's requests or check fewer routes.",
    inconclusive: true,
  },
  'proxy-error': {
    title: "the runner's HTTP proxy failed",
    layer: 'network',
    fix: 'Check the proxy this runner uses (`HTTPS_PROXY`/`HTTP_PROXY`): that it runs and this runner can reach it, that it allows CONNECT to `{origin}`, the credentials in its URL (`http://user:password@proxy:port`) when it answers 407, or add `{host}` to `NO_PROXY` when the runner reaches the deployment directly.',
    inconclusive: true,
  },
  'config-error': {
    title: 'configuration error',
    layer: 'config',
    fix: 'Fix the input named in the message.',
  },
};

/** When several causes are found, the one listed first here is the headline. */
export const CAUSE_PRIORITY: readonly CauseId[] = [
  'config-error',
  // A failing proxy hides everything behind it.
  'proxy-error',
  'deployment-failed',
  'deployment-not-found',
  'stale-version',
  'dns-failure',
  'tls-error',
  'connection-refused',
  'host-rejected',
  'no-healthy-backend',
  'upstream-unreachable',
  'upstream-timeout',
  'redirect-loop',
  'app-error',
  'timeout',
  'static-assets-missing',
  'route-not-found',
  'wrong-content',
  'health-failing',
  'auth-required',
  'rate-limited',
];

export function fillFix(template: string, url: URL | undefined): string {
  return template.replaceAll('{host}', url?.hostname ?? 'your domain').replaceAll('{origin}', url?.origin ?? 'the URL');
}

/**
 * The proxy settings of the machine, read once from the environment the way @actions/http-client and curl
 * read them: lower case first, then upper case. An empty value means "no proxy". A bare `host:port` is
 * taken as `http://host:port`, as curl and @actions/http-client do.
 */

export interface ProxySettings {
  /** For http:// targets (and https:// ones when httpsProxy is unset, as undici does). */
  httpProxy?: string;
  httpsProxy?: string;
  /** NO_PROXY as written: host names, `.suffix`, `*.suffix`, `host:port`, IP addresses, `*`. */
  noProxy: string;
}

export interface ProxyProblem {
  input: string;
  message: string;
}

const SCHEMES = new Set(['http:', 'https:']);

export function proxyFromEnv(env: NodeJS.ProcessEnv): { settings: ProxySettings; problems: ProxyProblem[] } {
  const problems: ProxyProblem[] = [];
  const read = (lower: string, upper: string): string | undefined => {
    const name = env[lower] !== undefined ? lower : upper;
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const url = parseProxyUrl(raw);
    if (!url) {
      problems.push({
        input: name,
        message:
          'is not a proxy URL: use http://host:port or https://host:port (credentials as http://user:password@host:port)',
      });
      return undefined;
    }
    return url.href;
  };
  const settings: ProxySettings = {
    httpProxy: read('http_proxy', 'HTTP_PROXY'),
    httpsProxy: read('https_proxy', 'HTTPS_PROXY'),
    noProxy: (env['no_proxy'] ?? env['NO_PROXY'] ?? '').trim(),
  };
  return { settings, problems };
}

function parseProxyUrl(raw: string): URL | undefined {
  for (const candidate of [raw, `http://${raw}`]) {
    try {
      const url = new URL(candidate);
      if (SCHEMES.has(url.protocol) && url.hostname) return url;
      if (candidate === raw && /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return undefined;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

export function hasProxy(settings: ProxySettings | undefined): settings is ProxySettings {
  return !!(settings?.httpProxy || settings?.httpsProxy);
}

/** What reports may say about a proxy: its origin, never the credentials in its URL. */
export function proxyLabel(proxyUrl: string | URL): string {
  const url = new URL(proxyUrl);
  return url.origin;
}

/** Credentials written into proxy URLs, for redaction (they never reach a report). */
export function proxySecrets(settings: ProxySettings): string[] {
  const secrets: string[] = [];
  for (const value of [settings.httpProxy, settings.httpsProxy]) {
    if (!value) continue;
    const url = new URL(value);
    if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
    // A token given as the username alone (`http://TOKEN@proxy:3128`) is the credential.
    if (url.username && !url.password) secrets.push(decodeURIComponent(url.username), url.username);
    if (url.username && url.password)
      secrets.push(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
  }
  return [...new Set(secrets.filter((s) => s.length >= 3))];
}

import { afterEach, describe, expect, it } from 'vitest';
import { classifyFailure } from '../src/diagnosis/classify.js';
import { isSignInTarget } from '../src/diagnosis/sign-in.js';
import { NETWORK_EDGE, runAction } from './support/runner.js';
import { startServer, text, type Handler, type TestServer } from './support/servers.js';

/**
 * Issue 22 item 3: a redirect to another host is not a protection wall. Sign-in walls are told by where
 * they lead; apex → www and platform domain → custom domain are reported as redirects, and followed when
 * `allow-redirect-hosts` lists the host (without the configured headers).
 */

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const redirectTo =
  (location: (req: { headers: Record<string, unknown> }) => string): Handler =>
  (req, res) =>
    res.writeHead(301, { location: location(req as never) }).end();

/** shop.test (the deploy) and www.shop.test (where it redirects) both on loopback, through faked DNS. */
async function apexAndWww(location: (wwwPort: number) => string) {
  const www = await startServer({ '/': text(200, '<h1>shop</h1>') });
  const apex = await startServer(
    { '/health': text(200, 'ok') },
    redirectTo(() => location(www.port)),
  );
  servers.push(www, apex);
  const env = {
    NODE_OPTIONS: `--import=${NETWORK_EDGE}`,
    GATE_TEST_DNS: JSON.stringify({ 'shop.test': ['127.0.0.1'], 'www.shop.test': ['127.0.0.1'] }),
  };
  return { www, apex, env, url: `http://shop.test:${apex.port}` };
}

describe('a redirect to another host (built action)', () => {
  it('apex → www is reported as a redirect to www, not a protection wall asking for a bypass header', async () => {
    const { url, env } = await apexAndWww((port) => `http://www.shop.test:${port}/`);
    const run = await runAction({ url, comment: 'false', 'check-assets': 'false' }, env);
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'inconclusive', cause: 'cross-host-redirect' });
    expect(run.outputs['summary']).toContain('the route redirects to another host, www.shop.test');
    expect(run.summary).toContain('allow-redirect-hosts');
    expect(run.summary).not.toMatch(/protection wall|bypass/i);
  });

  it('is followed when allow-redirect-hosts lists the host, and the configured headers stay behind', async () => {
    const { url, env, www } = await apexAndWww((port) => `http://www.shop.test:${port}/`);
    const run = await runAction(
      {
        url,
        comment: 'false',
        'check-assets': 'false',
        'allow-redirect-hosts': 'www.shop.test',
        headers: 'x-bypass: s3cret-value',
      },
      env,
    );
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'pass' });
    expect(www.requests.length).toBeGreaterThan(0);
    expect(www.requests.every((r) => r.headers['x-bypass'] === undefined)).toBe(true);
  });

  it('a redirect to a sign-in page is still a wall (auth-required), also when that host is allowed', async () => {
    const { url, env } = await apexAndWww(() => 'https://login.microsoftonline.com/common/oauth2/authorize?x=1');
    const run = await runAction({ url, comment: 'false', 'check-assets': 'false' }, env);
    expect(run.outputs).toMatchObject({ verdict: 'inconclusive', cause: 'auth-required' });
  });

  it('a bad host in allow-redirect-hosts is a config error naming the input', async () => {
    const run = await runAction({ url: 'http://127.0.0.1:9', 'allow-redirect-hosts': 'https://www.shop.test/' });
    expect(run.outputs['cause']).toBe('config-error');
    expect(run.summary.replaceAll('\u200b', '')).toContain(
      '`allow-redirect-hosts`: "https://www.shop.test/" is not a host name',
    );
  });
});

describe('sign-in targets', () => {
  it.each([
    'https://accounts.google.com/o/oauth2/v2/auth?client_id=1',
    'https://login.microsoftonline.com/tenant/saml2',
    'https://acme.okta.com/app/x/sso/saml',
    'https://acme.cloudflareaccess.com/cdn-cgi/access/login/shop.example.com',
    'https://vercel.com/login?next=%2Fsso-api',
    'https://vercel.com/sso-api?url=x',
    'https://github.com/login?return_to=%2F',
    'https://shop.example.com/accounts/login/?next=/',
    'https://id.example.com/realms/acme/protocol/openid-connect/auth?x',
    'https://shop.example.com/signin',
  ])('%s is a sign-in page', (target) => expect(isSignInTarget(new URL(target))).toBe(true));

  it.each([
    'https://www.shop.example.com/',
    'https://shop.example.com/products/',
    'https://vercel.com/',
    'https://github.com/acme/shop',
    'https://shop.example.com/authors/ada',
    'https://shop.example.com/blog/oauth-explained',
  ])('%s is not', (target) => expect(isSignInTarget(new URL(target))).toBe(false));

  it('classifies a platform domain → custom domain redirect as cross-host-redirect, a login redirect as a wall', () => {
    const observation = (location: string) =>
      ({
        method: 'GET',
        url: 'https://shop.onrender.com/',
        finalUrl: 'https://shop.onrender.com/',
        status: 301,
        headers: { location },
        body: '',
        redirects: [],
        timings: { totalMs: 20 },
      }) as never;
    const custom = classifyFailure(observation('https://shop.example.com/'), undefined, '/', { healthAnswered: true });
    expect(custom.cause).toBe('cross-host-redirect');
    expect(custom.meaning).toContain('shop.example.com');
    const login = classifyFailure(observation('https://shop.onrender.com/login?next=/'), undefined, '/', {
      healthAnswered: true,
    });
    expect(login.cause).toBe('auth-required');
  });
});

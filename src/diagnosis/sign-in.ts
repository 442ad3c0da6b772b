/**
 * Sign-in walls told from ordinary redirects by where they lead. A redirect to an identity provider or to
 * a login path asks for credentials (`auth-required`); a redirect to another host that is neither
 * (apex → www, a platform domain → the custom domain) is just a redirect, and calling it a wall would send
 * people looking for a bypass header they do not need.
 */

/** Identity providers and protection walls, by host; `.suffix` entries match subdomains. */
const SIGN_IN_HOSTS = [
  'accounts.google.com',
  'login.microsoftonline.com',
  'login.live.com',
  'login.windows.net',
  '.b2clogin.com',
  '.okta.com',
  '.oktapreview.com',
  '.okta-emea.com',
  '.auth0.com',
  '.onelogin.com',
  '.cloudflareaccess.com',
  '.amazoncognito.com',
  'login.salesforce.com',
  '.pingidentity.com',
  '.duosecurity.com',
  '.jumpcloud.com',
  'sso.jumpcloud.com',
];

/** Hosts whose sign-in pages live under a path (Vercel's and GitHub's own login). */
const SIGN_IN_PAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['vercel.com', /^\/(login|sso|sso-api)(\/|$)/i],
  ['github.com', /^\/(login|session|sessions)(\/|$)/i],
  ['app.netlify.com', /^\/(login|authorize)(\/|$)/i],
];

/** A path segment that names a sign-in step, on any host: /login, /signin, /sso, /oauth2/authorize, /auth … */
const SIGN_IN_PATH =
  /(^|\/)(log-?in|sign-?in|sso|saml2?|oauth2?|openid-connect|oidc|cas|auth|authorize|authenticate|session\/new|adfs)(\/|$|\.|\?)/i;

export function isSignInTarget(target: URL): boolean {
  const host = target.hostname.toLowerCase();
  if (SIGN_IN_HOSTS.some((h) => (h.startsWith('.') ? host.endsWith(h) || host === h.slice(1) : host === h)))
    return true;
  if (SIGN_IN_PAGES.some(([h, path]) => host === h && path.test(target.pathname))) return true;
  return SIGN_IN_PATH.test(target.pathname) || /[?&](returnto|return_to|redirect_uri|next)=/i.test(target.search);
}

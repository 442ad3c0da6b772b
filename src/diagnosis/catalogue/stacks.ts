/**
 * The app stacks the catalogue knows, and the words that belong to each. A fix may name a stack's server,
 * settings or build steps only when the evidence shows that stack: the answers (a signature, a header)
 * or the repository's files. When neither does, the fix says only what every stack has in common.
 * test/stack-fixes.test.ts walks every cause × stack pair with these words.
 */

export const STACKS = ['django', 'flask', 'starlette', 'rails', 'nextjs', 'express', 'vite', 'tomcat', 'go'] as const;

export type Stack = (typeof STACKS)[number];

export const STACK_NAMES: Record<Stack, string> = {
  django: 'Django',
  flask: 'Flask',
  starlette: 'Starlette / FastAPI',
  rails: 'Rails (puma)',
  nextjs: 'Next.js',
  express: 'Express',
  vite: 'Vite / webpack',
  tomcat: 'Tomcat',
  go: 'Go net/http',
};

/**
 * Words that name one stack (or a few that share a server), for the test that no fix names a stack the
 * evidence does not show. Proxies are not here: a proxy's own fix names that proxy, and its row says who.
 */
export const STACK_WORDS: ReadonlyArray<readonly [RegExp, readonly Stack[]]> = [
  [
    /\bDjango\b|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|collectstatic|STATIC_(ROOT|URL)|WhiteNoise|manage\.py|SECURE_PROXY_SSL_HEADER|FORCE_SCRIPT_NAME|urls\.py/,
    ['django'],
  ],
  [/\bgunicorn\b/i, ['django', 'flask']],
  [/\bFlask\b|Werkzeug|SERVER_NAME/, ['flask']],
  [/Starlette|FastAPI|TrustedHostMiddleware|allowed_hosts|root_path|\buvicorn\b/, ['starlette']],
  [/\bRails\b|config\.hosts|assume_ssl|force_ssl|assets:precompile|config\/puma\.rb|\bpuma\b/i, ['rails']],
  [/Next\.js|\.next\/|next\.config|assetPrefix|standalone|basePath/, ['nextjs']],
  [/\bExpress\b/, ['express']],
  [/NODE_ENV/, ['express', 'nextjs']],
  [/\bVite\b|webpack|allowedHosts|publicPath/, ['vite']],
  [/Tomcat|\bWAR\b|\.war\b|WEB-INF|server\.xml|Catalina|\bJSP\b|servlet/i, ['tomcat']],
  [/\bGo\b|net\/http|ListenAndServe|ServeMux|\bpanic\b|recover\(\)/, ['go']],
];

/** The stacks a text names (by the words above). */
export function stacksNamed(text: string): Stack[] {
  return [...new Set(STACK_WORDS.filter(([word]) => word.test(text)).flatMap(([, stacks]) => stacks))];
}

/**
 * The words of a text that belong to none of the stacks shown: "gunicorn" is fine for a Django app (its
 * word serves Django and Flask), "collectstatic" is not for a Next.js one. Nothing shown: every stack word.
 */
export function foreignWords(text: string, shown: readonly Stack[]): string[] {
  return STACK_WORDS.filter(([word, stacks]) => word.test(text) && !stacks.some((s) => shown.includes(s))).map(
    ([word]) => text.match(word)![0],
  );
}

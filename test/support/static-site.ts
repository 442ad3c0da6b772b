import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';

/**
 * A front end built for real (the `vite` package's own build, in a temp dir) and a loopback static
 * server for its output, with the SPA fallback of Netlify/Vercel/nginx `try_files … /index.html` on
 * or off: the two ways a host answers for a bundle it does not have.
 */

export interface BuiltSite {
  /** The build output directory. */
  dist: string;
  /** Output files, relative to `dist`, with `/` separators. */
  files: string[];
}

/** Builds a small Vite app (a module entry, a CSS import, a lazy chunk) with the given `base`. */
export async function buildViteSite(options: { base?: string; entryText?: string } = {}): Promise<BuiltSite> {
  const root = mkdtempSync(join(tmpdir(), 'gate-vite-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write(
    'index.html',
    '<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>',
  );
  const text = JSON.stringify(options.entryText ?? 'Shop');
  write(
    'src/main.js',
    `import './style.css';\ndocument.querySelector('#app').textContent = ${text};\nimport('./lazy.js').then((m) => m.ready());\n`,
  );
  write('src/style.css', 'body { font-family: sans-serif; color: #123; }\n');
  write('src/lazy.js', 'export function ready() { return true; }\n');
  const { build } = await import('vite');
  await build({ root, base: options.base ?? '/', configFile: false, logLevel: 'silent', build: { outDir: 'dist' } });
  const dist = join(root, 'dist');
  const files = (readdirSync(dist, { recursive: true }) as string[])
    .filter((f) => statSync(join(dist, f)).isFile())
    .map((f) => f.split('\\').join('/'));
  return { dist, files };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** Serves `dir`; unknown paths get `index.html` (200) with `spaFallback`, else 404. `/health` answers ok. */
export async function serveStatic(
  dir: string,
  options: { spaFallback: boolean; mountAt?: string },
): Promise<StaticServer> {
  const requests: StaticServer['requests'] = [];
  const mount = options.mountAt ?? '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push({ path, headers: req.headers });
    if (path === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    const inside = path.startsWith(mount + '/') ? path.slice(mount.length) : undefined;
    const relative = inside === undefined ? undefined : normalize(inside === '/' ? '/index.html' : inside);
    const file = relative && !relative.includes('..') ? join(dir, relative) : undefined;
    // Like nginx: a `bytes=0-N` range gets a 206 with those bytes, including for the fallback page.
    const send = (target: string) => {
      const type = TYPES[extname(target)] ?? 'application/octet-stream';
      const size = statSync(target).size;
      const range = /^bytes=0-(\d+)$/.exec(req.headers.range ?? '');
      if (!range) {
        res.writeHead(200, { 'content-type': type, 'content-length': size });
        return void createReadStream(target).pipe(res);
      }
      if (size === 0) return void res.writeHead(416, { 'content-range': 'bytes */0' }).end();
      const end = Math.min(Number(range[1]), size - 1);
      res.writeHead(206, {
        'content-type': type,
        'content-range': `bytes 0-${end}/${size}`,
        'content-length': end + 1,
      });
      createReadStream(target, { start: 0, end }).pipe(res);
    };
    if (file && existsSync(file) && statSync(file).isFile()) return send(file);
    if (options.spaFallback) return send(join(dir, 'index.html'));
    res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><title>404</title><h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Renders a real job summary to docs/summary.png for the README: the built action (dist/) against the
// demo's Django deploy that rejects the public Host, its summary rendered as GitHub-Flavoured Markdown
// (micromark + GFM, as in the tests), and a headless Chromium screenshot of that page.
//   node scripts/summary-picture.js   (needs `chromium` on PATH; run `npm run package` first)
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { DEPLOYS } from '../demo/deploys.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = DEPLOYS.find((d) => d.name === 'django-allowed-hosts');
const server = createServer((req, res) => deploy.handle(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

const dir = mkdtempSync(join(tmpdir(), 'gate-picture-'));
writeFileSync(join(dir, 'summary'), '');
writeFileSync(join(dir, 'output'), '');
const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
  env: {
    PATH: process.env.PATH,
    NODE_OPTIONS: `--import=${new URL('../test/support/preload/network-edge.mjs', import.meta.url).href}`,
    GATE_TEST_DNS: JSON.stringify({ 'shop.example.com': ['127.0.0.1'] }),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_OUTPUT: join(dir, 'output'),
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: join(root, 'demo/project'),
    INPUT_URL: `http://shop.example.com:${port}`,
    'INPUT_HEALTH-PATH': '/health/',
    INPUT_ROUTES: '/\n/products/ 200',
    INPUT_TIMEOUT: '1m',
    'INPUT_REQUEST-TIMEOUT': '10s',
    'INPUT_WAIT-FOR-DEPLOYMENT': 'false',
    INPUT_COMMENT: 'false',
    INPUT_WATCH: '0',
    'INPUT_CHECK-ASSETS': 'true',
  },
  stdio: 'ignore',
});
await new Promise((resolve) => child.on('close', resolve));
server.close();

const markdown = readFileSync(join(dir, 'summary'), 'utf8')
  // Local ports differ from run to run; the picture shows the deploy's public name only.
  .replaceAll(`:${port}`, '');
const body = micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const page = `<!doctype html><meta charset="utf-8"><style>
body{font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328;margin:0;padding:24px 32px;width:940px}
h2{font-size:1.5em;border-bottom:1px solid #d1d9e0;padding-bottom:.3em;margin-top:0}h3{font-size:1.25em}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eff1f3;padding:.2em .4em;border-radius:6px}
pre{background:#f6f8fa;padding:16px;border-radius:6px;overflow:hidden}pre code{background:none;padding:0}
table{border-collapse:collapse;margin:0 0 16px}td,th{border:1px solid #d1d9e0;padding:6px 13px;vertical-align:top}
tr:nth-child(2n){background:#f6f8fa}th{font-weight:600}summary{cursor:pointer}sub{color:#59636e}
</style><body>${body}</body>`;
writeFileSync(join(dir, 'summary.html'), page);
const out = join(root, 'docs/summary.png');
const shot = spawnSync(
  'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    `--screenshot=${out}`,
    '--window-size=1004,720',
    `file://${join(dir, 'summary.html')}`,
  ],
  { stdio: 'inherit' },
);
if (shot.status !== 0) process.exit(shot.status ?? 1);
console.log(`wrote ${out} (the summary's Markdown and HTML are in ${dir})`);

// `npm run bench -- …` measures; this says where the time goes. It runs the action bundle once with
// `--cpu-prof` against a loopback deploy it starts itself and prints CPU time per file of dist/ (the chunks)
// and per package, so the README's "Where the time goes" can be checked on any machine.
//   node bench/profile.js [ROUTES]        one run of dist/index.js, ROUTES routes (default 1)
//   node bench/profile.js --file X.cpuprofile   summarise a profile made elsewhere (e.g. bench/run.js --only stage)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** Where a sampled function lives: a dist/ chunk, a package, a src/ or lib/ file, or Node itself. */
function place(url, name) {
  if (!url) return `(${name || 'native'})`;
  if (url.startsWith('node:')) return 'node: built-ins';
  if (url.startsWith('wasm:')) return 'wasm (undici llhttp)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return `package ${inModules[1]}`;
  const inRepo = /\/(dist|lib|src|bench)\/(.+)$/.exec(url);
  return inRepo ? `${inRepo[1]}/${inRepo[2]}` : url;
}

function summarise(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byPlace = new Map();
  for (const [id, us] of selfUs) {
    const { url, functionName } = nodes.get(id).callFrame;
    const key = place(url, functionName);
    byPlace.set(key, (byPlace.get(key) ?? 0) + us / 1000);
  }
  const busy = [...byPlace].filter(([k]) => k !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`profile: ${((profile.endTime - profile.startTime) / 1000).toFixed(1)} ms, busy ${busy.toFixed(1)} ms`);
  for (const [key, ms] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`${ms.toFixed(1).padStart(9)} ms  ${key}`);
}

if (args[0] === '--file') {
  summarise(JSON.parse(readFileSync(args[1], 'utf8')));
} else {
  const count = Number(args[0] ?? 1);
  const server = createServer((req, res) => {
    if (req.url === '/health') return res.writeHead(200).end('ok');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Shop</title><h1>Shop</h1>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const dir = mkdtempSync(join(tmpdir(), 'gate-profile-'));
  for (const f of ['out', 'summary']) writeFileSync(join(dir, f), '');
  const routes = count === 1 ? '/' : Array.from({ length: count }, (_, i) => `/p/${i}`).join('\n');
  const env = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
    // An empty compile cache: what a fresh hosted runner sees.
    NODE_COMPILE_CACHE: join(dir, 'compile-cache'),
    INPUT_URL: url,
    'INPUT_HEALTH-PATH': '/health',
    INPUT_ROUTES: routes,
    INPUT_TIMEOUT: '5m',
    'INPUT_WAIT-FOR-DEPLOYMENT': 'false',
    INPUT_COMMENT: 'false',
    INPUT_WATCH: '0',
  };
  const child = spawn(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', join(dir, 'profile'), join(ROOT, 'dist/index.js')],
    { env, stdio: 'ignore' },
  );
  const code = await new Promise((resolve) => child.on('close', resolve));
  server.close();
  if (code !== 0) throw new Error(`the action exited ${code} (outputs in ${dir})`);
  const file = join(dir, 'profile', readdirSync(join(dir, 'profile'))[0]);
  console.log(`${count} route(s); profile saved as ${file}`);
  summarise(JSON.parse(readFileSync(file, 'utf8')));
}

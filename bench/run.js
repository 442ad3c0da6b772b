// `npm run bench`: the gate's own cost, measured against loopback deploys it starts itself.
//   node bench/run.js            every figure, 5 runs each (about three minutes)
//   node bench/run.js --quick    a short version (CI), 3 runs, D = 2 s only
//   --check FILE                 fail when a figure regressed far past the baseline in FILE
//   --write FILE                 save the figures as a baseline
//   --runs N                     runs per figure;  --only lag,routes   only these figures
//   --only targets               three deploys in one run against the slowest alone (goal ≤ 1.2×)
// Each figure prints one JSON line (median, min, max over its runs); a table follows.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACTION = join(ROOT, 'dist/index.js');
const CLI = join(ROOT, 'bin/post-deploy-gate.js');
const CPU_AT_EXIT = join(ROOT, 'bench/cpu-at-exit.cjs');
/** The CPU time a child wrote at exit (bench/cpu-at-exit.cjs). */
const cpuOf = (file) => Number(readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(option('--runs') ?? (quick ? 3 : 5));
/** `--only lag,routes`: run only the figures whose names contain one of these words. */
const only = option('--only')?.split(',');
const wanted = (name) => !only || only.some((word) => name.includes(word));
const figures = [];

const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  return {
    median: round(sorted[Math.floor(sorted.length / 2)]),
    min: round(sorted[0]),
    max: round(sorted.at(-1)),
    runs: xs.length,
  };
};
function report(figure, unit, values, extra = {}) {
  const line = { figure, unit, ...stats(values), ...extra };
  figures.push(line);
  console.log(JSON.stringify(line));
}

/** A loopback deploy: health answers 503 until `readyAfterMs`, then 200; every other path answers at once. */
async function deploy({ readyAfterMs = 0, body } = {}) {
  const state = { healthRequests: 0, readyAt: 0, server: undefined, url: '' };
  state.server = createServer((req, res) => {
    if (req.url === '/health') {
      state.healthRequests++;
      const ready = performance.now() >= state.readyAt;
      return res.writeHead(ready ? 200 : 503).end(ready ? 'ok' : 'starting');
    }
    if (body) return body(req, res);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Shop</title><h1>Shop</h1>');
  });
  await new Promise((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${state.server.address().port}`;
  state.readyAt = performance.now() + readyAfterMs;
  return state;
}

/** Runs the action bundle the way the runner does; resolves with wall time and peak RSS (VmHWM). */
function runAction(url, inputs = {}, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gate-bench-'));
  for (const f of ['out', 'summary']) writeFileSync(join(dir, f), '');
  const env = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
    GATE_BENCH_CPU_FILE: join(dir, 'cpu'),
    INPUT_URL: url,
    'INPUT_HEALTH-PATH': '/health',
    INPUT_ROUTES: '/',
    INPUT_TIMEOUT: '5m',
    'INPUT_REQUEST-TIMEOUT': '10s',
    'INPUT_WAIT-FOR-DEPLOYMENT': 'false',
    INPUT_COMMENT: 'false',
    INPUT_WATCH: '0',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  };
  // The verdict moment is when the workflow could read it: the `verdict` output appearing in GITHUB_OUTPUT.
  let verdictAt;
  const watcher = setInterval(() => {
    if (!verdictAt && readFileSync(join(dir, 'out'), 'utf8').includes('verdict<<')) verdictAt = performance.now();
  }, 2);
  return measure(process.execPath, ['-r', CPU_AT_EXIT, ACTION], env).then((r) => {
    clearInterval(watcher);
    return {
      ...r,
      verdictAt: verdictAt ?? r.endedAt,
      outputs: readFileSync(join(dir, 'out'), 'utf8'),
      cpuMs: cpuOf(join(dir, 'cpu')),
    };
  });
}

function measure(command, argv, env = { PATH: process.env.PATH }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, argv, { env, stdio: 'ignore' });
    let peakKb = 0;
    const sample = () => {
      try {
        peakKb = Math.max(
          peakKb,
          Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0),
        );
      } catch {}
    };
    const sampler = setInterval(sample, 5);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ code, wallMs: performance.now() - started, endedAt: performance.now(), peakMb: peakKb / 1024 });
    });
  });
}

async function readinessLag() {
  for (const seconds of quick ? [2] : [2, 8, 30]) {
    // The runs of one D go in parallel (each process mostly sleeps between polls), so the full benchmark
    // takes 15 of them: with 5 the median of this skewed figure moved by ±0.2 s between runs.
    const results = await Promise.all(
      Array.from({ length: quick || option('--runs') ? RUNS : 15 }, async () => {
        const d = await deploy({ readyAfterMs: seconds * 1000 });
        const run = await runAction(d.url);
        d.server.close();
        return {
          lagMs: run.verdictAt - d.readyAt,
          exitLagMs: run.endedAt - d.readyAt,
          requests: d.healthRequests,
          pass: run.outputs.includes('pass'),
        };
      }),
    );
    if (!results.every((r) => r.pass)) throw new Error(`ready-lag D=${seconds}s: a run did not pass`);
    report(
      `ready-to-verdict lag, D=${seconds}s`,
      'ms',
      results.map((r) => r.lagMs),
      {
        toProcessExitMs: stats(results.map((r) => r.exitLagMs)),
        readinessRequests: stats(results.map((r) => r.requests)),
      },
    );
  }
}

/** The real readiness code under a virtual clock, against a real deploy that never becomes ready. */
async function requestsOverFiveMinutes() {
  const { waitUntilReady } = await import('../lib/readiness.js');
  const { createHttpClient } = await import('../lib/http/client.js');
  const counts = [];
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms) => void (now += ms) };
    const d = await deploy({ readyAfterMs: 10 ** 9 });
    const client = createHttpClient({ requestTimeoutMs: 10_000, headers: [], clock });
    const silent = { info() {}, warning() {}, debug() {} };
    await waitUntilReady({
      client,
      clock,
      log: silent,
      healthUrl: new URL(`${d.url}/health`),
      successThreshold: 2,
      deadlineMs: 300_000,
      budgetMs: 300_000,
      requestTimeoutMs: 10_000,
    });
    counts.push(d.healthRequests);
    await client.close();
    d.server.close();
  }
  report('readiness requests in 5 minutes of waiting (virtual clock)', 'requests', counts);
}

/** A deploy that passes and dies 5 s later (every connection refused): how soon a 2 m watch fails it. */
async function watchDeath() {
  const results = await Promise.all(
    Array.from({ length: RUNS }, async () => {
      let requests = 0;
      const d = await deploy({ body: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('ok') });
      d.server.on('request', () => requests++);
      let diedAt = 0;
      const killer = setTimeout(() => {
        diedAt = performance.now();
        d.server.close();
        d.server.closeAllConnections();
      }, 5_000);
      const run = await runAction(d.url, { routes: '/\n/products/', watch: '2m' });
      clearTimeout(killer);
      if (!run.outputs.includes('fail')) throw new Error('watch: a deploy that died was not failed');
      return { lagMs: run.verdictAt - diedAt, requests };
    }),
  );
  report(
    'watch: deploy dies 5 s after start, death to failing verdict (watch 2m)',
    'ms',
    results.map((r) => r.lagMs),
    { requestsAnsweredWhileUp: stats(results.map((r) => r.requests)) },
  );
}

/** Health that answers Django's DisallowedHost 400 forever: what the wait costs before it stops. */
async function unchangingAnswer() {
  const { waitUntilReady } = await import('../lib/readiness.js');
  const { createHttpClient } = await import('../lib/http/client.js');
  const { unbootableKey } = await import('../lib/diagnosis/waiting.js');
  const page = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/captured/django-400-disallowed-host.json'), 'utf8'));
  const counts = [];
  const waited = [];
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms) => void (now += ms) };
    const server = createServer((_req, res) => res.writeHead(400, { 'content-type': 'text/html' }).end(page.body));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    let requests = 0;
    server.on('request', () => requests++);
    const client = createHttpClient({ requestTimeoutMs: 10_000, headers: [], clock });
    const silent = { info() {}, warning() {}, debug() {} };
    await waitUntilReady({
      client,
      clock,
      log: silent,
      healthUrl: new URL(`http://127.0.0.1:${server.address().port}/health`),
      successThreshold: 2,
      deadlineMs: 300_000,
      budgetMs: 300_000,
      requestTimeoutMs: 10_000,
      unbootable: unbootableKey,
    });
    counts.push(requests);
    waited.push(now);
    await client.close();
    server.close();
  }
  report('health rejects the Host: wait before the verdict (virtual clock, timeout 5m)', 'ms', waited, {
    readinessRequests: stats(counts),
  });
}

/** What common actions do: a fixed interval (3 s, 10 s), on the same deploy; the start phase is random. */
async function fixedIntervalComparison() {
  for (const interval of [3000, 10000]) {
    for (const seconds of quick ? [] : [8, 30]) {
      const lags = [];
      for (let i = 0; i < RUNS; i++) {
        const offset = Math.random() * interval; // where in its cycle the poller was when the deploy started
        let t = -offset;
        while (t < seconds * 1000) t += interval;
        lags.push(t - seconds * 1000);
      }
      report(`fixed ${interval / 1000}s poll: ready-to-noticed lag, D=${seconds}s (schedule)`, 'ms', lags, {
        requests: Math.ceil(seconds / (interval / 1000)) + 1,
      });
    }
  }
}

async function routes() {
  for (const count of quick ? [100] : [10, 100, 300, 1000]) {
    const d = await deploy();
    const lines = Array.from({ length: count }, (_, i) => `/p/${i}`).join('\n');
    const gate = [];
    const plain = [];
    const peaks = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await runAction(d.url, { routes: lines });
      if (!run.outputs.includes('pass')) throw new Error(`routes ${count}: the gate did not pass`);
      gate.push(run.wallMs);
      peaks.push(run.peakMb);
      plain.push(
        (await measure(process.execPath, [join(ROOT, 'bench/plain-loop.js'), d.url, String(count), '4'])).wallMs,
      );
    }
    d.server.close();
    const g = stats(gate).median;
    const p = stats(plain).median;
    report(`routes: ${count}, whole process`, 'ms', gate, {
      requestsPerSecond: Math.round((count / g) * 1000),
      plainUndiciLoopMs: stats(plain),
      overheadRatio: Math.round((g / p) * 100) / 100,
    });
    if (count === 1000) report('memory: peak RSS, 1000 routes', 'MB', peaks);
  }
}

/**
 * check-assets: one page naming 150 scripts (past the cap of 100), the whole process with the check on and
 * off, and how many asset requests the deploy saw (the extra requests a run makes).
 */
async function assets() {
  let assetRequests = 0;
  const tags = Array.from({ length: 150 }, (_, i) => `<script src="/assets/c${i}.js"></script>`).join('');
  const d = await deploy({
    body(req, res) {
      if (req.url.startsWith('/assets/')) {
        assetRequests++;
        return res.writeHead(200, { 'content-type': 'text/javascript' }).end('x()'.repeat(2000));
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Shop</title>${tags}`);
    },
  });
  const on = [];
  const off = [];
  const requests = [];
  for (let i = 0; i < RUNS; i++) {
    assetRequests = 0;
    const run = await runAction(d.url, {});
    if (!run.outputs.includes('pass')) throw new Error('assets: the gate did not pass');
    on.push(run.wallMs);
    requests.push(assetRequests);
    off.push((await runAction(d.url, { 'check-assets': 'false' })).wallMs);
  }
  d.server.close();
  report('check-assets: one page naming 150 scripts, whole process', 'ms', on, {
    withoutCheckAssetsMs: stats(off),
    assetRequests: stats(requests),
  });
}

/**
 * baseline-url: the same five routes with and without a baseline deploy to compare with, the whole
 * process, and the requests the comparison adds (to the baseline, and the timing samples here). The goal
 * is at most 1.5× the run without a baseline.
 */
async function baselineCost() {
  const routeLines = ['/', '/products/', '/cart', '/account', '/search'].join('\n');
  const here = await deploy();
  const baseline = await deploy();
  const count = (d) => {
    let n = 0;
    const handler = d.server.listeners('request')[0];
    d.server.removeAllListeners('request');
    d.server.on('request', (req, res) => (n++, handler(req, res)));
    return () => n;
  };
  const hereCount = count(here);
  const baselineCount = count(baseline);
  const on = [];
  const off = [];
  const extraHere = [];
  const toBaseline = [];
  for (let i = 0; i < RUNS; i++) {
    const before = hereCount();
    off.push((await runAction(here.url, { routes: routeLines })).wallMs);
    const plain = hereCount() - before;
    const [hereBefore, baseBefore] = [hereCount(), baselineCount()];
    const run = await runAction(here.url, {
      routes: routeLines,
      'baseline-url': baseline.url.replace('127.0.0.1', 'localhost'),
    });
    if (!run.outputs.includes('pass')) throw new Error('baseline: the gate did not pass');
    on.push(run.wallMs);
    extraHere.push(hereCount() - hereBefore - plain);
    toBaseline.push(baselineCount() - baseBefore);
  }
  here.server.close();
  baseline.server.close();
  const ratio = on.map((ms, i) => ms / off[i]);
  report('baseline-url: five routes compared with a baseline deploy, whole process', 'ms', on, {
    withoutBaselineMs: stats(off),
    ratio: stats(ratio),
    extraRequestsHere: stats(extraHere),
    baselineRequests: stats(toBaseline),
  });
}

/** The route stage alone, in this process: the gate's per-request work against a bare undici loop. */
async function routeStage() {
  const { runRoutes } = await import('../lib/smoke.js');
  const { parseRouteLine } = await import('../lib/config/route-line.js');
  const { createHttpClient } = await import('../lib/http/client.js');
  const { Agent, request } = await import('undici');
  const count = quick ? 300 : 1000;
  const d = await deploy();
  const specs = Array.from({ length: count }, (_, i) => parseRouteLine(`/p/${i}`).value);
  const gate = [];
  const plain = [];
  // CPU time of this process: the gate's work and the loopback deploy's (it runs here too), the same for both.
  const gateCpu = [];
  const plainCpu = [];
  const cpuMs = ({ user, system }) => (user + system) / 1000;
  const clock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
  const silent = { info() {}, warning() {}, debug() {} };
  for (let i = 0; i < RUNS; i++) {
    const client = createHttpClient({ requestTimeoutMs: 10_000, headers: [], clock, connectionsPerOrigin: 4 });
    let started = performance.now();
    let cpu = process.cpuUsage();
    await runRoutes({ client, clock, log: silent, baseUrl: new URL(d.url), routes: specs, concurrency: 4, retries: 2 });
    gate.push(performance.now() - started);
    gateCpu.push(cpuMs(process.cpuUsage(cpu)));
    await client.close();
    const agent = new Agent({ connections: 4 });
    let next = 0;
    started = performance.now();
    cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < count) await (await request(`${d.url}/p/${next++}`, { dispatcher: agent })).body.text();
      }),
    );
    plain.push(performance.now() - started);
    plainCpu.push(cpuMs(process.cpuUsage(cpu)));
    await agent.close();
  }
  d.server.close();
  report(`route stage only: ${count} routes, in-process`, 'ms', gate, {
    plainUndiciLoopMs: stats(plain),
    overheadRatio: Math.round((stats(gate).median / stats(plain).median) * 100) / 100,
  });
  report(`route stage only: ${count} routes, in-process, CPU time`, 'ms', gateCpu, {
    plainUndiciLoopMs: stats(plainCpu),
    overheadRatio: Math.round((stats(gateCpu).median / stats(plainCpu).median) * 100) / 100,
  });
}

async function coldRun() {
  const d = await deploy();
  // First run on a machine (empty compile cache, as on a fresh hosted runner), then with a warm cache.
  const first = [];
  const warm = [];
  const cache = mkdtempSync(join(tmpdir(), 'gate-cache-'));
  for (let i = 0; i < RUNS * 2; i++) {
    first.push((await runAction(d.url, {}, { NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), 'gate-cache-')) })).wallMs);
    warm.push((await runAction(d.url, {}, { NODE_COMPILE_CACHE: cache })).wallMs);
  }
  // In the same run, interleaved: the CLI, and a curl-based action (wait for health, fetch the route), the
  // yardstick of issue 19 ("cold one-route run ≤ 1.5× a curl-based action"). CPU time is the figure that
  // holds still on a shared machine; wall time is what a workflow waits.
  const hasCurl = spawnSync('curl', ['--version']).status === 0;
  const firstCpu = [];
  const cli = [];
  const cliCpu = [];
  const curl = [];
  for (let i = 0; i < RUNS * 2; i++) {
    const run = await runAction(d.url, {}, { NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), 'gate-cache-')) });
    firstCpu.push(run.cpuMs);
    const dir = mkdtempSync(join(tmpdir(), 'gate-bench-'));
    const cliRun = await measure(
      process.execPath,
      ['-r', CPU_AT_EXIT, CLI, '--url', d.url, '--health-path', '/health', '--route', '/', '--timeout', '5m'],
      { PATH: process.env.PATH, GATE_BENCH_CPU_FILE: join(dir, 'cpu'), NODE_COMPILE_CACHE: join(dir, 'cache') },
    );
    if (cliRun.code !== 0) throw new Error(`cold run: the CLI exited ${cliRun.code}`);
    cli.push(cliRun.wallMs);
    cliCpu.push(cpuOf(join(dir, 'cpu')));
    if (!hasCurl) continue;
    const peer = `until curl -fsS -o /dev/null ${d.url}/health; do sleep 1; done; curl -fsS -o /dev/null ${d.url}/`;
    curl.push((await measure('bash', ['-c', peer])).wallMs);
  }
  d.server.close();
  const node = [];
  for (let i = 0; i < RUNS * 2; i++) node.push((await measure(process.execPath, ['-e', '0'])).wallMs);
  const ratio = (a, b) => Math.round((stats(a).median / stats(b).median) * 100) / 100;
  report('cold run: node dist/index.js, one route, empty compile cache', 'ms', first, {
    nodeAloneMs: stats(node),
    ...(hasCurl ? { curlActionMs: stats(curl), overCurlAction: ratio(first, curl) } : {}),
  });
  report('cold run: node dist/index.js, one route, warm compile cache', 'ms', warm);
  report('cold run: CPU time of the action, one route, empty compile cache', 'ms', firstCpu);
  report('cold run: the CLI (bin/post-deploy-gate.js), one route', 'ms', cli, { cpuMs: stats(cliCpu) });
}

async function bigBody() {
  const chunk = Buffer.alloc(1024 * 1024, 120);
  const d = await deploy({
    body: async (_req, res) => {
      res.writeHead(200, { 'content-length': String(100 * chunk.length) });
      for (let i = 0; i < 100 && !res.destroyed; i++)
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      res.end();
    },
  });
  const peaks = [];
  for (let i = 0; i < RUNS; i++) peaks.push((await runAction(d.url, { routes: '/big' })).peakMb);
  d.server.close();
  report('memory: peak RSS, one route serving 100 MB', 'MB', peaks);
}

async function bundle() {
  const files = readdirSync(join(ROOT, 'dist')).map((f) => statSync(join(ROOT, 'dist', f)));
  const bytes = files.reduce((sum, s) => sum + (s.isFile() ? s.size : 0), 0);
  const load = [];
  // Loading with no inputs: the action parses nothing useful and exits; the time is mostly the bundle.
  for (let i = 0; i < RUNS * 2; i++)
    load.push((await measure(process.execPath, ['-e', `await import(${JSON.stringify(ACTION)})`])).wallMs);
  report('bundle: dist/ size', 'MB', [bytes / 1024 / 1024]);
  report('bundle: process start + load (no inputs)', 'ms', load);
}

/**
 * discover: a sitemap index whose gzip child lists 10,000 product pages (issue 18's goal: the bounded sample in
 * under 2 s, peak RSS under 150 MB). Reports the discovery stage's own time from the JSON report, the whole
 * process, and the pages the run requested (the sample, not the 10,000).
 */
async function discover() {
  const { gzipSync } = await import('node:zlib');
  let origin = '';
  let pageRequests = 0;
  const urlset = (paths) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${paths.map((p) => `<url><loc>${origin}${p}</loc></url>`).join('\n')}\n</urlset>\n`;
  let products;
  const d = await deploy({
    body(req, res) {
      if (req.url === '/robots.txt') return res.writeHead(404).end();
      if (req.url === '/sitemap.xml') {
        const index = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/sitemap-products.xml.gz</loc></sitemap></sitemapindex>\n`;
        return res.writeHead(200, { 'content-type': 'application/xml' }).end(index);
      }
      if (req.url === '/sitemap-products.xml.gz') {
        products ??= gzipSync(urlset(Array.from({ length: 10_000 }, (_, i) => `/products/${i + 1}`)));
        return res.writeHead(200, { 'content-type': 'application/gzip' }).end(products);
      }
      pageRequests++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Product</title><h1>p</h1>');
    },
  });
  origin = d.url;
  const stage = [];
  const whole = [];
  const peaks = [];
  const requested = [];
  for (let i = 0; i < RUNS; i++) {
    pageRequests = 0;
    const run = await runAction(d.url, { discover: 'sitemap', 'check-assets': 'false' });
    const reportPath = /^report<<(\S+)\n(.*)\n/m.exec(run.outputs)?.[2];
    if (!run.outputs.includes('pass') || !reportPath) throw new Error('discover: the gate did not pass');
    const discovery = JSON.parse(readFileSync(reportPath, 'utf8')).discovery;
    if (discovery.found !== 10_000) throw new Error(`discover: found ${discovery.found}, not 10,000`);
    stage.push(discovery.durationMs);
    whole.push(run.wallMs);
    peaks.push(run.peakMb);
    requested.push(pageRequests);
  }
  d.server.close();
  report('discover: 10,000 sitemap entries, discovery stage', 'ms', stage, { pagesRequested: stats(requested) });
  report('discover: 10,000 sitemap entries, whole process', 'ms', whole);
  report('memory: peak RSS, discover over 10,000 sitemap entries', 'MB', peaks);
}

/**
 * Three deploys checked in one run (`targets`) against the slowest of them checked alone: the targets
 * share the clock and run side by side, so the run should cost about the slowest one (goal: at most 1.2×).
 * Each deploy gets ready after its own delay and serves 100 routes.
 */
async function targets() {
  const delays = [500, 1000, 2000];
  const deploys = await Promise.all(delays.map((readyAfterMs) => deploy({ readyAfterMs })));
  const routes = Array.from({ length: 100 }, (_, i) => `/p/${i}`).join('\n');
  const restart = () => deploys.forEach((d, i) => (d.readyAt = performance.now() + delays[i]));
  const singles = deploys.map(() => []);
  const together = [];
  for (let run = 0; run < RUNS; run++) {
    for (const [i, d] of deploys.entries()) {
      restart();
      const one = await runAction(d.url, { routes, 'check-assets': 'false' });
      if (!one.outputs.includes('pass')) throw new Error(`targets: deploy ${i + 1} alone did not pass`);
      singles[i].push(one.wallMs);
    }
    restart();
    const list = deploys.map((d, i) => `- name: app${i + 1}\n  url: ${d.url}`).join('\n');
    const all = await runAction('', { targets: list, routes, 'check-assets': 'false' });
    if (!/verdict<<[^\n]*\npass/.test(all.outputs)) throw new Error('targets: the three-target run did not pass');
    together.push(all.wallMs);
  }
  deploys.forEach((d) => d.server.close());
  const slowest = Math.max(...singles.map((xs) => stats(xs).median));
  report('targets: three deploys (ready after 0.5/1/2 s, 100 routes each) in one run', 'ms', together, {
    slowestSingleMs: slowest,
    ratioToSlowestSingle: Math.round((stats(together).median / slowest) * 100) / 100,
  });
}

const steps = {
  lag: readinessLag,
  requests: requestsOverFiveMinutes,
  unchanging: unchangingAnswer,
  watch: watchDeath,
  fixed: fixedIntervalComparison,
  routes,
  assets,
  baseline: baselineCost,
  stage: routeStage,
  cold: coldRun,
  memory: bigBody,
  discover,
  bundle,
  targets,
};
for (const [name, step] of Object.entries(steps)) {
  if (quick && name === 'memory') continue;
  if (wanted(name)) await step();
}

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log('figure'.padEnd(64), 'median'.padStart(9), 'min'.padStart(9), 'max'.padStart(9), ' unit');
for (const f of figures)
  console.log(
    f.figure.padEnd(64),
    String(f.median).padStart(9),
    String(f.min).padStart(9),
    String(f.max).padStart(9),
    ` ${f.unit}`,
  );

if (option('--write'))
  writeFileSync(
    option('--write'),
    JSON.stringify({ machine: `${cpus().length} × ${cpus()[0]?.model}`, figures }, null, 2) + '\n',
  );
if (option('--check')) {
  // Generous: these machines are noisy. A figure fails when its median is over 2.5× the baseline's (+ 50 units).
  // A figure taken beside a reference in the same run (a bare undici loop) is judged by its ratio to it
  // instead: a slower machine slows both, so only the gate's own share can fail it (over 1.5× + 0.5).
  const baseline = JSON.parse(readFileSync(option('--check'), 'utf8')).figures;
  const regressions = [];
  for (const f of figures) {
    const base = baseline.find((b) => b.figure === f.figure);
    if (!base) continue;
    if (f.overheadRatio !== undefined && base.overheadRatio !== undefined) {
      if (f.overheadRatio > base.overheadRatio * 1.5 + 0.5)
        regressions.push(
          `${f.figure}: ${f.overheadRatio}× the bare loop against ${base.overheadRatio}× in the baseline`,
        );
    } else if (f.median > base.median * 2.5 + 50)
      regressions.push(`${f.figure}: ${f.median} ${f.unit} against ${base.median} in the baseline`);
  }
  if (regressions.length) {
    console.error(`\nperformance regressed:\n${regressions.join('\n')}`);
    process.exitCode = 1;
  } else console.log(`\nno regression against ${option('--check')} (${figures.length} figures)`);
}

// `npm run demo`: starts the local deploys of demo/deploys.js, runs the gate's CLI bundle against each
// (as a user would, one process each), prints what it concluded, and exits 0 only when every conclusion
// is the expected one.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDeploys } from './deploys.js';

const CLI = fileURLToPath(new URL('../lib/cli/index.js', import.meta.url));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);

// The CLI runs inside a small example project, so it can point at the line to change there.
const PROJECT = fileURLToPath(new URL('./project/', import.meta.url));

function gate(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** Each outcome's routes as expected (regressed, already-broken, …), when the deploy has a baseline. */
function baselineAsExpected(report, expected) {
  if (!expected) return report.baseline === undefined;
  if (!report.baseline?.available) return false;
  return Object.entries(expected).every(([outcome, routes]) => {
    const found = report.baseline.routes.filter((r) => r.outcome === outcome).map((r) => r.route);
    return JSON.stringify(found) === JSON.stringify(routes);
  });
}

const running = await startDeploys();
console.log(
  `post-deploy-gate demo: ${running.length} local deploys, each checked by ${paint(1, 'post-deploy-gate')} (lib/cli)\n`,
);
const results = await Promise.all(
  running.map(async ({ deploy, port, baselinePort }) => {
    const host = deploy.host ?? '127.0.0.1';
    const args = ['--url', `http://${host}:${port}`, '--health-path', '/health/', ...deploy.args, '--json'];
    if (baselinePort) args.push('--baseline-url', `http://localhost:${baselinePort}`);
    if (deploy.host) args.push('--resolve', `${deploy.host}=127.0.0.1`);
    const { code, stdout } = await gate(args);
    const text = await gate(args.filter((a) => a !== '--json').concat('--no-color'));
    let report;
    try {
      report = JSON.parse(stdout);
    } catch {
      report = { verdict: 'error', summary: `the CLI printed no report (exit ${code})` };
    }
    const where = report.diagnoses?.[0]?.where?.file;
    const ok =
      report.verdict === deploy.expect.verdict &&
      (report.cause ?? undefined) === deploy.expect.cause &&
      where === deploy.expect.where &&
      baselineAsExpected(report, deploy.expect.baseline);
    return { deploy, report, ok, terminal: text.stdout };
  }),
);
for (const { server, baseline } of running) {
  server.close();
  baseline?.close();
}

for (const { deploy, report, ok } of results) {
  const conclusion = `${report.verdict}${report.cause ? ` · ${report.cause}` : ''}`;
  const where = report.diagnoses?.[0]?.where;
  console.log(
    `${ok ? paint(32, '✓') : paint(31, '✗')} ${deploy.name.padEnd(21)} ${conclusion.padEnd(32)} ${paint(2, deploy.story)}`,
  );
  console.log(`  ${' '.repeat(21)} ${report.summary}`);
  if (where) console.log(`  ${' '.repeat(21)} where: ${where.file}:${where.line}  ${where.text}`);
  if (!ok)
    console.log(
      paint(31, `  expected ${deploy.expect.verdict}${deploy.expect.cause ? ` · ${deploy.expect.cause}` : ''}`),
    );
}
const incident = results.find((r) => r.deploy.name === 'django-allowed-hosts');
if (incident)
  console.log(`\nThe full report for ${paint(1, incident.deploy.name)}, as the CLI prints it:\n\n${incident.terminal}`);
const good = results.filter((r) => r.ok).length;
console.log(`${good} of ${results.length} conclusions as expected.`);
process.exitCode = good === results.length ? 0 : 1;

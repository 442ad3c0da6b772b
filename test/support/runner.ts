import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';

/** Runs the built action the way the runner does: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */

export const ACTION = new URL('../../dist/index.js', import.meta.url).pathname;
export const CLI = new URL('../../lib/cli/index.js', import.meta.url).pathname;
/** A preload for the action's process that fakes DNS answers and logs dialled addresses (see the file). */
export const NETWORK_EDGE = new URL('./preload/network-edge.mjs', import.meta.url).href;

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  wallMs: number;
  /** Peak resident memory of the action's process (VmHWM), in MB. */
  peakRssMb: number;
  /** The run's RUNNER_TEMP (and, unless the env says otherwise, its GITHUB_WORKSPACE). */
  runnerTemp: string;
}

/** One run of the built action, as a suite's memory bound sees it. */
interface RunRecord {
  test: string | undefined;
  peakRssMb: number;
}
/** The runs of the current test file not yet checked against a bound. */
const unchecked: RunRecord[] = [];

/**
 * Holds every run of the built action in the calling suite under `boundMb` of peak RSS, checked after each
 * test: a run whose test does not assert its memory is bounded all the same, and a failure names the test.
 */
export function boundEveryRun(boundMb: number): void {
  afterEach(() => {
    for (const run of unchecked.splice(0))
      expect(run.peakRssMb, `peak RSS of a run in "${run.test}"`).toBeLessThan(boundMb);
  });
}

export interface RunOptions {
  timeoutMs?: number;
  /** Called once the process is running (to signal it, say). */
  onStart?: (pid: number) => void;
}

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  options: RunOptions = {},
): Promise<ActionRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'gate-runner-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  // The runner fills every input's default from action.yml; do the same so runs match production.
  const defaults = {
    'INPUT_HEALTH-PATH': '/health',
    INPUT_ROUTES: '/',
    INPUT_TIMEOUT: '5m',
    'INPUT_REQUEST-TIMEOUT': '10s',
    'INPUT_WAIT-FOR-DEPLOYMENT': 'false',
    INPUT_COMMENT: 'true',
    INPUT_WATCH: '0',
    'INPUT_CHECK-ASSETS': 'true',
    'INPUT_LATENCY-BUDGET': '+50%',
    'INPUT_FAIL-ON-BASELINE-BREAKAGE': 'false',
    'INPUT_BASELINE-HEADERS': 'false',
    'INPUT_FAIL-ON': 'fail,inconclusive,error',
    'INPUT_COMMENT-MODE': 'always',
    'INPUT_COMMIT-STATUS': 'false',
    INPUT_DISCOVER: 'off',
    'INPUT_DISCOVER-LIMIT': '50',
    'INPUT_DISCOVER-DEPTH': '2',
    'INPUT_DISCOVER-ROBOTS': 'respect',
  };
  const started = performance.now();
  const child = spawn(process.execPath, [ACTION], {
    env: {
      PATH: process.env['PATH'] ?? '',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: dir,
      GITHUB_WORKSPACE: dir,
      ...defaults,
      ...inputEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, peakRssKb(child.pid))), 10);
  if (child.pid) options.onStart?.(child.pid);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  const peakRssMb = Math.round(peakKb / 1024);
  const test = expect.getState().currentTestName;
  unchecked.push({ test, peakRssMb });
  // GATE_RUN_LOG=file: one line per run (test, wall time, peak RSS), for the figures in a closing note.
  if (process.env['GATE_RUN_LOG'])
    appendFileSync(process.env['GATE_RUN_LOG'], `${JSON.stringify({ test, wallMs: Math.round(wallMs), peakRssMb })}\n`);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    wallMs,
    peakRssMb,
    runnerTemp: dir,
  };
}

/** The kernel's high-water mark of the process's resident memory. */
function peakRssKb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The `name<<delimiter` format the runner reads from GITHUB_OUTPUT (runner/workflow-commands.ts writes it). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]!] = match[3]!;
  return outputs;
}

export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { exitCode, stdout, stderr };
}

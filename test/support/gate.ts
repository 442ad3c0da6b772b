import { resolveConfig } from '../../src/config/resolve.js';
import type { GateConfig } from '../../src/config/types.js';
import { baselineClientFor, clientFor, runGate, type GateDeps } from '../../src/gate.js';
import type { Logger } from '../../src/log.js';
import type { Report } from '../../src/report/report.js';
import { seededRandom, virtualClock } from './clock.js';
import { loadFixture } from './fixtures.js';
import type { Handler, TestServer } from './servers.js';

/**
 * The gate run in-process, the way the action runs it but with a virtual clock (sleeps take no time, every
 * timing is exact) and a seeded random source: its reports are repeatable, so golden files and verdict
 * tests see exactly what the gate writes. The site is a loopback server reached under its public name.
 */

export const SITE = 'shop.example.com';
/** The name a `baseline-url` test server is reached under (production, in the tests' story). */
export const BASELINE_SITE = 'prod.example.com';

export const quiet: Logger = { info: () => {}, warning: () => {}, debug: () => {} };

/** A handler that answers with a recorded response (status, headers, body). */
export function replay(name: string): Handler {
  const fixture = loadFixture(name);
  return (_req, res) => {
    const { 'content-length': _length, connection: _connection, ...headers } = fixture.headers;
    res.writeHead(fixture.status, headers).end(fixture.body);
  };
}

export async function configFor(server: TestServer, values: Record<string, string> = {}): Promise<GateConfig> {
  return resolveConfig({
    values: { url: `http://${SITE}:${server.port}`, ...values },
    workspace: process.cwd(),
    defaultReportPath: '/tmp/unused.json',
  });
}

export async function gateRun(
  server: TestServer,
  values: Record<string, string> = {},
  deps: Partial<GateDeps> = {},
): Promise<Report> {
  const config = await configFor(server, values);
  const clock = virtualClock();
  const client = clientFor(config, config.url, { clock, resolve: new Map([[SITE, '127.0.0.1']]) });
  const baselineClient = baselineClientFor(config, { clock, resolve: new Map([[BASELINE_SITE, '127.0.0.1']]) });
  try {
    return await runGate(config, {
      client,
      baselineClient,
      clock,
      log: quiet,
      random: seededRandom(7),
      startedAt: new Date('2026-11-22T00:00:00Z'),
      ...deps,
    });
  } finally {
    await Promise.all([client.close(), baselineClient?.close()]);
  }
}

/** A rendered report with the loopback server's port taken out, so it can be compared with a golden file. */
export function withoutPort(text: string, server: TestServer): string {
  return text.replaceAll(`:${server.port}`, '');
}

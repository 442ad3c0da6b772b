import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * Issue 22 item 6: usage errors name where the bad value came from (the file and line, not a flag that
 * was never given), the value, and the likely word; the CLI says which config keys it ignores; and
 * `--fail-on` decides the exit status as `fail-on` does for the action.
 */

let deploy: TestServer | undefined;
afterEach(async () => {
  await deploy?.close();
  deploy = undefined;
});

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-cli-'));
  writeFileSync(join(dir, 'gate.yml'), text);
  return join(dir, 'gate.yml');
}

describe('CLI usage errors', () => {
  it('a bad route in the file is named by file and line, with the bad value, not as --route', async () => {
    const file = configFile('url: http://127.0.0.1:9\nroutes:\n  - /\n  - path: /api\n    contain: items\n');
    const run = await runCli(['--config', file]);
    expect(run.exitCode).toBe(2);
    const line = run.stderr.split('\n')[0]!;
    expect(line).toMatch(
      /^post-deploy-gate: .*gate\.yml line 5: unknown route key "contain" \(did you mean "contains"\?\)/,
    );
    expect(line).not.toContain('--route');
  });

  it('a mistyped file key gets a suggestion', async () => {
    const file = configFile('url: http://127.0.0.1:9\ntimout: 3m\n');
    const run = await runCli(['--config', file]);
    expect(run.stderr).toContain('line 2: unknown key "timout" (did you mean "timeout"?)');
  });

  it('a bad value from the file names the file and line, not the flag', async () => {
    const file = configFile('url: http://127.0.0.1:9\ntimeout: soon\n');
    const run = await runCli(['--config', file]);
    expect(run.stderr.split('\n')[0]).toMatch(/gate\.yml line 2: timeout: "soon" is not a duration/);
    expect(run.stderr).not.toContain('--timeout');
  });

  it('says which config keys it ignores', async () => {
    deploy = await startServer({ '/health': text(200, 'ok'), '/': text(200, 'ok') });
    const file = configFile(`url: ${deploy.url}\ncomment: true\nwait-for-deployment: false\n`);
    const run = await runCli(['--config', file]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('warning: comment in the config file is for the action; the CLI ignores it');
    expect(run.stderr).toContain(
      'warning: wait-for-deployment in the config file is for the action; the CLI ignores it',
    );
  });

  it('--fail-on never exits 0 on a failing deploy; a typo is a usage error with a suggestion', async () => {
    deploy = await startServer({ '/health': text(200, 'ok') }, text(500, 'boom'));
    const strict = await runCli(['--url', deploy.url, '--retries', '0']);
    expect(strict.exitCode).toBe(1);
    const lenient = await runCli(['--url', deploy.url, '--retries', '0', '--fail-on', 'never']);
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toContain('FAIL');
    const typo = await runCli(['--url', deploy.url, '--fail-on', 'fial']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('--fail-on: "fial" is not a verdict (did you mean "fail"?)');
  });
});

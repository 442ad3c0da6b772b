import type { Clock } from './clock.js';
import { ConfigError } from './config/types.js';
import { proxyFromEnv, proxySecrets, type ProxySettings } from './http/proxy.js';
import { configErrorReport, faultReport } from './gate.js';
import { redactReport } from './report/redact.js';
import type { Report } from './report/report.js';

/**
 * One failure path for both edges (action and CLI): the run is cancelled on SIGINT/SIGTERM, a bad
 * configuration or an internal fault still becomes a Report, and secrets leave the report before any
 * renderer sees it.
 */
export async function runToReport(options: {
  clock: Clock;
  startedAt: Date;
  secrets: readonly string[];
  /** A cancellation heard before this call (the entry listens from its first line). */
  cancelled?: AbortSignal;
  start: (signal: AbortSignal) => Promise<Report>;
}): Promise<Report> {
  const { clock, startedAt } = options;
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  if (options.cancelled?.aborted) cancel.abort();
  else options.cancelled?.addEventListener('abort', onSignal, { once: true });
  let report: Report;
  try {
    report = await options.start(cancel.signal);
  } catch (error) {
    report =
      error instanceof ConfigError
        ? configErrorReport(error.issues, startedAt, clock.now())
        : faultReport(error, startedAt, clock.now());
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    options.cancelled?.removeEventListener('abort', onSignal);
  }
  return redactReport(report, options.secrets);
}

/**
 * The machine's proxy settings for a run, and the credentials in them (to redact). A malformed
 * HTTP(S)_PROXY becomes a config error naming the variable, before any request.
 */
export function machineProxy(env: NodeJS.ProcessEnv): {
  proxy: () => ProxySettings;
  secrets: string[];
} {
  const { settings, problems } = proxyFromEnv(env);
  return {
    proxy: () => {
      if (problems.length) throw new ConfigError(problems);
      return settings;
    },
    secrets: proxySecrets(settings),
  };
}

/** Time as the core sees it: injected, so tests can run backoff schedules without waiting. */
export interface Clock {
  /** Milliseconds since the run started (monotonic). */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function systemClock(): Clock {
  const origin = performance.now();
  return {
    now: () => performance.now() - origin,
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        if (signal?.aborted || ms <= 0) return resolve();
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(
          () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          Math.min(ms, 2 ** 31 - 1),
        );
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

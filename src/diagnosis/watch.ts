import type { WatchResult } from '../watch.js';
import { CAUSE_INFO, fillFix } from './catalogue/index.js';
import { classifyFailure, pathOf } from './classify.js';
import type { Diagnosis } from './compare.js';

/**
 * A watch that ended degraded → one diagnosis: the cause the bad answers show (the same causes as the
 * check itself), when the trouble began relative to ready, and the pattern over time.
 */

export function watchDiagnosis(
  watch: WatchResult,
  input: { baseUrl: URL; healthLabel: string; readyAtMs?: number; expectVersion?: string },
): Diagnosis | undefined {
  if (watch.ended !== 'degraded' || !watch.failing || watch.firstBadAtMs === undefined) return undefined;
  const failing = watch.failing;
  const ready = input.readyAtMs ?? watch.startedAtMs;
  const began = `${seconds(watch.firstBadAtMs - ready)} after ready`;
  const isHealth = failing.label === input.healthLabel;
  const c = classifyFailure(failing.observation, failing.problem, pathOf(failing.observation.url), {
    healthAnswered: !isHealth,
  });
  const episodes = watch.episodes;
  const last = episodes.at(-1)!;
  const share = `${watch.badAnswers} of ${watch.requests} answers during the watch failed`;
  const pattern =
    watch.pattern === 'restart-loop'
      ? `it is in a restart loop: down ${episodes.length} times, up about ${seconds(meanUp(episodes))} between (${share})`
      : watch.pattern === 'intermittent'
        ? `bad answers keep coming back among good ones: ${share}, so one instance (or some requests) keeps failing`
        : `it went down and stayed down (failing for ${seconds(last.toMs - last.fromMs)}, ${last.rounds} rounds in a row)`;
  const what = isHealth ? 'health' : failing.label;
  if (failing.versionMissing) {
    return {
      cause: 'stale-version',
      layer: 'deploy',
      confidence: 'high',
      headline: `It passed, then from ${began} health answered without "${input.expectVersion}": ${share}; the previous release is serving part of the traffic again.`,
      evidence: [`first bad answer ${began}`, ...timelineEvidence(watch, ready)],
      fix: CAUSE_INFO['stale-version'].fix,
      routes: [input.healthLabel],
    };
  }
  return {
    cause: c.cause,
    layer: c.layer,
    who: c.who,
    confidence: c.confidence,
    headline: fillFix(
      `It passed, then ${what} started failing ${began}: ${pattern}. ${capitalize(c.meaning)}.`,
      input.baseUrl,
    ),
    evidence: [
      `first bad answer ${began}, pattern: ${watch.pattern}`,
      ...c.evidence,
      ...timelineEvidence(watch, ready),
    ],
    alternative: c.fingerprint?.alternative ? fillFix(c.fingerprint.alternative, input.baseUrl) : undefined,
    fix: fillFix(
      watch.pattern === 'restart-loop' || watch.pattern === 'down'
        ? `${c.fingerprint?.fix ?? CAUSE_INFO[c.cause].fix} The process stopped after start-up: read its logs around ${began} for an out-of-memory kill, a crash or a failing liveness probe.`
        : (c.fingerprint?.fix ?? CAUSE_INFO[c.cause].fix),
      input.baseUrl,
    ),
    routes: [failing.label],
    fingerprint: c.fingerprint ? { id: c.fingerprint.id, source: c.fingerprint.source } : undefined,
  };
}

function timelineEvidence(watch: WatchResult, ready: number): string[] {
  return watch.episodes
    .slice(0, 5)
    .map((e) => `failing ${seconds(e.fromMs - ready)} – ${seconds(e.toMs - ready)} after ready (${e.rounds} rounds)`);
}

/** Mean time up between the bad episodes. */
function meanUp(episodes: WatchResult['episodes']): number {
  if (episodes.length < 2) return 0;
  let up = 0;
  for (let i = 1; i < episodes.length; i++) up += episodes[i]!.fromMs - episodes[i - 1]!.toMs;
  return up / (episodes.length - 1);
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

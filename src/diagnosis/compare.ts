import type { Observation } from '../http/observation.js';
import { formatDuration } from '../config/duration.js';
import { describeObservation } from '../http/describe.js';
import type { ReadinessResult } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import { headerDivergence } from './attribution.js';
import {
  CAUSE_INFO,
  causeRank,
  composeFix,
  FINGERPRINTS,
  fillFix,
  type CauseId,
  type Confidence,
  type Layer,
} from './catalogue/index.js';
import { firstLine, matchFingerprint } from './catalogue/match.js';
import { STACK_NAMES, type Stack } from './catalogue/stacks.js';
import { cacheHit } from './cache.js';
import { classifyFailure, pathOf, type Classification } from './classify.js';
import { acrossRoutes, closedByApp } from './cross-route.js';
import { timeoutByEvidence, usualAnswerMs } from './slowness.js';
import { stackLine, stackOfAnswer, stackOfAnswers, type StackSeen } from './stack.js';

/**
 * Health against routes → diagnoses. Failures that share a cause (and signature) become one diagnosis
 * listing every route it covers; the list is ordered so the first one is the headline.
 */

export interface Diagnosis {
  cause: CauseId;
  layer: Layer;
  who?: string;
  confidence: Confidence;
  /** One sentence: what failed, seen from the user's side. */
  headline: string;
  /** The headline's reason alone, without its count of routes (for a headline that counts them all). */
  meaning?: string;
  evidence: string[];
  fix: string;
  /** Route labels it covers; "health" when the health endpoint is one of them. */
  routes: string[];
  fingerprint?: { id: string; source: string };
  /** Another cause that fits, and what would tell them apart. */
  alternative?: string;
  /** The repository line where the fix most likely goes (filled in at the edge, from the workspace). */
  where?: { file: string; line: number; text: string; others: number };
  /** Why there is no `where`. */
  whereNote?: string;
  /** The app stack the evidence shows (the fix and the repository pointer follow it). */
  stack?: { id: Stack; name: string; why: string };
}

export interface DiagnosisInput {
  baseUrl: URL;
  healthLabel: string;
  readiness: ReadinessResult;
  routes: RouteResult[];
  expectVersion?: string;
  /** What a path that cannot exist answered (made only when a route answered 404). */
  notFoundProbe?: Observation;
  /** What the pages' scripts and stylesheets showed (check-assets), already diagnosed. */
  assets?: Diagnosis[];
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

export function diagnose(input: DiagnosisInput): Diagnosis[] {
  const { readiness } = input;
  const failed = input.routes.filter((r) => !r.passed);
  const healthAnswered = readiness.lastHealthy !== undefined;
  const notes = healthNotes(readiness);
  const groups: Groups = new Map();
  const add = (classification: Classification, label: string) => {
    const key = `${classification.cause}|${classification.fingerprint?.id ?? ''}`;
    const group = groups.get(key);
    if (group) {
      group.routes.push(label);
      if (group.routes.length <= 3) group.classification.evidence.push(...classification.evidence.slice(0, 1));
    } else {
      groups.set(key, {
        classification: { ...classification, evidence: [...classification.evidence] },
        routes: [label],
      });
    }
  };
  const usualMs = usualAnswerMs([
    ...input.routes.filter((r) => r.passed).map((r) => r.observation),
    ...(readiness.lastHealthy ? [readiness.lastHealthy] : []),
  ]);
  // A route the gate never asked, because the origin's limiter was still waiting out its 429s, was held
  // back by the rate limit: it joins the rate-limited routes (inconclusive), never "no answer in time".
  const limitedBy = failed.find((r) => r.observation.status === 429);
  let heldBack = 0;
  const passed = [
    ...input.routes.filter((r) => r.passed).map((r) => ({ label: r.route.label, observation: r.observation })),
    ...(readiness.lastHealthy ? [{ label: input.healthLabel, observation: readiness.lastHealthy }] : []),
  ];
  for (const result of failed) {
    if (limitedBy && result.attempts === 0 && result.observation.error?.code === 'GATE_NOT_CHECKED') {
      const c = classifyFailure(limitedBy.observation, limitedBy.problem, limitedBy.route.path, { healthAnswered });
      add({ ...c, evidence: [] }, result.route.label);
      heldBack++;
      continue;
    }
    const c = classifyFailure(result.observation, result.problem, result.route.path, { healthAnswered });
    add(closedByApp(timeoutByEvidence(c, usualMs), passed, input.healthLabel), result.route.label);
  }
  if (heldBack) {
    const limited = [...groups.values()].find((g) => g.routes.includes(limitedBy!.route.label));
    limited?.classification.evidence.push(
      `${heldBack} route${heldBack === 1 ? ' was' : 's were'} not checked: the deployment kept answering 429, and the gate waited for it rather than press on`,
    );
  }

  const diagnoses: Diagnosis[] = [];
  if (!readiness.ready && readiness.ended !== 'cancelled') {
    const health = healthFinding(input, failed.length === 0, groups);
    if (health) diagnoses.push(health);
  }

  const runStack = stackOfAnswers([...input.routes.map((r) => r.observation), readiness.lastHealthy, readiness.last]);
  for (const { classification, routes } of groups.values()) {
    const crossed = acrossRoutes(classification, routes, passed, input.healthLabel);
    diagnoses.push(toDiagnosis(crossed, routes, input, notes, runStack));
  }
  diagnoses.push(...(input.assets ?? []).map((d) => withStack(d, runStack, input.baseUrl)));
  diagnoses.sort(
    (a, b) =>
      causeRank(a.cause) - causeRank(b.cause) ||
      CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence] ||
      b.routes.length - a.routes.length,
  );
  const gaveUp = readiness.gaveUp;
  const withHealth = diagnoses.find((d) => d.routes.includes(input.healthLabel)) ?? diagnoses[0];
  if (gaveUp && withHealth && gaveUp.why !== 'no-version') {
    const when =
      gaveUp.why === 'deployment-succeeded'
        ? 'the GitHub deployment had already reported success'
        : `no boot sequence answers this way`;
    withHealth.evidence.unshift(
      `stopped waiting: health gave this same answer ${gaveUp.attempts} times over ${(gaveUp.overMs / 1000).toFixed(0)}s and ${when}, so more waiting could not change it`,
    );
  }
  return diagnoses;
}

type Groups = Map<string, { classification: Classification; routes: string[] }>;

/**
 * What the failed readiness says. Returns a diagnosis of its own, or joins the health endpoint to the
 * route group that failed the same way (one root cause, not two).
 */
function healthFinding(input: DiagnosisInput, routesPass: boolean, groups: Groups): Diagnosis | undefined {
  const { readiness } = input;
  if (readiness.versionMissing || readiness.versionMixed) return staleVersion(input);
  if (!readiness.last) return undefined;
  const health = classifyFailure(readiness.last, undefined, pathOf(readiness.last.url), { healthAnswered: false });
  // Every route works: whatever health answered, the health endpoint is what is broken.
  if (routesPass) return healthFailing(input, health, true);
  const usualMs = usualAnswerMs(input.routes.filter((r) => r.passed).map((r) => r.observation));
  const timed = timeoutByEvidence(health, usualMs);
  if (timed !== health) {
    groups.set(`health|${timed.cause}`, { classification: timed, routes: [input.healthLabel] });
    return undefined;
  }
  const specific = health.fingerprint !== undefined || readiness.last.error !== undefined;
  if (!specific) return healthFailing(input, health, false);
  const sameAsRoutes = groups.get(`${health.cause}|${health.fingerprint?.id ?? ''}`);
  if (sameAsRoutes) sameAsRoutes.routes.unshift(input.healthLabel);
  else groups.set(`health|${health.cause}`, { classification: health, routes: [input.healthLabel] });
  return undefined;
}

function toDiagnosis(
  c: Classification,
  routes: string[],
  input: DiagnosisInput,
  notes: string[],
  runStack: StackSeen | undefined,
): Diagnosis {
  const { readiness, baseUrl } = input;
  // The failing answer's own stack first (two apps can share a proxy), else the one the whole run shows.
  const own = stackOfAnswer(c.sample);
  const stack = own ?? runStack;
  const cached = readiness.ready ? cacheHit(readiness.lastHealthy) : undefined;
  const checked = input.routes.length;
  const routeCount = routes.filter((r) => r !== input.healthLabel).length;
  const withHealth = routes.includes(input.healthLabel);
  const failing =
    routeCount === checked ? `${plural(routeCount, 'route')} of ${checked}` : `${routeCount} of ${checked} routes`;
  const lead =
    routeCount === 0
      ? 'The health endpoint fails'
      : withHealth
        ? `Health and ${failing} fail`
        : readiness.ready
          ? `${cached ? `Health was answered from ${cached.who}'s cache` : 'Health is fine'}, but ${failing} ${routeCount === 1 && routeCount === checked ? 'fails' : 'fail'}`
          : `${capitalize(failing)} ${routeCount === 1 && routeCount === checked ? 'fails' : 'fail'}`;
  const healthLine = healthEvidence(input);
  const mixed = intermittentOf(routes, input.routes);
  const divergence =
    readiness.lastHealthy && routeCount > 0 ? headerDivergence(readiness.lastHealthy, c.sample) : undefined;
  return {
    cause: c.cause,
    layer: c.layer,
    who: c.who,
    confidence: c.confidence,
    headline: fillFix(mixed ? `${mixedHeadline(mixed, c)} ${lead}: ${c.meaning}.` : `${lead}: ${c.meaning}.`, baseUrl),
    // For a headline that counts every route: alternating answers are said with their share.
    meaning: fillFix(mixed ? mixedHeadline(mixed, c).replace(/\.$/, '') : c.meaning, baseUrl),
    evidence: [
      ...(mixed ? mixedEvidence(mixed) : []),
      ...(healthLine ? [healthLine] : []),
      ...c.evidence,
      ...(divergence ? [`note: ${divergence}`] : []),
      ...notFoundEvidence(c, input.notFoundProbe),
      ...(stack && !c.fingerprint?.stack
        ? [stackLine(stack, own ? 'on this answer' : 'on the answers of this run')]
        : []),
      ...(readiness.ready ? notes : []),
    ],
    alternative: c.alternative
      ? fillFix(c.alternative, baseUrl)
      : c.fingerprint?.alternative
        ? fillFix(c.fingerprint.alternative, baseUrl)
        : undefined,
    // The signature's own fix only where its cause still holds (a 404 page on a static file is not a
    // routing fix), then what the stack the evidence shows adds.
    fix: fillFix(inDoubt(c.fixPrefix, composeFix(c.cause, c.fingerprint, stack?.stack)), baseUrl),
    routes,
    fingerprint: c.fingerprint ? { id: c.fingerprint.id, source: c.fingerprint.source } : undefined,
    stack: stack ? { id: stack.stack, name: STACK_NAMES[stack.stack], why: stack.why } : undefined,
  };
}

/** The fix of a cause the other routes argue against: on a condition, with the other reading after it. */
function inDoubt(prefix: string | undefined, fix: string): string {
  if (!prefix) return fix;
  return `${prefix}${fix.charAt(0).toLowerCase()}${fix.slice(1)} Otherwise the route itself rejected the request: read the app's log for it.`;
}

/** A diagnosis made elsewhere (the assets'), with what the stack the run shows adds to its fix. */
export function withStack(d: Diagnosis, seen: StackSeen | undefined, url: URL | undefined): Diagnosis {
  if (!seen || d.stack) return d;
  const extra = CAUSE_INFO[d.cause].stackFix?.[seen.stack];
  return {
    ...d,
    fix: extra ? `${d.fix} ${fillFix(extra, url)}` : d.fix,
    stack: { id: seen.stack, name: STACK_NAMES[seen.stack], why: seen.why },
  };
}

interface Mixed {
  bad: number;
  total: number;
  results: RouteResult[];
}

/** The routes of a group whose answers alternated, with their bad answers summed. */
function intermittentOf(labels: string[], results: RouteResult[]): Mixed | undefined {
  const mixed = results.filter((r) => labels.includes(r.route.label) && r.intermittent);
  if (mixed.length === 0) return undefined;
  return {
    bad: mixed.reduce((n, r) => n + r.intermittent!.bad, 0),
    total: mixed.reduce((n, r) => n + r.intermittent!.total, 0),
    results: mixed,
  };
}

/** "4 of 8 answers were Django's 500 page: one instance behind the balancer is broken." */
function mixedHeadline(mixed: Mixed, c: Classification): string {
  const status = c.sample.status !== undefined ? `${c.sample.status} ` : '';
  const what = c.sample.error
    ? describeObservation(c.sample)
    : c.who
      ? `${c.who}'s ${status}page`
      : `a ${status}answer`;
  return `${mixed.bad} of ${mixed.total} answers were ${what}, the others good: one instance behind the balancer is broken (or the app fails on some requests), so about ${Math.round((100 * mixed.bad) / mixed.total)}% of users get this.`;
}

function mixedEvidence(mixed: Mixed): string[] {
  return mixed.results.slice(0, 3).map((r) => {
    const answers = r.samples.map((s) => (s.good ? 'ok' : (s.status ?? 'error'))).join(' ');
    return `${r.route.label}: ${r.intermittent!.bad} of ${r.intermittent!.total} answers failed, in order: ${answers}`;
  });
}

/** Compares a route's 404 with what a path that cannot exist gets. */
function notFoundEvidence(c: Classification, probe: Observation | undefined): string[] {
  const status = c.sample.status;
  if (!probe || (status !== 404 && status !== 410)) return [];
  const path = new URL(probe.url).pathname;
  if (probe.error || probe.status === undefined)
    return [`probe: ${path} (a path that cannot exist) got no answer (${describeObservation(probe)})`];
  if (probe.status === status && sameAnswer(probe, c.sample)) {
    return [
      `probe: ${path} (a path that cannot exist) gets the same ${status}: this is the deploy's ordinary not-found, so the route is simply missing from this build or its routing`,
    ];
  }
  if (probe.status >= 200 && probe.status < 300) {
    return [
      `probe: ${path} (a path that cannot exist) answers ${probe.status}: a catch-all serves unknown paths, so this ${status} comes from a rule of its own`,
    ];
  }
  const who = matchFingerprint(probe, FINGERPRINTS)?.row.who;
  return [
    `probe: ${path} (a path that cannot exist) gets a different ${probe.status}${who ? ` (from ${who})` : ''}: this route's ${status} comes from another layer than the ordinary not-found`,
  ];
}

/**
 * The same body once the path itself is taken out (pages often echo it), or the same signature. Bytes
 * decide first: two identical answers are the same answer whatever their timing made a signature say.
 */
export function sameAnswer(a: Observation, b: Observation): boolean {
  const strip = (o: Observation) => o.body.split(new URL(o.url).pathname).join('');
  if (strip(a) === strip(b)) return true;
  const sig = (o: Observation) => matchFingerprint(o, FINGERPRINTS)?.row.id;
  return sig(a) !== undefined && sig(a) === sig(b);
}

function staleVersion(input: DiagnosisInput): Diagnosis {
  const last = input.readiness.lastHealthy!;
  const healthy = input.readiness.attempts.filter((a) => a.healthy).length;
  const mixed = input.readiness.versionMixed;
  if (input.readiness.versionless) return versionless(input, last, healthy);
  const headline = mixed
    ? `${mixed.old} of ${mixed.total} healthy answers came from the previous release (without "${input.expectVersion}"), the others from the new one: the rollout has not finished, or one instance is still on the old release, so about ${Math.round((100 * mixed.old) / mixed.total)}% of users get the old version.`
    : `The health endpoint answered ${plural(healthy, 'time')} but never with "${input.expectVersion}": the previous release is still serving.`;
  return {
    cause: 'stale-version',
    layer: 'deploy',
    confidence: 'high',
    headline,
    evidence: [
      `${last.method} ${pathOf(last.url)} → ${describeObservation(last)}`,
      `body starts: ${firstLine(last.body) || '(empty)'}`,
      ...versionHeaders(last),
    ],
    fix: CAUSE_INFO['stale-version'].fix,
    routes: [input.healthLabel],
  };
}

/**
 * Health is healthy and shows no version at all: the wait cannot make `expect-version` appear, and calling
 * it "the previous release" would be a confident guess. Said at once, with what to change.
 */
function versionless(input: DiagnosisInput, last: Observation, healthy: number): Diagnosis {
  return {
    cause: 'stale-version',
    layer: 'deploy',
    confidence: 'high',
    headline: `Health shows no version: it answered healthy ${plural(healthy, 'time')} with nothing that looks like a version, so "${input.expectVersion}" cannot appear in it and the gate stopped waiting at once.`,
    evidence: [
      `${last.method} ${pathOf(last.url)} → ${describeObservation(last)}`,
      `body starts: ${firstLine(last.body) || '(empty)'}`,
      'no commit id, version number, version field or version header in the answer',
    ],
    fix: 'Make the health endpoint show the deployed version (e.g. `{"ok":true,"version":"<the commit SHA>"}` from an env var set at build time, or an `X-App-Version` header), or remove `expect-version`. If the previous release simply has no version field, this is it still serving.',
    routes: [input.healthLabel],
  };
}

function healthFailing(input: DiagnosisInput, health: Classification, routesPass: boolean): Diagnosis {
  const attempts = input.readiness.attempts.length;
  const headline = routesPass
    ? `The routes work, but the health endpoint never answered healthy (${plural(attempts, 'attempt')}).`
    : `The health endpoint never answered healthy (${plural(attempts, 'attempt')}).`;
  return {
    cause: 'health-failing',
    layer: 'app',
    confidence: routesPass ? 'high' : 'medium',
    headline,
    evidence: health.evidence,
    fix: CAUSE_INFO['health-failing'].fix,
    routes: [input.healthLabel],
  };
}

function healthEvidence(input: DiagnosisInput): string | undefined {
  const { readiness } = input;
  const seen = readiness.lastHealthy;
  if (!readiness.ready || !seen) return undefined;
  return `health ${seen.method} ${pathOf(seen.url)} → ${describeObservation(seen)} (ready after ${formatDuration(readiness.readyAtMs!)})`;
}

/** What the healthy answer itself tells: answered by a proxy, or by a cache. */
function healthNotes(readiness: ReadinessResult): string[] {
  const seen = readiness.lastHealthy;
  if (!seen) return [];
  const notes: string[] = [];
  const soft = matchFingerprint(seen, FINGERPRINTS);
  if (soft && soft.row.layer !== 'app')
    notes.push(`note: the health answer comes from ${soft.row.who} itself, not the app (${soft.row.id})`);
  const cached = cacheHit(seen);
  if (cached)
    notes.push(
      `note: health was answered from ${cached.who}'s cache (${cached.headers.join(', ')}), so it may not reflect the backend: the app behind the cache can be down while health passes`,
    );
  return notes;
}

function versionHeaders(observation: Observation): string[] {
  return Object.entries(observation.headers)
    .filter(([name]) => /version|revision|commit|build|release|sha/i.test(name))
    .map(([name, value]) => `header ${name}: ${value}`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

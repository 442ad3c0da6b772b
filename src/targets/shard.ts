import { createHash } from 'node:crypto';
import type { RouteSpec } from '../config/types.js';

/**
 * `shard: K/N`: which routes (of which targets) this job checks. A route belongs to the shard its key
 * hashes to, not to a position in the list, so adding or removing one route moves only that route, and
 * every job of a matrix computes the same split without talking to the others.
 */

export interface Shard {
  index: number;
  count: number;
}

/** What identifies a route for the split: its target, method and path (assertions may change freely). */
export function routeKey(target: string | undefined, route: RouteSpec): string {
  return `${target ?? ''}\n${route.method} ${route.path}`;
}

/** 1-based shard of a key: the first 32 bits of its SHA-256, modulo the count. */
export function shardOf(key: string, count: number): number {
  return (createHash('sha256').update(key).digest().readUInt32BE(0) % count) + 1;
}

/** This shard's routes, with their positions in the whole list (so a merge restores the order). */
export function routesOfShard(
  routes: readonly RouteSpec[],
  shard: Shard,
  target?: string,
): { routes: RouteSpec[]; positions: number[] } {
  const mine: RouteSpec[] = [];
  const positions: number[] = [];
  routes.forEach((route, position) => {
    if (shardOf(routeKey(target, route), shard.count) !== shard.index) return;
    mine.push(route);
    positions.push(position);
  });
  return { routes: mine, positions };
}

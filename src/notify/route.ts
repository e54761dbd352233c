/**
 * Which sinks get an alert: one level of Alertmanager's route tree. Routes are tried in order; the
 * first that matches stops the walk unless it says `continue: true`; when none matched, the default
 * sinks. A label the alert lacks matches as the empty string, as in Alertmanager's matchers.
 */
import type { RouteSpec } from '../config/config.ts';

const compiled = new Map<string, RegExp>();

/** Anchored like Alertmanager's `match_re`: the whole value must match. */
function anchored(re: string): RegExp {
  let r = compiled.get(re);
  if (r === undefined) {
    r = new RegExp(`^(?:${re})$`);
    compiled.set(re, r);
  }
  return r;
}

export function routeMatches(route: RouteSpec, labels: Readonly<Record<string, string>>): boolean {
  for (const [name, value] of Object.entries(route.match ?? {})) if ((labels[name] ?? '') !== value) return false;
  for (const [name, re] of Object.entries(route.matchRe ?? {})) if (!anchored(re).test(labels[name] ?? '')) return false;
  return true;
}

/** Sink names for one alert, each once, in the order the routes name them. */
export function routeSinks(labels: Readonly<Record<string, string>>, routes: readonly RouteSpec[], defaultSinks: readonly string[]): string[] {
  const chosen: string[] = [];
  let matched = false;
  for (const route of routes) {
    if (!routeMatches(route, labels)) continue;
    matched = true;
    for (const sink of route.sinks) if (!chosen.includes(sink)) chosen.push(sink);
    if (route.continue !== true) break;
  }
  return matched ? chosen : [...new Set(defaultSinks)];
}

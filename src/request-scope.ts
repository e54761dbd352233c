/**
 * Which webhook request the current async work belongs to, without threading an id through every
 * port: the Kubernetes limiter (src/kube/limiter.ts) uses it to serve a calm group's reads before
 * those of a group whose reads are hanging.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** An opaque identity: compared by reference, never inspected. */
export type RequestKey = object;

const scope = new AsyncLocalStorage<RequestKey>();

/** Runs `work` (and everything it starts) as one request. */
export function inRequestScope<T>(work: () => T): T {
  return scope.run({}, work);
}

/** The request the caller runs in, or undefined outside any (the CLI, background jobs). */
export function currentRequest(): RequestKey | undefined {
  return scope.getStore();
}

/**
 * Watches Kubernetes API calls for /metrics and the /readyz body: calls by resource and code, latency,
 * and the last success and failure. Information only: an API outage never makes the service unready.
 */
import type { Metrics } from '../metrics.ts';
import type { ApiCallObserver } from './reader.ts';

export interface KubeHealth extends ApiCallObserver {
  report(): { lastSuccess?: string; lastFailure?: string; lastError?: string };
}

export function createKubeHealth(metrics: Metrics, clock: () => number = Date.now): KubeHealth {
  let lastSuccess: number | undefined;
  let lastFailure: { at: number; error: string } | undefined;
  return {
    onApiCall(resource, code, seconds) {
      metrics.kubeApiCalls.inc({ resource, code: String(code) });
      metrics.kubeApiSeconds.observe({ resource }, seconds);
      // A 404 or a missing previous log is the API answering correctly about the pod.
      if (typeof code === 'number' && code < 500 && code !== 401 && code !== 403) {
        lastSuccess = clock();
        metrics.kubeApiLastSuccess.set(lastSuccess / 1000);
      } else {
        lastFailure = { at: clock(), error: `${resource}: ${typeof code === 'number' ? `HTTP ${code}` : code}` };
      }
    },
    report() {
      return {
        ...(lastSuccess !== undefined ? { lastSuccess: new Date(lastSuccess).toISOString() } : {}),
        ...(lastFailure !== undefined ? { lastFailure: new Date(lastFailure.at).toISOString(), lastError: lastFailure.error } : {}),
      };
    },
  };
}

/**
 * Which documents go to which sink, in batch order: the pure half of delivery.
 */
import type { RouteSpec } from '../config.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { routeSinks } from './route.ts';

export function planDelivery(
  documents: readonly DiagnosisDocument[],
  config: { routes: readonly RouteSpec[]; defaultSinks: readonly string[] },
): Map<string, DiagnosisDocument[]> {
  const plan = new Map<string, DiagnosisDocument[]>();
  for (const doc of documents) {
    for (const sink of routeSinks(doc.alert.labels, config.routes, config.defaultSinks)) {
      const queue = plan.get(sink);
      if (queue === undefined) plan.set(sink, [doc]);
      else queue.push(doc);
    }
  }
  return plan;
}

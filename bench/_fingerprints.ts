/**
 * Part 4 of bench/bounds.ts, run in its own process with the service's NODE_OPTIONS and
 * MALLOC_ARENA_MAX (so its RSS means what the service's would): a million distinct fingerprints
 * through the service's own state store and delivery ledger, RSS as the caps fill and after.
 *   node --expose-gc bench/_fingerprints.ts
 */

import { buildDocument } from '../src/alertmanager/document.ts';
import { diagnose } from '../src/diagnosis/diagnose.ts';
import { createDeliveryLedger } from '../src/notify/delivery-ledger.ts';
import { createMemoryStore } from '../src/state/memory-store.ts';
import { crashLoopAlert } from '../test/fixtures/alertmanager/payloads.ts';
import { fixtures, toEvidence } from '../test/fixtures/diagnosis/index.ts';

const evidence = toEvidence(fixtures[0]!);
const firing = buildDocument(crashLoopAlert(), evidence, diagnose(evidence));
const podAlerts = createMemoryStore<unknown>();
const ledger = createDeliveryLedger({ clock: Date.now });
const gc = (globalThis as { gc?: () => void }).gc;
const rss = (): number => process.memoryUsage().rss / 1048576;
const points: string[] = [];
let afterFill = 0;
for (let i = 1; i <= 1_000_000; i++) {
  const fp = i.toString(16).padStart(16, '0');
  const held = await podAlerts.claim(`c/ns/pod-${i}/app`);
  await held.commit({ lead: fp, firing: { ...firing, alert: { ...firing.alert, fingerprint: fp } } });
  const entry = await ledger.claim({ sink: 'webhook', groupKey: 'g', fingerprint: fp, status: 'firing', startsAt: '2026-11-30T00:00:00Z' });
  await entry.record('sent');
  if (i % 200_000 === 0) {
    gc?.();
    points.push(`${i / 1000}k: ${rss().toFixed(0)} MiB`);
    if (i === 200_000) afterFill = rss();
  }
}
console.log(
  `a million fingerprints (own process, ${process.env['NODE_OPTIONS'] ?? 'no NODE_OPTIONS'}): RSS ${points.join(', ')}; growth after the caps filled ${(rss() - afterFill).toFixed(0)} MiB; kept: ${podAlerts.size} pod states (${(podAlerts.bytes / 1048576).toFixed(1)} MiB of JSON), ${ledger.size} ledger entries`,
);

import { describe, expect, it } from 'vitest';
import type { ContainerFacts } from '../../../src/diagnosis/evidence.ts';
import { decideChange, templateDifferences } from '../../../src/incidents/what-changed.ts';
import type { PodTemplateFacts, RevisionFacts, WorkloadFacts } from '../../../src/incidents/workload.ts';

const container = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  name: 'app',
  init: false,
  image: 'checkout:2.3.0',
  restartCount: 0,
  ready: true,
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  probes: {},
  command: ['node'],
  args: ['dist/server.js'],
  ports: [],
  env: [{ name: 'PORT', from: { kind: 'value' } }],
  envFrom: [],
  volumeMounts: [],
  ...over,
});
const tpl = (over: Partial<ContainerFacts> = {}, volumes: PodTemplateFacts['volumes'] = []): PodTemplateFacts => ({
  containers: [container(over)],
  initContainers: [],
  volumes,
});
const rev = (revision: number, minutesAgo: number, template: PodTemplateFacts): RevisionFacts => ({
  revision,
  name: `checkout-r${revision}`,
  createdAt: new Date(Date.parse(NOW) - minutesAgo * 60_000).toISOString(),
  template,
});
const NOW = '2026-11-30T13:00:00.000Z';
const ALERT = '2026-11-30T12:58:00.000Z';
const facts = (revisions: RevisionFacts[], kind = 'Deployment'): WorkloadFacts => ({
  workload: { kind, name: 'checkout' },
  namespace: 'shop',
  revisions,
  problems: [],
});
const healthyThenBad = facts([rev(6, 9000, tpl({ image: 'checkout:2.2.0' })), rev(7, 3000, tpl()), rev(8, 7, tpl({ image: 'checkout:2.4.0' }))]);

describe('what changed', () => {
  it('names the newest revision, the one before it, what differs and the rollback to it', () => {
    expect(decideChange(healthyThenBad, ['checkout-r8', 'checkout-r8'], ALERT, NOW)).toEqual({
      revision: 8,
      previousRevision: 7,
      since: new Date(Date.parse(NOW) - 7 * 60_000).toISOString(),
      differences: ['image checkout:2.3.0 → checkout:2.4.0'],
      rollback: 'kubectl rollout undo deployment/checkout -n shop --to-revision=7',
    });
  });

  it('says nothing of rollbacks when pods of an older revision crash too, or a pod revision is unknown', () => {
    expect(decideChange(healthyThenBad, ['checkout-r8', 'checkout-r7'], ALERT, NOW)).toBeUndefined();
    expect(decideChange(healthyThenBad, ['checkout-r8', undefined], ALERT, NOW)).toBeUndefined();
    expect(decideChange(healthyThenBad, [], ALERT, NOW)).toBeUndefined();
  });

  it('says nothing when the rollout is not recent, or came after the crash loop began', () => {
    const old = facts([rev(7, 3000, tpl()), rev(8, 7 * 60, tpl({ image: 'checkout:2.4.0' }))]);
    expect(decideChange(old, ['checkout-r8'], ALERT, NOW)).toBeUndefined();
    expect(decideChange(healthyThenBad, ['checkout-r8'], '2026-11-30T12:00:00Z', NOW)).toBeUndefined();
  });

  it('skips back over a revision with the same template (a rollback that was rolled forward again)', () => {
    const f = facts([
      rev(5, 9000, tpl({ image: 'checkout:2.2.0' })),
      rev(7, 3000, tpl({ image: 'checkout:2.4.0' })),
      rev(8, 7, tpl({ image: 'checkout:2.4.0' })),
    ]);
    expect(decideChange(f, ['checkout-r8'], ALERT, NOW)?.previousRevision).toBe(5);
    expect(decideChange(facts([rev(8, 7, tpl())]), ['checkout-r8'], ALERT, NOW)).toBeUndefined();
  });

  it('rolls back StatefulSets and DaemonSets too, never Jobs or bare pods', () => {
    expect(decideChange({ ...healthyThenBad, workload: { kind: 'StatefulSet', name: 'checkout' } }, ['checkout-r8'], ALERT, NOW)?.rollback).toBe(
      'kubectl rollout undo statefulset/checkout -n shop --to-revision=7',
    );
    expect(decideChange({ ...healthyThenBad, workload: { kind: 'CronJob', name: 'checkout' } }, ['checkout-r8'], ALERT, NOW)).toBeUndefined();
  });

  it('names differing env by name only, args without values, resources, probes and referenced objects', () => {
    const before = tpl({
      env: [
        { name: 'PORT', from: { kind: 'value' } },
        { name: 'OLD', from: { kind: 'value' } },
      ],
    });
    const after = tpl(
      {
        args: ['dist/server.js', '--token=s3cr3t'],
        command: ['node', '--inspect'],
        env: [
          { name: 'PORT', from: { kind: 'configMapKeyRef', name: 'checkout', key: 'port', optional: false } },
          { name: 'DB_PASSWORD', from: { kind: 'secretKeyRef', name: 'checkout-db', key: 'password', optional: false } },
        ],
        envFrom: [{ kind: 'configMap', name: 'checkout-env', optional: false }],
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } },
        probes: {
          liveness: {
            handler: { kind: 'tcp', port: 8080 },
            initialDelaySeconds: 0,
            periodSeconds: 10,
            timeoutSeconds: 1,
            failureThreshold: 3,
            successThreshold: 1,
          },
        },
      },
      [{ name: 'certs', kind: 'secret', sources: [{ kind: 'secret', name: 'checkout-tls', optional: false, keys: [] }] }],
    );
    const diff = templateDifferences(before, after);
    expect(diff).toEqual([
      'command changed',
      'args changed',
      'env added: DB_PASSWORD',
      'env removed: OLD',
      'env source changed: PORT',
      'memory limit 512Mi → 256Mi',
      'liveness probe changed',
      'ConfigMap checkout now referenced',
      'Secret checkout-db now referenced',
      'ConfigMap checkout-env now referenced',
      'Secret checkout-tls now referenced',
    ]);
    expect(diff.join()).not.toContain('s3cr3t');
  });

  it('prefixes container names when the pod has several, and notes added and removed containers', () => {
    const before: PodTemplateFacts = { containers: [container(), container({ name: 'proxy', image: 'envoy:1.30' })], initContainers: [], volumes: [] };
    const after: PodTemplateFacts = {
      containers: [container({ image: 'checkout:2.4.0' }), container({ name: 'otel', image: 'otel:0.9' })],
      initContainers: [],
      volumes: [],
    };
    expect(templateDifferences(before, after)).toEqual([
      'app: image checkout:2.3.0 → checkout:2.4.0',
      'container otel added (image otel:0.9)',
      'container proxy removed',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { CauseId, DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import { decideIncident, type IncidentInput, type IncidentState, incidentKey, workloadOfTarget } from '../../../src/incidents/incident.ts';
import type { WorkloadFacts } from '../../../src/incidents/workload.ts';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

const NOW = '2026-04-09T14:10:00Z';
const workload = { kind: 'Deployment', name: 'payment-svc' };
const podDoc = (pod: string, cause: CauseId = 'oom-killed', title = 'OOMKilled (exit 137)'): DiagnosisDocument =>
  oomDocument({
    alert: { ...oomDocument().alert, fingerprint: `fp-${pod}`, labels: { ...oomDocument().alert.labels, pod } },
    target: { ...oomDocument().target, pod },
    cause: { ...oomDocument().cause, id: cause, title },
  });

/** Runs documents through the decision as the pipeline does when every delivery succeeds. */
function run(docs: DiagnosisDocument[], extra: Partial<IncidentInput> = {}, start?: IncidentState) {
  let state = start;
  const out = docs.map((document) => {
    const decision = decideIncident(state, { document, workload, now: NOW, ...extra });
    state = decision.next;
    return decision.document;
  });
  return { docs: out, state };
}

const facts = (revisions: WorkloadFacts['revisions'], ready = { ready: 0, desired: 3 }): WorkloadFacts => ({
  workload,
  namespace: 'payments',
  ready,
  revisions,
  problems: [],
});

describe('incident', () => {
  it('one incident for the pods of one workload: opened, joined, then the cause that differs', () => {
    const { docs } = run([podDoc('a'), podDoc('b'), podDoc('c', 'missing-config', 'Secret payment-db not found')], { facts: facts([]) });
    expect(docs.map((d) => d.incident?.news)).toEqual(['opened', 'joined', 'cause-differs']);
    expect(new Set(docs.map((d) => d.incident?.id)).size).toBe(1);
    expect(docs[2]?.incident?.summary).toEqual([
      '3 of 3 pods of deployment/payment-svc crash looping (0 of 3 ready)',
      '2 pods: OOMKilled (exit 137); 1 pod: Secret payment-db not found',
    ]);
  });

  it('ready and crash-looping counts that cannot both be true (a rollout surge, a pod ready between crashes) → the ready count is said to be the status, not "1 of 2 … (2 of 2 ready)"', () => {
    const surge = run([podDoc('a')], { facts: facts([], { ready: 2, desired: 2 }) });
    expect(surge.docs[0]?.incident?.summary[0]).toBe("1 pod of deployment/payment-svc crash looping (the Deployment's status counts 2 of 2 ready)");
    // Counts that add up keep the short form, whatever the split.
    expect(run([podDoc('a')], { facts: facts([], { ready: 1, desired: 2 }) }).docs[0]?.incident?.summary[0]).toBe(
      '1 of 2 pods of deployment/payment-svc crash looping (1 of 2 ready)',
    );
    expect(run([podDoc('a'), podDoc('b')], { facts: facts([], { ready: 1, desired: 2 }) }).docs[1]?.incident?.summary[0]).toBe(
      "2 pods of deployment/payment-svc crash looping (the Deployment's status counts 1 of 2 ready)",
    );
  });

  it('pods whose containers never run are "not running", not crash looping; a mix or an unknown cause is "failing"', () => {
    const line = (docs: DiagnosisDocument[]) => run(docs, { facts: facts([], { ready: 0, desired: 2 }) }).docs.at(-1)?.incident?.summary[0];
    expect(line([podDoc('a', 'unschedulable', 'Unschedulable')])).toBe('1 of 2 pods of deployment/payment-svc not running (0 of 2 ready)');
    expect(line([podDoc('a', 'image-pull', 'ImagePullBackOff'), podDoc('b')])).toBe('2 of 2 pods of deployment/payment-svc failing (0 of 2 ready)');
    expect(line([podDoc('a', 'unknown', 'CreateContainerConfigError')])).toBe('1 of 2 pods of deployment/payment-svc failing (0 of 2 ready)');
    expect(line([podDoc('a'), podDoc('b', 'app-crash', 'KeyError (exit 1)')])).toBe('2 of 2 pods of deployment/payment-svc crash looping (0 of 2 ready)');
  });

  it('closes once, when the last pod resolves, and forgets the incident', () => {
    const firing = run([podDoc('a'), podDoc('b')]);
    const resolved = run([resolvedOf(podDoc('a')), resolvedOf(podDoc('b'))], {}, firing.state);
    expect(resolved.docs.map((d) => d.incident?.news)).toEqual(['pod-resolved', 'closed']);
    expect(resolved.docs[1]?.incident?.summary).toEqual(['2 pods of deployment/payment-svc recovered']);
    expect(resolved.state).toBeUndefined();
    // A resolve never seen firing (after a restart) closes an incident of its own.
    expect(run([resolvedOf(podDoc('z'))]).docs[0]?.incident?.news).toBe('closed');
  });

  it('a resend of a pod already in the incident is unchanged; a pod firing again after resolving rejoins', () => {
    const { state } = run([podDoc('a'), podDoc('b'), resolvedOf(podDoc('b'))]);
    expect(run([podDoc('a')], {}, state).docs[0]?.incident?.news).toBe('unchanged');
    expect(run([podDoc('b')], {}, state).docs[0]?.incident?.news).toBe('joined');
  });

  it('a rollout regression: the change in the incident, the rollback first, the fix-forward after it', () => {
    const template = (image: string) => ({ containers: [{ ...oneContainer, image }], initContainers: [], volumes: [] });
    const f = facts([
      { revision: 7, name: 'payment-svc-old', createdAt: '2026-04-01T10:00:00Z', template: template('payment-svc:2.3.0') },
      { revision: 8, name: 'payment-svc-new', createdAt: '2026-04-09T14:03:00Z', template: template('payment-svc:2.4.0') },
    ]);
    const { docs } = run([podDoc('a')], { facts: f, podRevision: 'payment-svc-new' });
    const doc = docs[0] as DiagnosisDocument;
    expect(doc.incident?.change).toEqual({
      revision: 8,
      previousRevision: 7,
      since: '2026-04-09T14:03:00Z',
      differences: ['image payment-svc:2.3.0 → payment-svc:2.4.0'],
    });
    expect(doc.incident?.summary[1]).toBe('began with revision 8, 7 minutes ago: image payment-svc:2.3.0 → payment-svc:2.4.0');
    expect(doc.remedies[0]).toEqual({
      kind: 'remedy',
      title: 'Roll back to revision 7, the one before the change',
      commands: ['kubectl rollout undo deployment/payment-svc -n payments --to-revision=7'],
    });
    expect(doc.remedies[1]?.title).toBe('Or fix forward: raise the memory limit of payment-svc (Deployment/payment-svc)');
    expect(doc.verify[0]).toBe('kubectl rollout status deployment/payment-svc -n payments --timeout=5m');
    // A pod of the old revision crashing too: the rollout is not the cause; no rollback any more.
    const both = run([podDoc('a'), podDoc('b')], { facts: f, podRevision: 'payment-svc-new' });
    const older = decideIncident(both.state, { document: podDoc('c'), workload, now: NOW, facts: f, podRevision: 'payment-svc-old' });
    expect(older.document.incident?.change).toBeUndefined();
    expect(older.document.remedies[0]?.title).toMatch(/^Raise the memory limit/);
  });

  it("drops the diagnosis' generic rollout undo once the history shows no recent rollout, and replaces it when one is found", () => {
    const generic = {
      kind: 'remedy' as const,
      title: 'If this started with the latest rollout: roll back',
      commands: ['kubectl rollout history deployment/payment-svc -n payments', 'kubectl rollout undo deployment/payment-svc -n payments'],
    };
    const doc = oomDocument({ remedies: [...oomDocument().remedies, generic] });
    const template = { containers: [{ ...oneContainer, image: 'payment-svc:2.3.0' }], initContainers: [], volumes: [] };
    const old = facts([{ revision: 7, name: 'payment-svc-old', createdAt: '2026-03-01T10:00:00Z', template }]);
    const quiet = decideIncident(undefined, { document: doc, workload, now: NOW, facts: old, podRevision: 'payment-svc-old' }).document;
    expect(quiet.remedies.map((r) => r.title)).not.toContain(generic.title);
    expect(quiet.remedies).toHaveLength(2);
    // Without the history (not read, or forbidden) the diagnosis' hedge stays.
    expect(decideIncident(undefined, { document: doc, workload, now: NOW }).document.remedies).toContainEqual(generic);
  });

  it('names the cluster, keys incidents by cluster, and treats a bare pod as its own workload', () => {
    const doc = decideIncident(undefined, { document: podDoc('a'), workload, cluster: 'eu-1', now: NOW }).document;
    expect(doc.incident?.summary[0]).toBe('1 pod of deployment/payment-svc in cluster eu-1 crash looping');
    expect(doc.incident?.cluster).toBe('eu-1');
    expect(incidentKey('eu-1', 'payments', workload)).not.toBe(incidentKey('us-1', 'payments', workload));
    const bare = workloadOfTarget({ namespace: 'default', pod: 'debug', container: 'shell' });
    expect(bare).toEqual({ kind: 'Pod', name: 'debug' });
    expect(decideIncident(undefined, { document: podDoc('debug'), workload: bare, now: NOW }).document.incident?.summary).toEqual([]);
    expect(decideIncident(undefined, { document: podDoc('debug'), workload: bare, cluster: 'eu-1', now: NOW }).document.incident?.cluster).toBe('eu-1');
  });
});

const oneContainer = {
  name: 'payment-svc',
  init: false,
  image: '',
  restartCount: 0,
  ready: true,
  resources: { requests: {}, limits: {} },
  probes: {},
  command: [],
  args: [],
  ports: [],
  env: [],
  envFrom: [],
  volumeMounts: [],
};

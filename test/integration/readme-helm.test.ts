// The README's Helm install, tried as written against the chart in the repository, with Helm 4 and
// Helm 3 (there is no cluster here). Helm 4: the README's `helm install` line with `--dry-run=client`
// appended. Helm 3 contacts the cluster even with --dry-run=client (helm/helm#13144, #30514; fixed in
// Helm 4 by helm/helm#30944), so Helm 3 renders the same line's flags with `helm template`. Checked:
// the release installs, its objects are valid, the Deployment reads the Slack URL from the very Secret
// and key the README's kubectl line creates, the NOTES say how to check it works, and the README's
// other sentences (other names, no prometheus-operator, a wrong value refused) hold.
import { readFileSync } from 'node:fs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { helm } from '../support/helm.ts';
import { type Manifest, only, parseManifests, validateManifest } from '../support/manifests.ts';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('**With Helm**'), readme.indexOf('**Elsewhere:**'));
const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const lines = block.split('\n').filter((l) => l.trim() !== '');

/** Splits a command line as the shell does for these lines: words, and '…' quoted words. */
const words = (line: string) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');

const installLine = lines.find((l) => l.startsWith('helm install '));
const install = words(installLine ?? '').slice(1); // without `helm`
const secretLine = words(lines.find((l) => / create secret generic /.test(l)) ?? '');

/** What `helm install --dry-run` prints: the release, then MANIFEST:, then NOTES:. */
function dryRunParts(stdout: string): { manifests: Manifest[]; notes: string } {
  const manifestAt = stdout.indexOf('\nMANIFEST:\n');
  const notesAt = stdout.indexOf('\nNOTES:\n');
  if (manifestAt < 0 || notesAt < 0) throw new Error(`helm install --dry-run printed no MANIFEST/NOTES:\n${stdout.slice(0, 500)}`);
  return { manifests: parseManifests(stdout.slice(manifestAt + 11, notesAt), 'helm install --dry-run'), notes: stdout.slice(notesAt + 8) };
}

/** The README's line run by Helm `major`: install --dry-run=client (4), or template with the same flags (3). */
function run(major: 3 | 4, extra: readonly string[] = []): { status: number | null; stderr: string; manifests: Manifest[]; notes: string } {
  const args = major === 4 ? [...install, ...extra, '--dry-run=client'] : ['template', ...install.slice(1), ...extra];
  const result = helm(major, args);
  if (result.status !== 0) return { status: result.status, stderr: result.stderr, manifests: [], notes: '' };
  return major === 4
    ? { status: 0, stderr: result.stderr, ...dryRunParts(result.stdout) }
    : { status: 0, stderr: result.stderr, manifests: parseManifests(result.stdout, 'helm template'), notes: '' };
}

it('the README gives the Helm commands: namespace, its Pod Security label, the Slack Secret, helm install from the repository', () => {
  expect(lines).toHaveLength(4);
  expect(lines[0]).toBe('kubectl create namespace crashtriage');
  expect(lines[1]).toBe('kubectl label namespace crashtriage pod-security.kubernetes.io/enforce=restricted');
  expect(secretLine.slice(0, 6)).toEqual(['kubectl', '-n', 'crashtriage', 'create', 'secret', 'generic']);
  expect(install.slice(0, 5)).toEqual(['install', 'crashtriage', 'charts/crashtriage', '-n', 'crashtriage']);
});

describe.each([4, 3] as const)('Helm %i', (major) => {
  const written = run(major);

  it('installs as written (dry run) and every object is valid, in the namespace the README creates', () => {
    expect(written.status, written.stderr).toBe(0);
    for (const m of written.manifests) validateManifest(m);
    const namespaced = written.manifests.filter((m) => m.metadata.namespace !== undefined);
    expect(new Set(namespaced.map((m) => m.metadata.namespace))).toEqual(new Set(['crashtriage', 'monitoring']));
    expect(only<IDeployment>(written.manifests, 'Deployment').metadata?.namespace).toBe('crashtriage');
  });

  it("reads the Slack webhook URL from the Secret and key the README's kubectl line creates", () => {
    const [name, literal] = [secretLine[6], secretLine.find((w) => w.startsWith('--from-literal='))];
    const key = literal?.slice('--from-literal='.length).split('=')[0];
    const env = only<IDeployment>(written.manifests, 'Deployment').spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'SLACK_WEBHOOK_URL')?.valueFrom?.secretKeyRef).toEqual({ name, key });
  });

  it('"Other names": the release and namespace of kube-prometheus-stack set the release label and the AlertmanagerConfig namespace', () => {
    const other = run(major, ['--set', 'prometheusOperator.release=monitoring-stack,prometheusOperator.namespace=observability']);
    expect(other.status, other.stderr).toBe(0);
    const operatorObjects = other.manifests.filter((m) => m.apiVersion.startsWith('monitoring.coreos.com/'));
    expect(operatorObjects.length).toBeGreaterThan(0);
    for (const m of operatorObjects) expect(m.metadata.labels?.['release'], m.kind).toBe('monitoring-stack');
    expect(other.manifests.find((m) => m.kind === 'AlertmanagerConfig')?.metadata.namespace).toBe('observability');
  });

  it('without prometheus-operator: the four values off leave no operator object and no ConfigMap for Grafana', () => {
    const plain = run(major, [
      '--set',
      'serviceMonitor.enabled=false,prometheusRules.enabled=false,alertmanagerConfig.enabled=false,grafanaDashboard.enabled=false',
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.manifests.filter((m) => m.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
    expect(plain.manifests.filter((m) => m.kind === 'ConfigMap')).toEqual([]);
    expect(plain.manifests.some((m) => m.kind === 'Deployment')).toBe(true);
  });

  it('"checks the values against the chart\'s schema and says which one is wrong"', () => {
    const wrong = run(major, ['--set', 'replicaCount=0']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("values don't meet the specifications of the schema");
    expect(wrong.stderr).toContain('replicaCount');
  });
});

it("Helm 4's NOTES say how to check it works: rollout status, crashtriage doctor, test-alert", () => {
  const { notes } = run(4);
  expect(notes).toContain('kubectl -n crashtriage rollout status deployment/crashtriage');
  expect(notes).toContain('npx crashtriage doctor -n crashtriage');
  expect(notes).toContain('kubectl -n crashtriage exec deployment/crashtriage -- node src/cli.ts test-alert');
  // A Slack URL is set: no "no sink" warning.
  expect(notes).not.toContain('No sink is set');
});

it('Helm 3 renders what Helm 4 installs (the random token aside)', () => {
  const tokenless = (list: Manifest[]) => list.map((m) => (m.kind === 'Secret' ? { ...m, data: undefined } : m));
  expect(tokenless(run(3).manifests)).toEqual(tokenless(run(4).manifests));
});

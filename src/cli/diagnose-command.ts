/**
 * `crashtriage diagnose`: the service's evidence and diagnosis code, run from a terminal with the
 * user's kubeconfig. Exit status 0 diagnosed, 1 nothing crash-looping found, 2 usage or access error.
 */

import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { buildDocument } from '../alertmanager/document.ts';
import type { WebhookAlert } from '../alertmanager/payload.ts';
import { prometheusFromEnv } from '../config/prometheus.ts';
import { diagnose } from '../diagnosis/diagnose.ts';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { Evidence } from '../diagnosis/evidence.ts';
import { createMemoryHistorySource, type MemoryHistorySource } from '../history/index.ts';
import { createPrometheusClient } from '../history/prometheus.ts';
import { isPodCrashLooping } from '../kube/crash-looping.ts';
import { createKubeReader, gatherEvidence, type KubeApiReader, KubeConfigError, KubeReadError, podFacts } from '../kube/index.ts';
import { renderMarkdown } from '../notify/render-markdown.ts';
import { renderText } from '../notify/render-text.ts';
import { DIAGNOSE_USAGE, type DiagnoseRequest, parseDiagnoseArgs } from './diagnose-args.ts';
import { createProgress } from './progress.ts';

export interface Terminal {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** Problems that mean the pod itself could not be read: an access error, not a diagnosis. */
const FATAL_POD_PROBLEMS = new Set(['unauthorized', 'forbidden', 'tls', 'connection', 'timeout', 'not-found']);

export async function diagnoseCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseDiagnoseArgs(argv, term.env, term.stdout.isTTY === true);
  if (parsed.ok === 'help') {
    term.stdout.write(DIAGNOSE_USAGE);
    return 0;
  }
  if (!parsed.ok) {
    term.stderr.write(`crashtriage diagnose: ${parsed.message}\n\n${DIAGNOSE_USAGE}`);
    return 2;
  }
  const request = parsed.request;
  let kube: KubeApiReader;
  try {
    kube = createKubeReader({
      ...(request.kubeconfig !== undefined ? { kubeconfigPath: request.kubeconfig } : {}),
      ...(request.context !== undefined ? { context: request.context } : {}),
      inCluster: false,
      timeoutMs: request.timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    term.stderr.write(`crashtriage diagnose: ${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}\n`);
    return 2;
  }
  // PROMETHEUS_URL (and its auth variables), as the service reads them: OOM kills get their memory history.
  const errors: string[] = [];
  const readSecretFile = (name: string, path: string | undefined): string | undefined => {
    try {
      return path === undefined ? undefined : readFileSync(path, 'utf8').trim();
    } catch (err) {
      errors.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const prometheus = prometheusFromEnv(term.env, readSecretFile, errors);
  if (errors.length > 0) {
    term.stderr.write(`crashtriage diagnose: ${errors.join('; ')}\n`);
    await kube.close();
    return 2;
  }
  const history =
    prometheus === undefined ? undefined : createMemoryHistorySource(createPrometheusClient(prometheus), { windowHours: prometheus.historyHours });
  try {
    return await run(request, kube, term, history);
  } finally {
    await kube.close();
    await history?.close();
  }
}

async function run(request: DiagnoseRequest, kube: KubeApiReader, term: Terminal, history: MemoryHistorySource | undefined): Promise<number> {
  const now = term.now ?? (() => new Date());
  const scope = request.scope;
  if (scope.kind === 'pod') {
    const namespace = scope.namespace ?? kube.defaultNamespace;
    const evidence = await gatherEvidence(
      { kube },
      { namespace, pod: scope.pod, ...(scope.container !== undefined ? { container: scope.container } : {}) },
      now(),
    );
    const fatal = evidence.problems.find((p) => p.source === 'pod' && FATAL_POD_PROBLEMS.has(p.kind));
    if (fatal !== undefined) {
      term.stderr.write(`crashtriage diagnose: ${fatal.message}\n`);
      return 2;
    }
    const crashLooping = evidence.pod !== undefined && isPodCrashLooping(evidence.pod, now().getTime());
    print(request, [await documentFor(evidence, now(), history)], term);
    if (!crashLooping)
      term.stderr.write(`crashtriage diagnose: ${namespace}/${scope.pod} is not crash-looping (no container waiting on a failure or restarting)\n`);
    return crashLooping ? 0 : 1;
  }

  const namespace = scope.kind === 'selector' ? (scope.namespace ?? kube.defaultNamespace) : undefined;
  let pods: V1Pod[];
  try {
    pods = await kube.listPods(namespace, scope.selector);
  } catch (err) {
    if (!(err instanceof KubeReadError)) throw err;
    term.stderr.write(`crashtriage diagnose: cannot list pods: ${err.message}\n`);
    return 2;
  }
  const looping = pods.map(podFacts).filter((pod) => isPodCrashLooping(pod, now().getTime()));
  if (looping.length === 0) {
    const where = namespace === undefined ? 'any namespace' : `namespace ${namespace}`;
    term.stderr.write(
      `crashtriage diagnose: no crash-looping pod in ${where}${scope.selector !== undefined ? ` matching ${scope.selector}` : ''} (${pods.length} pods looked at)\n`,
    );
    return 1;
  }
  const progress = createProgress(term.stderr, looping.length, request.output !== 'json' || term.stderr.isTTY === true);
  const documents = await Promise.all(
    looping.map(async (pod) => {
      const evidence = await gatherEvidence({ kube }, { namespace: pod.namespace, pod: pod.name }, now());
      progress.tick(`${pod.namespace}/${pod.name}`);
      return documentFor(evidence, now(), history);
    }),
  );
  progress.done();
  print(request, documents, term);
  return 0;
}

/** The CLI has no alert: the document names the command as its alert, with the target as labels. */
async function documentFor(evidence: Evidence, now: Date, history: MemoryHistorySource | undefined): Promise<DiagnosisDocument> {
  const labels: Record<string, string> = {};
  if (evidence.target.namespace !== undefined) labels['namespace'] = evidence.target.namespace;
  if (evidence.target.pod !== undefined) labels['pod'] = evidence.target.pod;
  const container = evidence.container?.name ?? evidence.target.container;
  if (container !== undefined) labels['container'] = container;
  const alert: WebhookAlert = {
    status: 'firing',
    labels: { alertname: 'crashtriage diagnose', ...labels },
    annotations: {},
    startsAt: now.toISOString(),
    endsAt: '',
    generatorURL: '',
    fingerprint: 'cli',
  };
  const plain = diagnose(evidence);
  if (history === undefined) return buildDocument(alert, evidence, plain);
  const { diagnosis, problem } = await history.enrich(evidence, plain);
  return buildDocument(alert, problem === undefined ? evidence : { ...evidence, problems: [...evidence.problems, problem] }, diagnosis);
}

function print(request: DiagnoseRequest, documents: DiagnosisDocument[], term: Terminal): void {
  switch (request.output) {
    case 'json':
      // One document for one pod, an array for a selector: what scripts expect from each.
      term.stdout.write(`${JSON.stringify(request.scope.kind === 'pod' ? documents[0] : documents, null, 2)}\n`);
      return;
    case 'markdown':
      term.stdout.write(documents.map((d) => renderMarkdown(d)).join('\n---\n\n'));
      return;
    case 'text':
      term.stdout.write(documents.map((d) => renderText(d, { color: request.color })).join('\n'));
      return;
    default: {
      const never: never = request.output;
      throw new Error(`unknown output ${String(never)}`);
    }
  }
}

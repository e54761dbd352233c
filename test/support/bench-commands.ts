/**
 * Runs every command of one bench case's message (message-commands.ts) against that case's cluster
 * on the fake API server (bench-cluster.ts): shared by test/integration/bench-commands.test.ts and
 * bench/commands.ts, which prints the figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { benchCluster, missingInEvents } from './bench-cluster.ts';
import { startFakeKubeApi } from './fake-kube-api.ts';
import {
  bashParses,
  type CommandFailure,
  codePart,
  embeddedCommand,
  kubectlComplaints,
  messageCommandBlocks,
  stages,
  staticComplaints,
} from './message-commands.ts';

/** Kinds whose objects the evidence shows to exist (the pod, its node, its owner): a NotFound for one is a wrong name or a read of a gone object. */
const KNOWN_TO_EXIST = /^(pods|nodes|namespaces|deployments(\.apps)?|statefulsets(\.apps)?|daemonsets(\.apps)?|replicasets(\.apps)?|jobs(\.batch)?)$/;
/** Kinds seeded from the pod spec: a NotFound is fine only where the events say the object is missing (the fix creates it). */
const FROM_SPEC = /^(configmaps|secrets|persistentvolumeclaims)$/;

export interface CaseCommands {
  id: string;
  /** Command lines looked at (comments that only explain are not counted). */
  commands: number;
  failures: CommandFailure[];
}

export async function checkCaseCommands(id: string, doc: DiagnosisDocument, kubectl: string, parseOnlyEnv: NodeJS.ProcessEnv): Promise<CaseCommands> {
  const { options, gone, unread } = benchCluster(id, doc);
  const missing = missingInEvents((options.events ?? []) as Record<string, unknown>[]).objects;
  const api = await startFakeKubeApi(options);
  const dir = mkdtempSync(join(tmpdir(), `crashtriage-${id.slice(0, 20)}-`));
  const cluster: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: dir,
    KUBECONFIG: api.kubeconfigPath,
    KUBECACHEDIR: join(dir, '.kube-cache'),
    // The node a reader names when a command asks for one (`read -r -p 'node …' NODE`): one the cluster has.
    NODE: String((options.nodes?.[0] as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? 'node-1'),
  };
  // Objects an earlier line of the same block creates: with --dry-run=client they are not there yet.
  const created = new Set<string>();
  const mayBeMissing = (resource: string, name: string): boolean => {
    if (created.has(`${resource.replace(/s$/, '')}/${name}`)) return true;
    if (resource === 'pods' && unread.has(`pod/${name}`)) return true;
    if (resource === 'namespaces') return name !== doc.target.namespace;
    if (KNOWN_TO_EXIST.test(resource)) return false;
    if (FROM_SPEC.test(resource)) return missing.has(`${resource.replace(/s$/, '')}/${name}`);
    return true;
  };
  const failures: CommandFailure[] = [];
  let commands = 0;
  try {
    for (const block of messageCommandBlocks(doc)) {
      for (const raw of block.lines) {
        const line = raw.trim();
        if (line === '') continue;
        const fail = (why: string): void => void failures.push({ where: block.where, line, why });
        if (line.startsWith('#')) {
          const embedded = embeddedCommand(line);
          if (embedded === undefined) continue;
          commands++;
          for (const why of staticComplaints(embedded, gone)) fail(why);
          const parse = await bashParses(embedded);
          if (parse !== undefined) fail(`bash -n: ${parse}`);
          continue;
        }
        commands++;
        for (const m of line.matchAll(/kubectl create (configmap|secret)(?: generic| docker-registry| tls)? (\S+)/g)) created.add(`${m[1]}/${m[2]}`);
        for (const why of staticComplaints(line, gone)) fail(why);
        const parse = await bashParses(line);
        if (parse !== undefined) {
          fail(`bash -n: ${parse}`);
          continue;
        }
        // A pod the evidence could not read is not on the fake: its reads are parsed by bash only.
        const namesUnread = [...unread].some((o) => line.includes(o.split('/')[1] ?? ''));
        if (!namesUnread && stages(codePart(line)).some((s) => s.startsWith('kubectl ')))
          for (const why of await kubectlComplaints(line, { cluster, parseOnly: parseOnlyEnv, kubectl, mayBeMissing }, dir)) fail(why);
      }
    }
  } finally {
    await api.close();
  }
  return { id, commands, failures };
}

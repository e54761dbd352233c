/** Loads bench/cases/<id>/ and scores the diagnosis and the exit-code baseline on them (pure but for the read). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import type { IEvent, INode, IPersistentVolumeClaim, IPod, IService } from 'kubernetes-models/v1';
import { diagnose } from '../src/diagnosis/diagnose.ts';
import type { CauseDetail, CauseId } from '../src/diagnosis/document.ts';
import type { Evidence, Problem } from '../src/diagnosis/evidence.ts';
import { toEvidence } from '../test/fixtures/diagnosis/to-evidence.ts';

export interface BenchCase {
  id: string;
  source: string;
  evidence: Evidence;
  expected: { cause: CauseId; detail: CauseDetail | null; facts: string[] };
}

interface CaseFile {
  source: string;
  description: string;
  container?: string;
  target?: { namespace?: string; pod?: string; container?: string };
  problems?: Problem[];
  logCurrent?: boolean;
  logTruncated?: boolean;
  expected: BenchCase['expected'];
}

function json<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

export function loadCases(dir: string): BenchCase[] {
  return readdirSync(dir)
    .sort()
    .map((id) => {
      const at = (f: string) => join(dir, id, f);
      const c = json<CaseFile>(at('case.json'));
      if (c === undefined) throw new Error(`bench case ${id}: no case.json`);
      const pod = json<IPod>(at('pod.json'));
      const node = json<INode>(at('node.json'));
      const services = json<IService[]>(at('services.json'));
      const claims = json<IPersistentVolumeClaim[]>(at('claims.json'));
      const storageClasses = json<IStorageClass[]>(at('storageclasses.json'));
      const log = existsSync(at('previous.log')) ? readFileSync(at('previous.log'), 'utf8') : undefined;
      const evidence = toEvidence({
        name: id,
        description: c.description,
        events: json<IEvent[]>(at('events.json')) ?? [],
        ...(pod === undefined ? {} : { pod }),
        ...(node === undefined ? {} : { node }),
        ...(services === undefined ? {} : { services }),
        ...(claims === undefined ? {} : { claims }),
        ...(storageClasses === undefined ? {} : { storageClasses }),
        ...(log === undefined ? {} : { log }),
        ...(c.container === undefined ? {} : { container: c.container }),
        ...(c.target === undefined ? {} : { target: c.target }),
        ...(c.problems === undefined ? {} : { problems: c.problems }),
        ...(c.logCurrent === undefined ? {} : { logCurrent: c.logCurrent }),
        ...(c.logTruncated === undefined ? {} : { logTruncated: c.logTruncated }),
        expected: { cause: c.expected.cause },
      });
      return { id, source: c.source, evidence, expected: c.expected };
    });
}

/** The naive table a reader would write first: the exit code or the waiting reason alone. */
export function baseline(e: Evidence): { cause: CauseId; text: string } {
  const c = e.container;
  const waiting = c?.state?.kind === 'waiting' ? c.state.reason : undefined;
  if (waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' || waiting === 'InvalidImageName') return { cause: 'image-pull', text: waiting };
  if (waiting === 'CreateContainerConfigError') return { cause: 'missing-config', text: waiting };
  const t = c?.state?.kind === 'terminated' ? c.state : c?.lastState?.kind === 'terminated' ? c.lastState : undefined;
  const code = t?.exitCode;
  const text = `exit code ${code ?? 'unknown'}${t?.reason === undefined ? '' : ` (${t.reason})`}`;
  const table: Record<number, CauseId> = { 0: 'exit-zero', 126: 'bad-entrypoint', 127: 'bad-entrypoint', 137: 'oom-killed', 139: 'segfault', 143: 'sigterm' };
  return { cause: code === undefined ? 'unknown' : (table[code] ?? 'app-crash'), text };
}

export interface Score {
  cases: number;
  causeRight: number;
  factsShown: number;
  msPerCase: number;
  baseline: { causeRight: number; factsShown: number };
  perCause: Map<string, { cases: number; causeRight: number; factsShown: number; baselineCause: number; baselineFacts: number }>;
  misses: { id: string; why: string }[];
  /** Per case: right on cause (and sub-cause), every fact shown. */
  outcomes: Map<string, { cause: boolean; facts: boolean }>;
}

export function score(cases: readonly BenchCase[]): Score {
  const out: Score = {
    cases: cases.length,
    causeRight: 0,
    factsShown: 0,
    msPerCase: 0,
    baseline: { causeRight: 0, factsShown: 0 },
    perCause: new Map(),
    misses: [],
    outcomes: new Map(),
  };
  for (const c of cases) {
    const d = diagnose(c.evidence);
    const shown = [d.cause.title, d.cause.summary, ...d.evidence.map((l) => l.text), ...d.remedies.flatMap((r) => [r.title, ...r.commands])].join('\n');
    const cause = d.cause.id === c.expected.cause && (d.cause.detail ?? null) === c.expected.detail;
    const missing = c.expected.facts.filter((f) => !shown.includes(f));
    const facts = missing.length === 0;
    const b = baseline(c.evidence);
    const bCause = b.cause === c.expected.cause && c.expected.detail === null;
    const bFacts = c.expected.facts.every((f) => b.text.includes(f));
    const row = out.perCause.get(c.expected.cause) ?? { cases: 0, causeRight: 0, factsShown: 0, baselineCause: 0, baselineFacts: 0 };
    row.cases++;
    row.causeRight += cause ? 1 : 0;
    row.factsShown += facts ? 1 : 0;
    row.baselineCause += bCause ? 1 : 0;
    row.baselineFacts += bFacts ? 1 : 0;
    out.perCause.set(c.expected.cause, row);
    out.causeRight += cause ? 1 : 0;
    out.factsShown += facts ? 1 : 0;
    out.baseline.causeRight += bCause ? 1 : 0;
    out.baseline.factsShown += bFacts ? 1 : 0;
    out.outcomes.set(c.id, { cause, facts });
    if (!cause || !facts)
      out.misses.push({
        id: c.id,
        why: [
          cause
            ? ''
            : `said ${d.cause.id}${d.cause.detail === undefined ? '' : `/${d.cause.detail}`}, expected ${c.expected.cause}${c.expected.detail === null ? '' : `/${c.expected.detail}`}`,
          facts ? '' : `did not show ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
        ]
          .filter((s) => s !== '')
          .join('; '),
      });
  }
  const rounds: number[] = [];
  for (let r = 0; r < 20; r++) {
    const t = performance.now();
    for (const c of cases) diagnose(c.evidence);
    rounds.push((performance.now() - t) / Math.max(cases.length, 1));
  }
  rounds.sort((a, b) => a - b);
  out.msPerCase = Math.round((rounds[10] ?? 0) * 1000) / 1000;
  return out;
}

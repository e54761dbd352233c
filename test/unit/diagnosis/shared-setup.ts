/**
 * The setup the diagnosis unit tests share: container `api` of Deployment `api` in namespace `shop`,
 * crash-looping (nine BackOff events), with a previous log; a bench case's diagnosis; and the views of
 * a diagnosis they read. Each test file keeps its own defaults (image, seconds the run lasted) in a
 * one-line `run`.
 */
import { join } from 'node:path';
import type { IContainer, IEvent, IPod } from 'kubernetes-models/v1';
import { type BenchCase, loadCases } from '../../../bench/accuracy-cases.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Problem } from '../../../src/diagnosis/evidence.ts';
import { findSignatures, primarySignature } from '../../../src/diagnosis/log-reader.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';
import { backOff, type OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';

export interface CrashRun {
  exitCode: number;
  /** Seconds the last run lasted. */
  ran: number;
  image: string;
  owner?: OwnerKind;
  /** The last termination's reason when not Error (OOMKilled). */
  reason?: string;
  /** The last termination's message. */
  message?: string;
  spec?: Partial<IContainer>;
  problems?: Problem[];
}

/** The crash-looping pod, to change before it is diagnosed. */
export function crashPod(r: CrashRun): IPod {
  return crashingPod({
    namespace: 'shop',
    app: 'api',
    image: r.image,
    exitCode: r.exitCode,
    ran: r.ran,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.message === undefined ? {} : { message: r.message }),
    ...(r.owner === undefined ? {} : { owner: r.owner }),
    ...(r.spec === undefined ? {} : { spec: r.spec }),
  });
}

/** The pod diagnosed with its log, its BackOff events and any `events` after them. */
export function diagnosePod(p: IPod, log: string, more: { events?: IEvent[]; problems?: Problem[] } = {}): Diagnosis {
  return diagnose(
    toEvidence({
      name: 'x',
      description: 'x',
      pod: p,
      events: [backOff(p, 'api', 9, 900), ...(more.events ?? [])],
      log,
      ...(more.problems === undefined ? {} : { problems: more.problems }),
      expected: { cause: 'unknown' },
    }),
  );
}

export function diagnoseCrash(log: string, r: CrashRun): Diagnosis {
  return diagnosePod(crashPod(r), log, r.problems === undefined ? {} : { problems: r.problems });
}

/** Every remedy's commands, one a line. */
/** The diagnosis of the fixture `name` (test/fixtures/diagnosis) with its pod, and its events, changed first (on copies). */
export function diagnoseFixture(name: string, changePod: (p: IPod) => void = () => {}, changeEvents: (e: IEvent[]) => void = () => {}): Diagnosis {
  const f = fixtures.find((x) => x.name === name);
  if (f?.pod === undefined) throw new Error(`no fixture ${name}`);
  const pod = structuredClone(f.pod);
  const events = structuredClone(f.events);
  changePod(pod);
  changeEvents(events);
  return diagnose(toEvidence({ ...f, pod, events }));
}

export const commandsOf = (d: Diagnosis): string => d.remedies.flatMap((r) => r.commands).join('\n');
/** Every remedy's title and commands, one a line. */
export const remediesText = (d: Diagnosis): string => d.remedies.flatMap((r) => [r.title, ...r.commands]).join('\n');
/** The proof lines. */
export const proofOf = (d: Diagnosis): string => d.evidence.map((e) => e.text).join('\n');

/** The signature that decides a log, as the diagnosis picks it. */
export function primaryOf(log: string) {
  const lines = log.split('\n');
  return primarySignature(findSignatures(lines), lines);
}

const benchCases = loadCases(join(import.meta.dirname, '..', '..', '..', 'bench', 'cases'));

/** bench/cases/<id>/, loaded. */
export function benchCase(id: string): BenchCase {
  const c = benchCases.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no bench case ${id}`);
  return c;
}

/** The diagnosis of bench/cases/<id>/. */
export const benchDiagnosis = (id: string): Diagnosis => diagnose(benchCase(id).evidence);

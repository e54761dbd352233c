/**
 * What the application sub-cause rules share: the signature they answer to (only under a generic exit),
 * the verdict they build (the cause app-crash with its sub-cause, proof line and spec lines), and the
 * mount that holds a path.
 */
import type { Clues } from '../clues.ts';
import { logLines } from '../crash-verdict.ts';
import type { CauseDetail, EvidenceLine } from '../document.ts';
import type { VolumeFacts } from '../evidence.ts';
import type { LogSignature } from '../log-signature-types.ts';
import type { SignatureKind } from '../precedence.ts';
import { describeExit, exitedWith } from '../signals.ts';
import type { Fix, Verdict } from '../verdict.ts';
import { generic } from './log-rules.ts';
import { statusLine, who } from './rule.ts';

/** Volume kinds the kubelet always mounts read-only, whose mount replaces the directory's image content. */
export const PROJECTED_KINDS = new Set(['configMap', 'secret', 'projected']);

export function signature(clues: Clues, kind: SignatureKind): LogSignature | undefined {
  const p = clues.primary;
  return p?.kind === kind && generic(clues) ? p : undefined;
}

export function appVerdict(clues: Clues, detail: CauseDetail, headline: string, because: string, sig: LogSignature, spec: EvidenceLine[], fix: Fix): Verdict {
  const t = clues.termination;
  return {
    id: 'app-crash',
    detail,
    place: 'log-cause',
    confidence: 'high',
    title: `${headline} (${t === undefined ? 'crash' : describeExit(t.exitCode)})`,
    summary: `${who(clues)} ${t === undefined ? 'stops' : exitedWith(t.exitCode)}: ${because} (${sig.text}).`,
    evidence: [...statusLine(clues), ...logLines(clues, sig), ...spec],
    fix,
  };
}

/** The mount that holds `path`, deepest first. */
export function mountOver(clues: Clues, path: string): { mountPath: string; volume?: VolumeFacts; readOnly: boolean; subPath?: string } | undefined {
  const m = clues.container?.volumeMounts
    .filter((x) => path === x.mountPath || path.startsWith(x.mountPath.endsWith('/') ? x.mountPath : `${x.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (m === undefined) return undefined;
  const volume = clues.pod?.volumes.find((v) => v.name === m.name);
  return {
    mountPath: m.mountPath,
    readOnly: m.readOnly,
    ...(volume === undefined ? {} : { volume }),
    ...(m.subPath === undefined ? {} : { subPath: m.subPath }),
  };
}

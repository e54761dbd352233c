/**
 * Pod volumes → `VolumeFacts`, keeping which ConfigMaps and Secrets (and which keys) back each one,
 * so a `FailedMount … configmap "x" not found` can be tied to the mount and the spec line to fix.
 */
import type { V1KeyToPath, V1Volume } from '@kubernetes/client-node';
import type { VolumeFacts } from '../diagnosis/evidence.ts';

type Source = VolumeFacts['sources'][number];

export function volumeFacts(volume: V1Volume): VolumeFacts {
  if (volume.configMap !== undefined) {
    const cm = volume.configMap;
    return { name: volume.name, kind: 'configMap', sources: [source('configMap', cm.name, cm.optional, cm.items)] };
  }
  if (volume.secret !== undefined) {
    const s = volume.secret;
    return { name: volume.name, kind: 'secret', sources: [source('secret', s.secretName, s.optional, s.items)] };
  }
  if (volume.projected !== undefined) {
    const sources: Source[] = [];
    for (const p of volume.projected.sources ?? []) {
      if (p.configMap !== undefined) sources.push(source('configMap', p.configMap.name, p.configMap.optional, p.configMap.items));
      if (p.secret !== undefined) sources.push(source('secret', p.secret.name, p.secret.optional, p.secret.items));
    }
    return { name: volume.name, kind: 'projected', sources };
  }
  const claim = volume.persistentVolumeClaim?.claimName;
  if (claim !== undefined) return { name: volume.name, kind: 'persistentVolumeClaim', sources: [], claimName: claim };
  return { name: volume.name, kind: otherKind(volume), sources: [] };
}

function source(kind: Source['kind'], name: string | undefined, optional: boolean | undefined, items: V1KeyToPath[] | undefined): Source {
  return { kind, name: name ?? '', optional: optional ?? false, keys: (items ?? []).map((i) => i.key) };
}

function otherKind(volume: V1Volume): VolumeFacts['kind'] {
  if (volume.emptyDir !== undefined) return 'emptyDir';
  if (volume.persistentVolumeClaim !== undefined) return 'persistentVolumeClaim';
  if (volume.hostPath !== undefined) return 'hostPath';
  return 'other';
}

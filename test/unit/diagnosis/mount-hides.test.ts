/** A ConfigMap mounted over a directory of the image: the subPath fix, as a patch when the keys are known, else the manifest snippet. */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const mimir = fixtures.find((f) => f.name === 'sub-mount-hides-nginx-modules');
const commands = (f: NonNullable<typeof mimir>): string[] => diagnose(toEvidence(f)).remedies.flatMap((r) => r.commands);

describe('mount-hides-files remedies', () => {
  if (mimir?.pod === undefined) throw new Error('fixture missing');

  it('without the keys: list them, then the snippet with one subPath mount per key', () => {
    const c = commands(mimir);
    expect(c[0]).toContain('kubectl get configmap mimir-nginx -n mimir -o go-template=');
    expect(c).toContain('#     mountPath: /etc/nginx/KEY');
    expect(c).toContain('#     subPath: KEY');
    expect(c.some((x) => x.includes('--type json'))).toBe(false);
  });

  it('with the keys in the volume items: a JSON patch that tests the mount it replaces', () => {
    const pod = structuredClone(mimir.pod);
    const volume = pod?.spec?.volumes?.find((v) => v.name === 'config');
    if (volume?.configMap === undefined) throw new Error('volume missing');
    volume.configMap.items = [
      { key: 'nginx.conf', path: 'nginx.conf' },
      { key: 'gateway.conf', path: 'gateway.conf' },
    ];
    const patch = commands({ ...mimir, ...(pod === undefined ? {} : { pod }) }).find((x) => x.includes('--type json'));
    const json = JSON.parse(/-p '(.+)'$/.exec(patch ?? '')?.[1] ?? '[]') as { op: string; path: string; value?: unknown }[];
    expect(json[0]).toEqual({ op: 'test', path: '/spec/template/spec/containers/0/volumeMounts/0/mountPath', value: '/etc/nginx' });
    expect(json.slice(1).map((o) => o.op)).toEqual(['remove', 'add', 'add']);
    expect(json[3]?.value).toEqual({ name: 'config', mountPath: '/etc/nginx/gateway.conf', subPath: 'gateway.conf' });
  });
});

/**
 * config-file-key: a Python KeyError on a key of a loaded config file, with a ConfigMap or Secret
 * mounted: which lines count as config (log-crash-lines.ts), which mount is named and how sure
 * (rules/config-key-rule.ts), and the remedy when the file is known or not (remedies/config-file-key.ts).
 */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import { findCrashes } from '../../../src/diagnosis/log-crash-lines.ts';
import { fixtures, toEvidence } from '../../fixtures/diagnosis/index.ts';

const traceback = (source: string, key: string): string[] => [
  'Traceback (most recent call last):',
  '  File "/app/main.py", line 9, in <module>',
  `    ${source}`,
  `KeyError: '${key}'`,
];
const configKeyOf = (source: string, key: string): string | undefined => findCrashes(traceback(source, key))[0]?.configKey;

describe('the config key of a Python KeyError', () => {
  it.each([
    ['database_path = config["database"].get("database_path", "/tmp/cerberus.db")', 'database', 'database'],
    ["config_curl_options = docs['curl_settings']", 'curl_settings', 'curl_settings'],
    ["num_workers = config['general']['workers']", 'workers', 'general.workers'],
    ["url = self.settings['db']['url']", 'url', 'db.url'],
    ["data = yaml.safe_load(fh)['server']", 'server', 'server'],
    ["port = appConfig['port']", 'port', 'port'],
  ])('%s → %s', (source, key, path) => {
    expect(configKeyOf(source, key)).toBe(path);
  });

  it.each([
    ['weights = MODEL_WEIGHTS["FRAUD_V2"]', 'FRAUD_V2'], // the program's own dict
    ['value = row["config"]', 'config'], // a string that says config, not a name
    ['confidence = scores["top"]', 'top'], // a word that starts like conf
    ['db = config.get("database")["url"]', 'database'], // the line does not index the key it names
  ])('%s is not a config key', (source, key) => {
    expect(configKeyOf(source, key)).toBeUndefined();
  });

  it('an os.environ KeyError stays a missing variable', () => {
    const sig = findCrashes(traceback('DATABASE_URL = os.environ["DATABASE_URL"]', 'DATABASE_URL'))[0];
    expect(sig?.kind).toBe('missing-env');
  });
});

const cerberus = fixtures.find((f) => f.name === 'sub-config-file-key-cerberus-database');

describe('the mount and the remedy', () => {
  if (cerberus?.pod?.spec === undefined) throw new Error('fixture missing');
  const without = (change: (c: IContainer) => void) => {
    const pod = structuredClone(cerberus.pod);
    const c = pod?.spec?.containers[0];
    if (pod === undefined || c === undefined) throw new Error('container missing');
    change(c);
    return diagnose(toEvidence({ ...cerberus, pod }));
  };

  it('the command line names the file: the mount it is under, with high confidence, though two ConfigMaps are mounted', () => {
    const d = diagnose(toEvidence(cerberus));
    expect(d.cause).toMatchObject({ id: 'missing-config', detail: 'config-file-key', confidence: 'high' });
    expect(d.evidence.map((e) => e.text)).toContain(
      '/root/cerberus/config is volume cerberus-config from ConfigMap cerberus-config (config.yaml) (1 other ConfigMap/Secret mount in the container)',
    );
    expect(d.remedies[0]?.kind).toBe('remedy');
  });

  it('without the command line: medium confidence, and the reader names the file', () => {
    const d = without((c) => {
      c.args = [];
    });
    expect(d.cause).toMatchObject({ detail: 'config-file-key', confidence: 'medium' });
    expect(d.remedies[0]?.commands[0]).toMatch(/^read -r -p .* FILE$/);
    expect(d.remedies[0]?.commands).toContain(
      `kubectl patch configmap cerberus-config -n cerberus --type merge -p "$(jq -n --arg k "$FILE" --arg v "$(cat "./$FILE")" '{data: {($k): $v}}')"`,
    );
    expect(d.remedies[1]?.commands[0]).toContain('kubectl get configmap cerberus-config -n cerberus -o go-template=');
  });

  it('without a ConfigMap or Secret mounted it stays the program crash', () => {
    const d = without((c) => {
      c.volumeMounts = [];
    });
    expect(d.cause.id).toBe('app-crash');
    expect(d.cause.detail).toBeUndefined();
  });

  it('the service account token mount is not the config', () => {
    const d = without((c) => {
      c.volumeMounts = [{ name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }];
    });
    expect(d.cause.id).toBe('app-crash');
  });
});

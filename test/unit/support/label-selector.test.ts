/**
 * The fake API server's label selectors against the examples of the Kubernetes documentation
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors) and
 * malformed selectors people sent to real API servers (quoted with their source).
 */
import { describe, expect, it } from 'vitest';
import { labelSelectorString } from '../../../src/kube/label-selector.ts';
import { matchesSelector, parseLabelSelector, SelectorError } from '../../support/label-selector.ts';

const matches = (selector: string, labels: Record<string, string>): boolean => matchesSelector(labels, parseLabelSelector(selector));

const PROD_FRONTEND = { environment: 'production', tier: 'frontend' };
const QA_BACKEND = { environment: 'qa', tier: 'backend' };
const PROD_CACHE = { environment: 'production', tier: 'cache', partition: 'customerA' };
const UNLABELLED = {};

describe('label selectors as the API server applies them (the examples of the Kubernetes docs)', () => {
  it('equality-based: = and == select the value, != selects other values and the absent key', () => {
    expect(matches('environment = production', PROD_FRONTEND)).toBe(true);
    expect(matches('environment == production', QA_BACKEND)).toBe(false);
    expect(matches('tier != frontend', QA_BACKEND)).toBe(true);
    expect(matches('tier != frontend', PROD_FRONTEND)).toBe(false);
    expect(matches('tier != frontend', UNLABELLED)).toBe(true);
    expect(matches('environment=production,tier!=frontend', PROD_CACHE)).toBe(true);
    expect(matches('environment=production,tier!=frontend', PROD_FRONTEND)).toBe(false);
  });

  it('set-based: in, notin (which also selects the absent key), key and !key', () => {
    expect(matches('environment in (production, qa)', QA_BACKEND)).toBe(true);
    expect(matches('environment in (production, qa)', UNLABELLED)).toBe(false);
    expect(matches('tier notin (frontend, backend)', PROD_CACHE)).toBe(true);
    expect(matches('tier notin (frontend, backend)', QA_BACKEND)).toBe(false);
    expect(matches('tier notin (frontend, backend)', UNLABELLED)).toBe(true);
    expect(matches('partition', PROD_CACHE)).toBe(true);
    expect(matches('partition', PROD_FRONTEND)).toBe(false);
    expect(matches('!partition', PROD_FRONTEND)).toBe(true);
    expect(matches('!partition', PROD_CACHE)).toBe(false);
    expect(matches('partition in (customerA, customerB),environment!=qa', PROD_CACHE)).toBe(true);
    expect(matches('partition in (customerA, customerB),environment!=qa', { ...PROD_CACHE, environment: 'qa' })).toBe(false);
  });

  it("the docs' kubectl examples", () => {
    expect(matches('environment=production,tier=frontend', PROD_FRONTEND)).toBe(true);
    expect(matches('environment in (production),tier in (frontend)', PROD_FRONTEND)).toBe(true);
    expect(matches('environment in (production),tier in (frontend)', PROD_CACHE)).toBe(false);
    expect(matches('environment,environment notin (frontend)', PROD_FRONTEND)).toBe(true);
    expect(matches('environment,environment notin (frontend)', UNLABELLED)).toBe(false);
  });

  it('an empty selector matches everything; values may be empty; in and notin are values inside a set', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(matches('', UNLABELLED)).toBe(true);
    expect(parseLabelSelector('x in (foo,,baz),y,z notin ()')).toEqual([
      { key: 'x', operator: 'in', values: ['', 'baz', 'foo'] },
      { key: 'y', operator: 'exists', values: [] },
      { key: 'z', operator: 'notin', values: [''] },
    ]);
    expect(matches('mode in (in, notin)', { mode: 'notin' })).toBe(true);
    expect(matches('a=', { a: '' })).toBe(true);
    expect(matches('replicas>2', { replicas: '3' })).toBe(true);
    expect(matches('replicas<2', { replicas: 'three' })).toBe(false);
    expect(matches('app.kubernetes.io/name=checkout', { 'app.kubernetes.io/name': 'checkout' })).toBe(true);
  });

  it("malformed selectors get the API server's messages", () => {
    const error = (selector: string): string => {
      try {
        parseLabelSelector(selector);
      } catch (err) {
        expect(err).toBeInstanceOf(SelectorError);
        return (err as Error).message;
      }
      throw new Error(`${selector} parsed`);
    };
    // kubectl get pods -l "app:monolith" (a Qwiklabs transcript: "Error from server (BadRequest): … unable to parse requirement: <nil>: Invalid value: "app:monolith": name part must consist …")
    expect(error('app:monolith')).toBe(
      `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
    // groundnuty/k8s-wait-for issue #19: "app=cloud-services,-ltier=postgres"
    expect(error('app=cloud-services,-ltier=postgres')).toMatch(/^unable to parse requirement: <nil>: Invalid value: "-ltier": name part must consist/);
    // vault-secrets-operator logs: an underscore in the prefix
    expect(error('app.kubernetes_io/name=vault')).toMatch(
      /^unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io\/name": prefix part a lowercase RFC 1123 subdomain must consist/,
    );
    expect(error('app in (a')).toBe("unable to parse requirement: found '', expected: ',' or ')'");
    expect(error('app in a')).toBe("unable to parse requirement: found 'a' expected: '('");
    expect(error('app=a b')).toBe("found 'b', expected: ',' or 'end of string'");
    expect(error('app=a,')).toBe("found '', expected: identifier after ','");
    expect(error(',app')).toBe("found ',', expected: !, identifier, or 'end of string'");
    expect(error('app=white space')).toBe("found 'space', expected: ',' or 'end of string'");
    expect(error('app=-x')).toMatch(/^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-x": a valid label must be an empty string/);
  });
});

describe('labelSelectorString: an owner’s selector as the labelSelector parameter', () => {
  it('writes matchLabels and every matchExpressions operator so that the server selects the same pods', () => {
    const selector = {
      matchLabels: { app: 'checkout' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'api'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    const text = labelSelectorString(selector);
    expect(text).toBe('app=checkout,tier in (api,web),track notin (canary),team,!legacy');
    const requirements = parseLabelSelector(text as string);
    expect(matchesSelector({ app: 'checkout', tier: 'web', team: 'shop' }, requirements)).toBe(true);
    expect(matchesSelector({ app: 'checkout', tier: 'web', team: 'shop', track: 'canary' }, requirements)).toBe(false);
    expect(matchesSelector({ app: 'checkout', tier: 'web', team: 'shop', legacy: 'yes' }, requirements)).toBe(false);
    expect(matchesSelector({ app: 'checkout', tier: 'batch', team: 'shop' }, requirements)).toBe(false);
    expect(matchesSelector({ app: 'checkout', tier: 'web' }, requirements)).toBe(false);
  });

  it('selects nothing rather than everything: no requirement, or an unknown operator, gives no selector', () => {
    expect(labelSelectorString(undefined)).toBeUndefined();
    expect(labelSelectorString({})).toBeUndefined();
    expect(labelSelectorString({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBeUndefined();
  });
});

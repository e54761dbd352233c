/**
 * The doctor's reading of a LabelSelector (metav1.LabelSelector semantics: every matchLabels pair and
 * every matchExpressions term must hold, `{}` selects everything), and the selector as kubectl's `-l`
 * spells it in the doctor's findings.
 */
import { describe, expect, it } from 'vitest';
import { type LabelSelector, selectorText, selects } from '../../../src/doctor/label-selector.ts';

const labels = { release: 'kube-prometheus-stack', team: 'sre' };

describe('selects', () => {
  it.each<[string, LabelSelector, boolean]>([
    ['{} selects everything', {}, true],
    ['a matching pair', { matchLabels: { release: 'kube-prometheus-stack' } }, true],
    ['a pair with another value', { matchLabels: { release: 'prometheus' } }, false],
    ['In with the value', { matchExpressions: [{ key: 'team', operator: 'In', values: ['sre', 'db'] }] }, true],
    ['In without the value', { matchExpressions: [{ key: 'team', operator: 'In', values: ['db'] }] }, false],
    ['In on a missing label', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, false],
    ['NotIn without the value', { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['db'] }] }, true],
    ['NotIn with the value', { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['sre'] }] }, false],
    ['NotIn on a missing label', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    ['Exists on a missing label', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist on a present label', { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    ['an operator the API server rejects selects nothing', { matchExpressions: [{ key: 'team', operator: 'Gt', values: ['1'] }] }, false],
    [
      'a pair and a term: both must hold',
      { matchLabels: { release: 'kube-prometheus-stack' }, matchExpressions: [{ key: 'team', operator: 'In', values: ['db'] }] },
      false,
    ],
  ])('%s', (_what, selector, expected) => expect(selects(selector, labels)).toBe(expected));
});

describe('selectorText', () => {
  it('writes every form as kubectl -l takes it', () =>
    expect(
      selectorText({
        matchLabels: { release: 'kube-prometheus-stack' },
        matchExpressions: [
          { key: 'team', operator: 'In', values: ['a', 'b'] },
          { key: 'tier', operator: 'NotIn', values: ['web'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('release=kube-prometheus-stack,team in (a,b),tier notin (web),owner,!legacy'));
  it('an empty selector says it takes everything', () => expect(selectorText({})).toBe('(everything)'));
});

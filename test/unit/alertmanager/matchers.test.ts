import { describe, expect, it } from 'vitest';
import { equal, matchersText, podAlertMatchers } from '../../../src/alertmanager/matchers.ts';
import { type AlertmanagerError, parseAnswer } from '../../../src/alertmanager/silences.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';

describe('Alertmanager matchers', () => {
  it("selects the pod's alert by its own labels, falling back to the document's target", () => {
    expect(podAlertMatchers(oomDocument())).toEqual([
      { name: 'alertname', value: 'KubePodCrashLooping', isRegex: false, isEqual: true },
      { name: 'namespace', value: 'payments', isRegex: false, isEqual: true },
      { name: 'pod', value: 'payment-svc-7b9f6d-xk2p', isRegex: false, isEqual: true },
    ]);
    const unlabelled = oomDocument();
    unlabelled.alert.labels = {};
    expect(podAlertMatchers(unlabelled).map((m) => m.value)).toEqual(['KubePodCrashLooping', 'payments', 'payment-svc-7b9f6d-xk2p']);
  });

  it("writes the four operators and escapes quotes and backslashes as Alertmanager's parser reads them", () => {
    expect(
      matchersText([
        equal('a', 'x'),
        { name: 'b', value: 'y', isRegex: false, isEqual: false },
        { name: 'c', value: 'api-.*', isRegex: true, isEqual: true },
        { name: 'd', value: 'z', isRegex: true, isEqual: false },
        equal('team', 'say "hi" \\ bye'),
      ]),
    ).toBe('{a="x", b!="y", c=~"api-.*", d!~"z", team="say \\"hi\\" \\\\ bye"}');
  });
});

describe("Alertmanager's answers", () => {
  const refusal = (status: number, body: string) => {
    try {
      parseAnswer(status, body, 'list silences');
    } catch (err) {
      return err as AlertmanagerError;
    }
    throw new Error('expected a refusal');
  };

  it('reads JSON, and an empty 2xx body as nothing', () => {
    expect(parseAnswer(200, '[]', 'list silences')).toEqual([]);
    expect(parseAnswer(200, '', 'expire silence x')).toBeNull();
  });

  it('says which answer was not what Alertmanager sends', () => {
    expect(refusal(200, '<html>login</html>')).toMatchObject({
      kind: 'bad-response',
      message: 'Alertmanager answered list silences with a body that is not JSON',
    });
    expect(refusal(302, '')).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/redirected .* \(HTTP 302\)/) });
    expect(refusal(403, '')).toMatchObject({ kind: 'forbidden', message: 'Alertmanager refused access to list silences (403)' });
    expect(refusal(503, '{"code":503,"message":"not ready"}')).toMatchObject({
      kind: 'server-error',
      message: 'Alertmanager failed to list silences (HTTP 503): not ready',
    });
    expect(refusal(502, '<html>bad gateway</html>').message).toMatch(/HTTP 502\) \(a body that is not JSON/);
  });
});

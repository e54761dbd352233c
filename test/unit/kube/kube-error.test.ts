import { describe, expect, it } from 'vitest';
import { classifyKubeError, fromStatus, ResponseTooLargeError } from '../../../src/kube/kube-error.ts';
import { statusBodies } from '../../support/kube-fixtures-status.ts';
import { KUBE_API_REPLIES } from '../../support/kube-replies.ts';

const body = (b: unknown) => JSON.stringify(b);

describe('fromStatus', () => {
  it('403 parses the RBAC message into missingPermission', () => {
    const e = fromStatus(403, body(statusBodies.forbidden('system:serviceaccount:ops:crashtriage', 'get', 'pods/log', 'default', 'web-1')));
    expect(e.kind).toBe('forbidden');
    expect(e.missingPermission).toBe('get pods/log');
    expect(e.message).toBe(
      'pods "web-1" is forbidden: User "system:serviceaccount:ops:crashtriage" cannot get resource "pods/log" in API group "" in the namespace "default"',
    );
  });
  it('403 on a grouped resource names the group', () => {
    const message = 'replicasets.apps "x" is forbidden: User "u" cannot get resource "replicasets" in API group "apps" in the namespace "n"';
    expect(fromStatus(403, { kind: 'Status', message }).missingPermission).toBe('get replicasets.apps');
  });
  it.each([
    [404, statusBodies.notFound('pods', 'x'), 'not-found'],
    [401, statusBodies.unauthorized(), 'unauthorized'],
    [400, statusBodies.badRequest('previous terminated container "app" in pod "x" not found'), 'no-previous-log'],
    [400, statusBodies.badRequest('container "app" in pod "x" is waiting to start: ContainerCreating'), 'bad-request'],
  ] as const)('%i → %s', (status, statusBody, kind) => {
    expect(fromStatus(status, body(statusBody)).kind).toBe(kind);
  });
  it.each([
    ['etcdTimeout', 'server-error', 'etcdserver: request timed out', undefined],
    ['internalError', 'server-error', expect.stringMatching(/^Internal error occurred: unable to transform key/), 'InternalError'],
    ['shuttingDown', 'server-error', 'apiserver is shutting down', 'ServiceUnavailable'],
    ['expired', 'other', 'The resourceVersion for the provided list is too old.', 'Expired'],
  ] as const)("the API server's %s row → %s with its Status message and reason", (name, kind, message, reason) => {
    const row = KUBE_API_REPLIES[name];
    const e = fromStatus(row.status, Buffer.from(row.body));
    expect(e).toMatchObject({ kind, status: row.status, message });
    expect(e.reason).toBe(reason);
  });
  it("429 is plain text, not a Status: the filters' fixed sentence, with the server's Retry-After", () => {
    for (const [name, wait] of [
      ['throttled', '1'],
      ['shuttingDownRetryAfter', '5'],
    ] as const) {
      const row = KUBE_API_REPLIES[name];
      expect(row.headers['content-type']).toBe('text/plain; charset=utf-8');
      const e = fromStatus(429, Buffer.from(row.body), { retryAfter: row.headers['retry-after'] });
      expect(e).toMatchObject({ kind: 'other', status: 429, message: `HTTP 429: ${row.body.trim()} (Retry-After ${wait} s)` });
    }
    // Any other plain body is not repeated.
    expect(fromStatus(429, 'rate limited for token abc123').message).toBe('HTTP 429');
  });
  it('a non-Status body is never echoed', () => {
    const e = fromStatus(502, '<html>secret-token-abc upstream</html>');
    expect(e.message).toBe('HTTP 502');
  });
});

describe('classifyKubeError', () => {
  it('a KubeReadError (rest.ts classifies an error answer from its Status body) passes through unchanged', () => {
    const answered = fromStatus(404, Buffer.from(body(statusBodies.notFound('pods', 'x'))));
    expect(answered).toMatchObject({ kind: 'not-found', status: 404, reason: 'NotFound', message: 'pods "x" not found' });
    expect(classifyKubeError(answered, 5000)).toBe(answered);
  });
  it('a TimeoutError (AbortSignal.timeout) → timeout', () => {
    expect(classifyKubeError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 5000)).toMatchObject({
      kind: 'timeout',
      message: 'no answer within 5000 ms',
    });
  });
  it('fetch failed caused by ECONNREFUSED → connection; by a certificate error → tls', () => {
    const cause = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(classifyKubeError(cause('ECONNREFUSED'), 1)).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
    expect(classifyKubeError(cause('SELF_SIGNED_CERT_IN_CHAIN'), 1)).toMatchObject({ kind: 'tls' });
    expect(classifyKubeError(cause('ERR_TLS_CERT_ALTNAME_INVALID'), 1)).toMatchObject({ kind: 'tls' });
  });
  it('an oversized body → other', () => {
    expect(classifyKubeError(new ResponseTooLargeError(10), 1)).toMatchObject({ kind: 'other', message: 'response body larger than 10 bytes' });
  });
});

/**
 * The silences client against the real Alertmanager (Debian's prometheus-alertmanager): create a
 * silence from a document's pod matchers, see it mute that pod's alert and no other, list and filter,
 * expire, and the errors Alertmanager really answers. A bearer token is checked by a loopback auth
 * proxy in front of it (as kube-rbac-proxy or oauth2-proxy would be): Alertmanager itself takes only
 * basic auth and TLS in its web config.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equal, podAlertMatchers } from '../../../src/alertmanager/matchers.ts';
import { AlertmanagerError, createAlertmanagerClient, type NewSilence } from '../../../src/alertmanager/silences.ts';
import { oomDocument } from '../../fixtures/notify/documents.ts';
import { type RunningAlertmanager, startAlertmanager, waitFor } from '../../support/alertmanager.ts';
import { freePort } from '../../support/free-port.ts';

let alertmanager: RunningAlertmanager;
beforeAll(async () => {
  // Nothing listens on the webhook: these tests look at silences and the alerts they mute, not at notifications.
  alertmanager = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${await freePort()}/alerts`, groupWait: '1h' });
});
afterAll(() => alertmanager.stop());

const doc = oomDocument();
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function silence(overrides: Partial<NewSilence> = {}): NewSilence {
  return {
    matchers: podAlertMatchers(doc),
    startsAt: new Date().toISOString(),
    endsAt: inAnHour(),
    createdBy: 'crashtriage test',
    comment: 'being fixed',
    ...overrides,
  };
}

/** Alertmanager's own view of the alerts: which silences mute each one. */
async function silencedBy(pod: string): Promise<string[] | undefined> {
  const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { silencedBy: string[] } }[];
  return alerts.find((a) => a.labels['pod'] === pod)?.status.silencedBy;
}

describe('Alertmanager v2 silences', () => {
  it("creates a silence from the pod's matchers that mutes exactly that pod's alert", async () => {
    const other = 'payment-svc-7b9f6d-zz9q';
    await alertmanager.push([{ labels: { ...doc.alert.labels } }, { labels: { ...doc.alert.labels, pod: other } }]);
    const client = createAlertmanagerClient({ url: alertmanager.url });
    try {
      const id = await client.createSilence(silence());
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await waitFor('the alert to be silenced', async () => ((await silencedBy(doc.target.pod))?.includes(id) ? true : undefined))).toBe(true);
      expect(await silencedBy(other)).toEqual([]);

      const listed = (await client.listSilences()).find((s) => s.id === id);
      expect(listed).toMatchObject({ state: 'active', createdBy: 'crashtriage test', comment: 'being fixed' });
      expect(listed?.matchers).toEqual(expect.arrayContaining(podAlertMatchers(doc)));
      expect(listed?.matchers).toHaveLength(3);

      await client.expireSilence(id);
      expect((await client.listSilences()).find((s) => s.id === id)?.state).toBe('expired');
      await client.expireSilence(id); // a second press of "unsilence" is not an error
      expect(await waitFor('the alert to be unsilenced', async () => ((await silencedBy(doc.target.pod))?.length === 0 ? true : undefined))).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('lists only the silences whose matchers match every filter, with values that need quoting', async () => {
    const client = createAlertmanagerClient({ url: alertmanager.url });
    try {
      const odd = 'team "blue", \\ payments';
      const a = await client.createSilence(silence({ matchers: [equal('namespace', 'filter-a'), equal('team', odd)] }));
      const b = await client.createSilence(silence({ matchers: [equal('namespace', 'filter-b'), equal('team', odd)] }));
      const ids = async (...filter: ReturnType<typeof equal>[]) => (await client.listSilences(filter)).map((s) => s.id).sort();
      expect(await ids(equal('namespace', 'filter-a'))).toEqual([a]);
      expect(await ids(equal('team', odd))).toEqual([a, b].sort());
      expect(await ids(equal('team', odd), equal('namespace', 'filter-b'))).toEqual([b]);
      expect(await ids(equal('namespace', 'filter-c'))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('says what Alertmanager refused: an unknown silence, a silence that ends before it starts, no matchers', async () => {
    const client = createAlertmanagerClient({ url: alertmanager.url });
    try {
      const unknown = await client.expireSilence('00000000-0000-0000-0000-000000000000').catch((err: unknown) => err);
      expect(unknown).toBeInstanceOf(AlertmanagerError);
      // 0.25 (Debian bookworm) answers 500 "silence not found", later versions 404.
      expect(unknown).toMatchObject({ kind: 'not-found', status: expect.toSatisfy((s: number) => s === 404 || s === 500) });
      expect((unknown as Error).message).toMatch(/^Alertmanager found nothing to expire silence 00000000-0000-0000-0000-000000000000 \(HTTP (404|500)\)/);

      const notAnId = await client.expireSilence('not-an-id').catch((err: unknown) => err);
      expect(notAnId).toMatchObject({ kind: 'bad-request', status: 422, message: expect.stringContaining('silenceID in path must be of type uuid') });

      const backwards = await client.createSilence(silence({ startsAt: inAnHour(), endsAt: new Date().toISOString() })).catch((err: unknown) => err);
      expect(backwards).toMatchObject({ kind: 'bad-request', status: 400 });
      expect((backwards as Error).message).toMatch(/^Alertmanager refused to create a silence \(HTTP 400\): .*(end time|endsAt)/i);

      const empty = await client.createSilence(silence({ matchers: [] })).catch((err: unknown) => err);
      expect(empty).toMatchObject({
        kind: 'bad-request',
        status: 422,
        message: expect.stringMatching(/^Alertmanager refused to create a silence \(HTTP 422\): .*matchers/),
      });
    } finally {
      await client.close();
    }
  });

  it('names the refused connection and the deadline', async () => {
    const refused = createAlertmanagerClient({ url: `http://127.0.0.1:${await freePort()}` });
    await expect(refused.listSilences()).rejects.toMatchObject({
      kind: 'connection',
      message: expect.stringMatching(/cannot reach Alertmanager at http:\/\/127\.0\.0\.1:\d+ to list silences \(ECONNREFUSED\)/),
    });
    await refused.close();

    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const slow = createAlertmanagerClient({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
    try {
      await expect(slow.createSilence(silence())).rejects.toMatchObject({
        kind: 'timeout',
        message: 'no answer from Alertmanager to create a silence within 300 ms',
      });
    } finally {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  describe('behind an auth proxy that wants a bearer token', () => {
    const token = 'am-proxy-token-7f3a9c';
    let proxy: Server;
    let proxyUrl: string;
    beforeAll(async () => {
      const upstream = new URL(alertmanager.url);
      proxy = createServer((req, res) => {
        if (req.headers.authorization !== `Bearer ${token}`) {
          res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('Unauthorized\n');
          return;
        }
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(forward);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((r) => proxy.close(r)));

    it('sends the token, and a refusal says 401 without it', async () => {
      const withToken = createAlertmanagerClient({ url: proxyUrl, bearerToken: token });
      const wrong = createAlertmanagerClient({ url: proxyUrl, bearerToken: 'not-the-token' });
      try {
        const id = await withToken.createSilence(silence({ matchers: [equal('namespace', 'behind-proxy')] }));
        expect((await withToken.listSilences([equal('namespace', 'behind-proxy')])).map((s) => s.id)).toEqual([id]);
        const refused = await wrong.listSilences().catch((err: unknown) => err);
        expect(refused).toMatchObject({ kind: 'unauthorized', status: 401 });
        expect((refused as Error).message).toBe(
          'Alertmanager refused the credentials to list silences (401) (a body that is not JSON: a proxy or login page in front of it?)',
        );
        expect(JSON.stringify(refused) + String((refused as Error).stack)).not.toContain('not-the-token');
      } finally {
        await withToken.close();
        await wrong.close();
      }
    });
  });
});

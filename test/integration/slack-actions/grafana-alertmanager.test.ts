/**
 * Grafana's built-in Alertmanager: its API lives under /api/alertmanager/grafana, and a created silence
 * is answered 202 `{"message": "silence created", "id": …}` instead of Alertmanager's 200 `{"silenceID": …}`
 * (grafana pkg/services/ngalert/api/api_alertmanager.go, RoutePostSilence / RouteDeleteSilence).
 * A stand-in answers as Grafana does; the client is pointed at the Grafana URL, as a user would.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertmanagerClient } from '../../../src/alertmanager/silences.ts';
import { workloadSilence } from '../../../src/slack-actions/workload-silence.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Each row: what Grafana answers, and its source. */
const GRAFANA = {
  created: {
    source: 'grafana pkg/services/ngalert/api/api_alertmanager.go RoutePostSilence',
    status: 202,
    body: (id: string) => ({ message: 'silence created', id }),
  },
  deleted: { source: 'grafana pkg/services/ngalert/api/api_alertmanager.go RouteDeleteSilence', status: 200, body: () => ({ message: 'silence deleted' }) },
  notFound: {
    source: 'grafana pkg/services/ngalert/api/api_alertmanager.go RouteDeleteSilence (ErrSilenceNotFound)',
    status: 404,
    body: () => ({ message: 'silence not found' }),
  },
} as const;

async function grafanaStandin() {
  const created: unknown[] = [];
  const live = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (row: { status: number; body: (id: string) => unknown }, id = '') => {
        res.writeHead(row.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(row.body(id)));
      };
      if (req.method === 'POST' && req.url === '/api/alertmanager/grafana/api/v2/silences') {
        const id = `g-${created.length + 1}`;
        created.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        live.add(id);
        return answer(GRAFANA.created, id);
      }
      const del = /^\/api\/alertmanager\/grafana\/api\/v2\/silence\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'DELETE' && del !== null) return answer(live.delete(del[1] ?? '') ? GRAFANA.deleted : GRAFANA.notFound);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/alertmanager/grafana`, created, live };
}

describe("Grafana's Alertmanager", () => {
  it(`creates the workload's silence and reads Grafana's id (${GRAFANA.created.source}), then expires it (${GRAFANA.deleted.source})`, async () => {
    const grafana = await grafanaStandin();
    const client = createAlertmanagerClient({ url: grafana.url });
    cleanups.push(() => client.close());
    const silence = workloadSilence({
      ticket: { id: 'payments/deployment/billing-api@2026-12-06T12:00:00.000Z', namespace: 'payments', workload: { kind: 'Deployment', name: 'billing-api' } },
      choice: '4h',
      user: { id: 'U0ALICE', name: 'alice' },
      alertnames: ['KubePodCrashLooping'],
      clusterLabel: 'cluster',
      now: Date.parse('2026-12-06T12:00:00Z'),
    });
    const id = await client.createSilence(silence);
    expect(id).toBe('g-1');
    expect(grafana.created).toEqual([silence]);
    await client.expireSilence(id);
    expect(grafana.live.size).toBe(0);
    await expect(client.expireSilence(id)).rejects.toMatchObject({ kind: 'not-found' });
    expect(GRAFANA.notFound.status).toBe(404);
  });
});

/**
 * The Lease-backed state store against the fake API server (the REST client, real paths,
 * resourceVersion conflicts and Status bodies as the API server answers them).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.ts';
import { KubeReadError } from '../../../src/kube/kube-error.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { ledgerOver } from '../../../src/notify/delivery-ledger.ts';
import { holderIdentity, stateFromEnv } from '../../../src/state/config.ts';
import { createLeaseClient } from '../../../src/state/lease-api.ts';
import { createLeaseStore, type LeaseStoreOptions, leaseName } from '../../../src/state/lease-store.ts';
import { createSharedState } from '../../../src/state/shared.ts';
import { ClaimTimeoutError } from '../../../src/state/store.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../../support/fake-kube-api.ts';

let api: FakeKubeApi;
let client: ReturnType<typeof createLeaseClient>;
let n = 0;

beforeAll(async () => {
  api = await startFakeKubeApi();
  client = createLeaseClient({ kubeconfigPath: api.kubeconfigPath, timeoutMs: 2000 });
});
afterAll(async () => {
  await client.close();
  await api.close();
});

/** Each test its own store name, so Leases never leak between tests. */
const storeFor = (holder: string, more: Partial<LeaseStoreOptions> = {}, store = `t${n}`) =>
  createLeaseStore<{ count: number }>({ api: client.api, namespace: 'crashtriage', store, holder, ttlMs: 60_000, ...more });
const leasesOf = (store: string) =>
  [...api.leases.values()].filter((l) => (l['metadata'] as { labels?: Record<string, string> }).labels?.['crashtriage.io/store'] === store);

describe('Lease state store', () => {
  it('claims a new key, commits a value into a labelled Lease, and the next claim reads it', async () => {
    n++;
    const store = storeFor('replica-a');
    const first = await store.claim('prod/web-1');
    expect(first.value).toBeUndefined();
    await first.commit({ count: 1 });
    const [lease] = leasesOf(`t${n}`);
    const meta = lease?.['metadata'] as { name: string; labels: Record<string, string>; annotations: Record<string, string> };
    expect(meta.name).toBe(leaseName(`t${n}`, 'prod/web-1'));
    expect(meta.name).toMatch(/^[a-z0-9][-a-z0-9]*[a-z0-9]$/);
    expect(meta.labels['app.kubernetes.io/name']).toBe('crashtriage');
    expect(meta.annotations['crashtriage.io/key']).toBe('prod/web-1');
    expect(JSON.parse(meta.annotations['crashtriage.io/value'] ?? '')).toEqual({ count: 1 });
    expect((lease?.['spec'] as { holderIdentity?: string }).holderIdentity).toBeUndefined();

    const other = storeFor('replica-b');
    const second = await other.claim('prod/web-1');
    expect(second.value).toEqual({ count: 1 });
    await second.commit(undefined);
    expect(leasesOf(`t${n}`)).toHaveLength(0);
  });

  it('peeks with one GET: the committed value of another replica, also while a claim holds it, none for an absent key', async () => {
    n++;
    const a = storeFor('replica-a');
    const b = storeFor('replica-b');
    await (await a.claim('prod/web-2')).commit({ count: 4 });
    const held = await a.claim('prod/web-2');
    api.resetRequests();
    expect(await b.peek('prod/web-2')).toEqual({ count: 4 });
    expect(await b.peek('prod/absent')).toBeUndefined();
    expect(api.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'GET 404']);
    await held.release();
    api.failNext(/\/leases\//, 500);
    await expect(b.peek('prod/web-2')).rejects.toBeInstanceOf(KubeReadError);
  });

  it('two replicas claiming one key take turns; every increment survives the races (no lost update)', async () => {
    n++;
    const replicas = ['a', 'b', 'c', 'd'].map((h) => storeFor(`replica-${h}`));
    const order: string[] = [];
    await Promise.all(
      replicas.flatMap((store, i) =>
        [0, 1].map(async () => {
          const held = await store.claim('group/alert');
          order.push(`in ${i}`);
          await new Promise((r) => setTimeout(r, 5));
          order.push(`out ${i}`);
          await held.commit({ count: (held.value?.count ?? 0) + 1 });
        }),
      ),
    );
    const check = await replicas[0]?.claim('group/alert');
    expect(check?.value).toEqual({ count: 8 });
    await check?.release();
    // Never two holders at once: every "in" is followed by its own "out".
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]?.replace('in', 'out'));
  });

  it('a live claim of another replica is waited for at most maxWaitMs; an expired one is taken over', async () => {
    n++;
    const dead = storeFor('replica-dead', { claimSeconds: 30 });
    const held = await dead.claim('k');
    await held.commit({ count: 1 });
    await dead.claim('k'); // dies holding it: never committed nor released
    const impatient = storeFor('replica-b', { maxWaitMs: 300 });
    await expect(impatient.claim('k')).rejects.toBeInstanceOf(ClaimTimeoutError);
    // 31 s later the claim has expired: taken over, with the committed value intact.
    const later = storeFor('replica-b', { clock: () => Date.now() + 31_000 });
    const taken = await later.claim('k');
    expect(taken.value).toEqual({ count: 1 });
    await taken.release();
  });

  it('release leaves the value and frees the key; a claim that created its Lease deletes it on release', async () => {
    n++;
    const store = storeFor('replica-a');
    const created = await store.claim('fresh');
    expect(leasesOf(`t${n}`)).toHaveLength(1);
    await created.release();
    expect(leasesOf(`t${n}`)).toHaveLength(0);
    await (await store.claim('kept')).commit({ count: 2 });
    const again = await storeFor('replica-b').claim('kept');
    await again.release();
    const third = await storeFor('replica-c', { maxWaitMs: 200 }).claim('kept');
    expect(third.value).toEqual({ count: 2 });
    await third.release();
  });

  it('values expire after ttlMs; collectGarbage deletes expired, unheld Leases only', async () => {
    n++;
    const store = storeFor('replica-a', { ttlMs: 1000 });
    for (const key of ['x', 'y', 'z']) await (await store.claim(key)).commit({ count: 1 });
    const held = await storeFor('replica-b').claim('w'); // held, no value
    const future = storeFor('replica-c', { ttlMs: 1000, clock: () => Date.now() + 5000 });
    const expired = await future.claim('x');
    expect(expired.value).toBeUndefined();
    await expired.release();
    expect(await storeFor('replica-d').collectGarbage()).toBe(0); // nothing expired yet
    expect(await future.collectGarbage()).toBe(3); // x, y, z; w is held by replica-b for 30 s
    expect(leasesOf(`t${n}`)).toHaveLength(1);
    await held.release();
  });

  it('values too large for an annotation stay in this replica, counted as degraded', async () => {
    n++;
    const degraded: string[] = [];
    const store = createLeaseStore<string>({
      api: client.api,
      namespace: 'crashtriage',
      store: `t${n}`,
      holder: 'a',
      ttlMs: 60_000,
      maxValueBytes: 100,
      onDegraded: (_s, reason) => degraded.push(reason),
    });
    await (await store.claim('big')).commit('x'.repeat(200));
    expect(degraded[0]).toMatch(/larger than 100/);
    expect(leasesOf(`t${n}`)).toHaveLength(0);
    expect((await store.claim('big')).value).toBe('x'.repeat(200));
  });

  it('the API unreachable or forbidding: the claim is served from memory and counted, never lost', async () => {
    n++;
    const degraded: string[] = [];
    const store = storeFor('replica-a', { onDegraded: (s, reason) => degraded.push(`${s}: ${reason}`) });
    api.failNext(/leases/, 503);
    const held = await store.claim('k');
    expect(held.value).toBeUndefined();
    await held.commit({ count: 1 });
    expect(degraded).toEqual([`t${n}: HTTP 503: `].map((s) => expect.stringContaining(s)));
    // The API is back: the Lease has no value, this replica's memory has the newer word.
    const back = await store.claim('k');
    expect(back.value).toEqual({ count: 1 });
    await back.commit({ count: 2 });
    expect(degraded).toHaveLength(1);
    const other = await storeFor('replica-b').claim('k');
    expect(other.value).toEqual({ count: 2 });
    await other.release();
    const strict = await startFakeKubeApi({ forbidden: ['leases'] });
    const strictClient = createLeaseClient({ kubeconfigPath: strict.kubeconfigPath, timeoutMs: 2000 });
    try {
      const refused = createLeaseStore({
        api: strictClient.api,
        namespace: 'crashtriage',
        store: 'x',
        holder: 'a',
        ttlMs: 60_000,
        onDegraded: (_s, r) => degraded.push(r),
      });
      await (await refused.claim('k')).commit('sent');
      expect(degraded[1]).toMatch(/^HTTP 403: .*forbidden/);
      expect((await refused.claim('k')).value).toBe('sent');
    } finally {
      await strictClient.close();
      await strict.close();
    }
  });

  it('the delivery ledger over Leases: a second replica reads what the first recorded', async () => {
    n++;
    const key = {
      sink: 'slack',
      groupKey: '{}:{alertname="KubePodCrashLooping"}',
      fingerprint: 'abc',
      status: 'firing' as const,
      startsAt: '2026-11-30T12:00:00Z',
    };
    const a = ledgerOver(createLeaseStore({ api: client.api, namespace: 'crashtriage', store: `t${n}`, holder: 'a', ttlMs: 60_000 }));
    const b = ledgerOver(createLeaseStore({ api: client.api, namespace: 'crashtriage', store: `t${n}`, holder: 'b', ttlMs: 60_000 }));
    const first = await a.claim(key);
    const waiting = b.claim(key);
    await new Promise((r) => setTimeout(r, 100));
    await first.record('sent');
    const second = await waiting;
    expect(second.outcome).toBe('sent');
    await second.release();
  });

  it('the fake API answers races as the API server does: AlreadyExists and Conflict, 409 with Status bodies', async () => {
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'race', namespace: 'crashtriage' }, spec: {} };
    const created = await client.api.createNamespacedLease({ namespace: 'crashtriage', body });
    const exists = await client.api.createNamespacedLease({ namespace: 'crashtriage', body }).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(KubeReadError);
    expect(exists).toMatchObject({ status: 409, reason: 'AlreadyExists' });
    await client.api.replaceNamespacedLease({ name: 'race', namespace: 'crashtriage', body: created });
    const stale = await client.api.replaceNamespacedLease({ name: 'race', namespace: 'crashtriage', body: created }).catch((e: unknown) => e);
    expect(stale).toMatchObject({ status: 409, reason: 'Conflict', message: expect.stringMatching(/the object has been modified/) });
    await client.api.deleteNamespacedLease({ name: 'race', namespace: 'crashtriage' });
  });

  it('namespace and holder: STATE_NAMESPACE, else the service account file; POD_NAME, else hostname and pid', () => {
    const noFile = (): string => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    const errors: string[] = [];
    expect(stateFromEnv({}, noFile, errors)).toMatchObject({ store: 'memory' });
    expect(stateFromEnv({ STATE_STORE: 'kubernetes', STATE_NAMESPACE: 'ops' }, noFile, errors)).toMatchObject({ store: 'kubernetes', namespace: 'ops' });
    expect(stateFromEnv({ STATE_STORE: 'kubernetes' }, () => 'monitoring\n', errors)).toMatchObject({ namespace: 'monitoring' });
    expect(errors).toEqual([]);
    stateFromEnv({ STATE_STORE: 'kubernetes' }, noFile, errors);
    stateFromEnv({ STATE_STORE: 'redis' }, noFile, errors);
    expect(errors).toEqual([expect.stringMatching(/set STATE_NAMESPACE/), 'STATE_STORE: "redis" is not one of memory, kubernetes']);
    expect(holderIdentity({ POD_NAME: 'crashtriage-7d9f-abcde' })).toBe('crashtriage-7d9f-abcde');
    expect(holderIdentity({})).toMatch(new RegExp(`-${process.pid}$`));
  });
});

describe('the shared state of a replica (STATE_STORE=kubernetes)', () => {
  it('builds the stores over Leases: ledger, Slack memory, pipeline state; counts the degraded mode; collects expired Leases', async () => {
    const loaded = loadConfig({
      ALLOW_UNAUTHENTICATED: 'true',
      KUBECONFIG: api.kubeconfigPath,
      STATE_STORE: 'kubernetes',
      STATE_NAMESPACE: 'shared',
      POD_NAME: 'crashtriage-0',
    });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const metrics = createMetrics({ defaultMetrics: false });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const shared = createSharedState(loaded.config, logger, metrics);
    if (shared === undefined) throw new Error('no shared state');
    try {
      const key = { sink: 'mail', groupKey: 'g', fingerprint: 'f', status: 'firing' as const, startsAt: '2026-11-30T12:00:00Z' };
      await (await shared.ledger.claim(key)).record('sent');
      const posts = shared.sinkMemory('slack')<{ ts: string }>('slack-posts', { clock: Date.now, ttlMs: 7 * 24 * 3600_000, maxEntries: 10 });
      await posts.set('fp\nstart', { ts: '1700000000.000100' });
      expect(await posts.get('fp\nstart')).toEqual({ ts: '1700000000.000100' });
      await (await shared.podAlerts.claim('prod/web-1')).release();
      const inShared = [...api.leases.values()].filter((l) => (l['metadata'] as { namespace: string }).namespace === 'shared');
      expect(inShared.map((l) => (l['metadata'] as { labels: Record<string, string> }).labels['crashtriage.io/store']).sort()).toEqual([
        'ledger',
        'slack-posts',
      ]);
      expect(await shared.collectGarbage()).toBe(0); // nothing expired
      api.failNext(/namespaces\/shared\/leases/, 503);
      await (await shared.storms.claim('default')).release();
      expect(await metrics.registry.getSingleMetricAsString('crashtriage_state_store_degraded_total')).toMatch(/store="storms"} 1/);
      expect(lines.join('')).toMatch(/served from this replica's memory/);
    } finally {
      await shared.close();
    }
    const memory = loadConfig({ ALLOW_UNAUTHENTICATED: 'true' });
    expect(memory.ok && createSharedState(memory.config, logger, metrics)).toBeUndefined();
  });
});

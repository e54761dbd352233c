/**
 * Leases (coordination.k8s.io/v1) in the fake API server, answered as the API server answers them
 * (k8s.io/apiserver pkg/registry/generic/registry/store.go, k8s.io/apimachinery pkg/api/errors):
 *
 * - POST …/leases: 201 with a new `metadata.resourceVersion`; 409 `AlreadyExists` when the name is taken.
 * - PUT …/leases/{name}: 404 when absent; 409 `Conflict` ("the object has been modified") when the
 *   body's `resourceVersion` is not the stored one (an empty one is an unconditional update, which
 *   the Lease strategy allows); 400 when `renewTime`/`acquireTime` are not MicroTime
 *   (RFC 3339 with 6 fractional digits), 422 when the name is not a DNS-1123 subdomain or the
 *   annotations pass 256 KiB.
 * - DELETE …/leases/{name}: `preconditions.resourceVersion` checked (409 "Precondition failed").
 * - GET list: `labelSelector`, `limit` and `continue` (an opaque token).
 */
import type { IncomingMessage } from 'node:http';
import { matchesLabels } from './kube-fixtures-objects.ts';
import { type StatusBody, statusBodies } from './kube-fixtures-status.ts';

type Raw = Record<string, unknown>;
interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  creationTimestamp?: string;
}

export const LEASES_PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;
const GROUP = 'coordination.k8s.io';
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;
const MAX_ANNOTATION_BYTES = 256 * 1024;

export interface LeaseTable {
  /** namespace/name → the stored Lease (wire JSON). */
  readonly leases: Map<string, Raw>;
  revision: number;
}

export function createLeaseTable(): LeaseTable {
  return { leases: new Map(), revision: 1000 };
}

const status = (code: number, reason: string, message: string, name?: string): StatusBody => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details: { ...(name === undefined ? {} : { name }), kind: 'leases' },
  code,
});

const conflict = (name: string, why: string): StatusBody => ({
  ...status(409, 'Conflict', `Operation cannot be fulfilled on leases.${GROUP} "${name}": ${why}`, name),
  details: { name, kind: 'leases' },
});

async function readJson(req: IncomingMessage): Promise<Raw | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Raw) : undefined;
  } catch {
    return undefined;
  }
}

const meta = (obj: Raw): Meta => (obj['metadata'] ?? {}) as Meta;

/** What a create or update body is refused for, as the API server's validation says it. */
function invalid(body: Raw, name: string): StatusBody | undefined {
  const spec = (body['spec'] ?? {}) as Record<string, unknown>;
  for (const field of ['renewTime', 'acquireTime']) {
    const value = spec[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      return statusBodies.badRequest(`Lease in version "v1" cannot be handled as a Lease: parsing time "${String(value)}" as MicroTime`);
    }
  }
  if (!DNS_1123_SUBDOMAIN.test(name) || name.length > 253) {
    return status(
      422,
      'Invalid',
      `Lease.${GROUP} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      name,
    );
  }
  const annotations = meta(body).annotations ?? {};
  const bytes = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > MAX_ANNOTATION_BYTES) {
    return status(422, 'Invalid', `Lease.${GROUP} "${name}" is invalid: metadata.annotations: Too long: must have at most 262144 bytes`, name);
  }
  return undefined;
}

/** Answers one Lease request; `send` writes the JSON answer. */
export async function handleLeases(
  table: LeaseTable,
  req: IncomingMessage,
  url: URL,
  match: RegExpExecArray,
  forbidden: (verb: string, namespace: string, name?: string) => StatusBody | undefined,
  send: (status: number, body: unknown) => void,
): Promise<void> {
  const namespace = match[1] ?? '';
  const name = match[2];
  const method = req.method ?? 'GET';
  const verb = method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'DELETE' ? 'delete' : name === undefined ? 'list' : 'get';
  const denied = forbidden(verb, namespace, name);
  if (denied !== undefined) return send(403, denied);
  const id = (n: string): string => `${namespace}/${n}`;
  const notFound = (n: string): void => send(404, { ...status(404, 'NotFound', `leases.${GROUP} "${n}" not found`, n) });
  const stamp = (lease: Raw): Raw => {
    table.revision++;
    return { ...lease, metadata: { ...meta(lease), resourceVersion: String(table.revision) } };
  };

  if (name === undefined && method === 'GET') {
    const selector = url.searchParams.get('labelSelector') ?? '';
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const after = url.searchParams.get('continue');
    const from = after === null || after === '' ? '' : Buffer.from(after, 'base64url').toString('utf8');
    const all = [...table.leases.values()]
      .filter((l) => meta(l).namespace === namespace && matchesLabels(meta(l).labels ?? {}, selector))
      .sort((a, b) => (meta(a).name ?? '').localeCompare(meta(b).name ?? ''))
      .filter((l) => (meta(l).name ?? '') > from);
    const items = limit > 0 ? all.slice(0, limit) : all;
    const more = limit > 0 && all.length > limit;
    const last = meta(items[items.length - 1] ?? {}).name ?? '';
    return send(200, {
      kind: 'LeaseList',
      apiVersion: `${GROUP}/v1`,
      metadata: { resourceVersion: String(table.revision), ...(more ? { continue: Buffer.from(last).toString('base64url') } : {}) },
      items,
    });
  }
  if (name === undefined && method === 'POST') {
    const body = await readJson(req);
    if (body === undefined) return send(400, statusBodies.badRequest('the body of the request was in an unknown format'));
    const newName = meta(body).name ?? '';
    const refused = invalid(body, newName);
    if (refused !== undefined) return send(refused.code, refused);
    if (table.leases.has(id(newName))) {
      return send(409, status(409, 'AlreadyExists', `leases.${GROUP} "${newName}" already exists`, newName));
    }
    const created = stamp({
      ...body,
      apiVersion: `${GROUP}/v1`,
      kind: 'Lease',
      metadata: { ...meta(body), namespace, uid: crypto.randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    });
    table.leases.set(id(newName), created);
    return send(201, created);
  }
  if (name === undefined) return send(405, statusBodies.generic(405, 'the server does not allow this method on the requested resource'));

  const stored = table.leases.get(id(name));
  if (method === 'GET') return stored === undefined ? notFound(name) : send(200, stored);
  if (method === 'PUT') {
    const body = await readJson(req);
    if (body === undefined) return send(400, statusBodies.badRequest('the body of the request was in an unknown format'));
    if (meta(body).name !== name) return send(400, statusBodies.badRequest('the name of the object does not match the name on the URL'));
    const refused = invalid(body, name);
    if (refused !== undefined) return send(refused.code, refused);
    if (stored === undefined) return notFound(name);
    const wanted = meta(body).resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== meta(stored).resourceVersion) {
      return send(409, conflict(name, 'the object has been modified; please apply your changes to the latest version and try again'));
    }
    const keep = meta(stored);
    const updated = stamp({
      ...body,
      apiVersion: `${GROUP}/v1`,
      kind: 'Lease',
      metadata: { ...meta(body), namespace, uid: keep.uid, creationTimestamp: keep.creationTimestamp },
    });
    table.leases.set(id(name), updated);
    return send(200, updated);
  }
  if (method === 'DELETE') {
    const body = (await readJson(req)) ?? {};
    if (stored === undefined) return notFound(name);
    const wanted = ((body['preconditions'] ?? {}) as { resourceVersion?: string }).resourceVersion;
    const actual = meta(stored).resourceVersion;
    if (wanted !== undefined && wanted !== actual) {
      return send(409, conflict(name, `Precondition failed: ResourceVersion in precondition: ${wanted}, ResourceVersion in object meta: ${actual}`));
    }
    table.leases.delete(id(name));
    return send(200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: GROUP, kind: 'leases', uid: meta(stored).uid },
    });
  }
  return send(405, statusBodies.generic(405, 'the server does not allow this method on the requested resource'));
}

/**
 * A crash whose message quotes the Kubernetes API's 403 for a URL (an HTTP client's error, not
 * kube-apiserver's "User … cannot list …" sentence, which log-matchers-access.ts reads): the URL's path
 * names the resource and namespace, the pod's service account is the user. Seen as a Rust `expect()`
 * on kube's `Error(Status(403), "https://10.0.0.1/apis/core.hydra.io/v1alpha1/namespaces/default/components?")`
 * (oam-dev/rudr#50) and as aiohttp's `ClientResponseError: 403, message='Forbidden',
 * url=URL('https://10.32.0.1:443/apis/clustersecret.io/v1/clustersecrets')` (zakkg3/ClusterSecret#2).
 */
import type { Clues } from '../clues.ts';
import type { ForbiddenAccess } from '../log-signature-types.ts';

/** Core resources a `/api/v1/…` path may name: other REST APIs use `/api/v1` too. */
const CORE = new Set([
  'pods',
  'services',
  'endpoints',
  'configmaps',
  'secrets',
  'namespaces',
  'nodes',
  'events',
  'serviceaccounts',
  'persistentvolumeclaims',
  'persistentvolumes',
  'replicationcontrollers',
  'resourcequotas',
  'limitranges',
]);

const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/** What the 403 refused, read from the URL's path: a collection is a list (what an informer or reflector starts with), a named object a get. */
export function forbiddenInCrash(clues: Clues, text: string): ForbiddenAccess | undefined {
  if (!/\b403\b/.test(text)) return undefined;
  const path = /https?:\/\/[^/\s"')]+(\/apis?\/[^\s"'?)]*)/.exec(text)?.[1];
  if (path === undefined) return undefined;
  const parts = path.split('/').filter((p) => p !== '');
  const core = parts[0] === 'api';
  const [group, version] = core ? ['', parts[1]] : [parts[1] ?? '', parts[2]];
  if (version === undefined || !VERSION.test(version) || (!core && !group.includes('.'))) return undefined;
  const rest = parts.slice(core ? 2 : 3);
  const scoped = rest[0] === 'namespaces' && rest.length >= 3;
  const [resource, name] = scoped ? [rest[2], rest[3]] : [rest[0], rest[1]];
  if (resource === undefined || (core && !CORE.has(resource))) return undefined;
  const account = clues.pod?.serviceAccountName ?? 'default';
  return {
    user: `system:serviceaccount:${clues.namespace}:${account}`,
    verb: name === undefined ? 'list' : 'get',
    resource,
    group,
    ...(scoped && rest[1] !== undefined ? { namespace: rest[1] } : {}),
  };
}

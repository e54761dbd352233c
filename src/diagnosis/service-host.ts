/** How a host name reads as a Service (pure, no imports: remedies and the Service lookup share it). */

/**
 * The Service a host names: `db` or `db.other-ns.svc(.cluster.local)`; `db.other-ns` cannot be told
 * from an outside host (`db-primary.internal`) or a StatefulSet pod behind its headless Service
 * (`mongo-1.mongo`). Shared by the dependency's and the init container's remedies.
 */
export function serviceOfHost(host: string, namespace: string): { name: string; namespace: string; explicit: boolean } | undefined {
  const svc = /^([a-z0-9-]+)(?:\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?\.?)?$/.exec(host.toLowerCase());
  if (svc?.[1] === undefined) return undefined;
  return { name: svc[1], namespace: svc[2] ?? namespace, explicit: svc[2] !== undefined };
}

/**
 * API discovery as a v1.32 API server answers it (/api, /apis, /api/v1, /apis/{group}/{version}):
 * the resource types the product's commands may name, so that kubectl resolves resource types, short
 * names and flags against the test servers (kubectl.ts, fake-kube-api.ts) the way it does against a
 * cluster, and refuses unknown ones.
 */
interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  singularName?: string;
}

const r = (name: string, kind: string, namespaced: boolean, shortNames?: string[]): Resource => ({
  name,
  kind,
  namespaced,
  singularName: kind.toLowerCase(),
  ...(shortNames === undefined ? {} : { shortNames }),
});

/** The resource types our commands may name, as a v1.32 API server lists them. */
export const SERVED_GROUPS: Record<string, Resource[]> = {
  v1: [
    r('pods', 'Pod', true, ['po']),
    r('pods/log', 'Pod', true),
    r('pods/exec', 'PodExecOptions', true),
    r('pods/attach', 'PodAttachOptions', true),
    r('pods/portforward', 'PodPortForwardOptions', true),
    r('pods/ephemeralcontainers', 'Pod', true),
    r('events', 'Event', true, ['ev']),
    r('nodes', 'Node', false, ['no']),
    r('namespaces', 'Namespace', false, ['ns']),
    r('services', 'Service', true, ['svc']),
    r('endpoints', 'Endpoints', true, ['ep']),
    r('configmaps', 'ConfigMap', true, ['cm']),
    r('secrets', 'Secret', true),
    r('serviceaccounts', 'ServiceAccount', true, ['sa']),
    r('persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']),
    r('persistentvolumes', 'PersistentVolume', false, ['pv']),
    r('resourcequotas', 'ResourceQuota', true, ['quota']),
    r('limitranges', 'LimitRange', true, ['limits']),
  ],
  'apps/v1': [
    r('deployments', 'Deployment', true, ['deploy']),
    r('statefulsets', 'StatefulSet', true, ['sts']),
    r('daemonsets', 'DaemonSet', true, ['ds']),
    r('replicasets', 'ReplicaSet', true, ['rs']),
    r('controllerrevisions', 'ControllerRevision', true),
  ],
  'batch/v1': [r('jobs', 'Job', true), r('cronjobs', 'CronJob', true, ['cj'])],
  'policy/v1': [r('poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'])],
  'discovery.k8s.io/v1': [r('endpointslices', 'EndpointSlice', true)],
  'storage.k8s.io/v1': [r('storageclasses', 'StorageClass', false, ['sc']), r('volumeattachments', 'VolumeAttachment', false)],
  'rbac.authorization.k8s.io/v1': [
    r('roles', 'Role', true),
    r('rolebindings', 'RoleBinding', true),
    r('clusterroles', 'ClusterRole', false),
    r('clusterrolebindings', 'ClusterRoleBinding', false),
  ],
  'authorization.k8s.io/v1': [r('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false), r('selfsubjectrulesreviews', 'SelfSubjectRulesReview', true)],
  'metrics.k8s.io/v1beta1': [r('pods', 'PodMetrics', true), r('nodes', 'NodeMetrics', false)],
};

export function resourceList(groupVersion: string): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: (SERVED_GROUPS[groupVersion] ?? []).map((res) => ({
      ...res,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

export function groupList(): unknown {
  const groups = Object.keys(SERVED_GROUPS)
    .filter((gv) => gv.includes('/'))
    .map((gv) => {
      const [name = '', version = ''] = gv.split('/');
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** The discovery answer for `path`, or undefined when it is not a discovery path. */
export function discoveryAnswer(path: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') return groupList();
  if (path === '/api/v1') return resourceList('v1');
  const group = /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
  return group?.[1] !== undefined && SERVED_GROUPS[group[1]] !== undefined ? resourceList(group[1]) : undefined;
}

/**
 * What the evidence holds about the cluster around the pod (types only): the node it runs on, the
 * node labels it must match, the Services a host it cannot resolve may mean, and the claims and
 * StorageClasses behind a claim the scheduler says is unbound. Each is read only
 * for the alerts it may explain (src/kube/gather-evidence.ts), so each is optional in `Evidence`.
 */

/**
 * One requirement of a required node affinity term, as the API writes it: `key` `operator` `values`
 * (In, NotIn, Exists, DoesNotExist, Gt, Lt); `field` for a matchFields requirement (on `metadata.name`,
 * not a label).
 */
export interface NodeRequirement {
  key: string;
  operator: string;
  values: string[];
  field?: true;
}

/** The node the pod runs on, read only when a kill or an eviction may come from the node. */
export interface NodeFacts {
  name: string;
  /** Every condition as the node reports it (Ready, MemoryPressure, DiskPressure, PIDPressure, …). */
  conditions: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  /** `node.kubernetes.io/…` taints and others, as `key=value:Effect`. */
  taints: string[];
  unschedulable: boolean;
  allocatable: { cpu?: string; memory?: string; pods?: string };
}

/** A Service as the lookup read it: where it lives and what it answers on. */
export interface ServiceFacts {
  name: string;
  namespace: string;
  /** ClusterIP, NodePort, LoadBalancer or ExternalName. */
  type: string;
  /** `None` for a headless Service. */
  clusterIP?: string;
  ports: number[];
}

/**
 * What the app asks for by a name that does not resolve, and the Services that answer to it: read
 * only when the log names such a host (src/diagnosis/service-query.ts decides), one list call.
 * `name`: Services of that name in every namespace (`fieldSelector=metadata.name=…`); `cluster-dns`:
 * the cluster's DNS Service in kube-system (label `k8s-app=kube-dns`, which CoreDNS and kube-dns
 * Services carry whatever their name).
 */
export interface ServiceLookup {
  query: ServiceQuery;
  found: ServiceFacts[];
}

export type ServiceQuery =
  | {
      kind: 'name';
      /** The Service name and the namespace the app looked in (its own, unless the host names one). */
      name: string;
      namespace: string;
      /** The host as the log names it, e.g. `redis-master` or `bookwarehouse.sim-run.svc.cluster.local`. */
      host: string;
    }
  | { kind: 'cluster-dns'; host: string };

/** A PersistentVolumeClaim the pod mounts, as read when the scheduler says one is unbound. */
export interface ClaimFacts {
  name: string;
  /** The API answered 404: the claim does not exist. */
  missing?: true;
  /** Pending, Bound or Lost. */
  phase?: string;
  /**
   * Unset: the default StorageClass applies (given at creation, and since Kubernetes 1.28 also to a
   * claim made before a default existed); `''`: no class, only a PersistentVolume made for it binds it.
   */
  storageClassName?: string;
  /**
   * The class is named by the annotation `volume.beta.kubernetes.io/storage-class` (older charts), which
   * the volume controller and the default-class admission read before spec.storageClassName.
   */
  classAnnotated?: true;
}

export interface StorageClassFacts {
  name: string;
  provisioner: string;
  /** Annotated `storageclass.kubernetes.io/is-default-class: "true"`. */
  isDefault: boolean;
}

/**
 * Why a claim stays unbound: the pod's claims and the cluster's StorageClasses, read only when the
 * scheduler says the pod has an unbound claim (src/diagnosis/claim-query.ts decides). `classes` is
 * absent when the list could not be read.
 */
export interface StorageFacts {
  claims: ClaimFacts[];
  classes?: StorageClassFacts[];
}

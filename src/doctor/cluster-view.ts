/**
 * What `crashtriage doctor` reads from the cluster, as plain data: the prometheus-operator objects
 * that decide whether crashtriage's alerts fire and reach it, crashtriage's Deployment and Service,
 * and the namespaces the selectors look at. Each read either has a value or says why it has none,
 * so that a missing permission is one finding among others, not a failure of the whole check.
 * Only the fields the checks read are typed.
 */
import type { LabelSelector } from './label-selector.ts';

export type Read<T> = { ok: true; value: T } | { ok: false; why: ReadFailure };

export interface ReadFailure {
  /** forbidden: RBAC said no; not-served: the API has no such resource (CRD not installed); not-found: no such object. */
  kind: 'forbidden' | 'not-served' | 'not-found' | 'error';
  /** The API server's message, or the client's. */
  message: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface PrometheusObject {
  metadata: ObjectMeta;
  spec?: {
    ruleSelector?: LabelSelector | null;
    ruleNamespaceSelector?: LabelSelector | null;
    serviceMonitorSelector?: LabelSelector | null;
    serviceMonitorNamespaceSelector?: LabelSelector | null;
    enforcedNamespaceLabel?: string;
    excludedFromEnforcement?: Array<{ group?: string; resource?: string; namespace?: string; name?: string }>;
  };
}

export interface AlertmanagerObject {
  metadata: ObjectMeta;
  spec?: {
    alertmanagerConfigSelector?: LabelSelector | null;
    alertmanagerConfigNamespaceSelector?: LabelSelector | null;
    alertmanagerConfigMatcherStrategy?: { type?: string };
  };
}

export interface AlertmanagerConfigObject {
  metadata: ObjectMeta;
  spec?: {
    receivers?: Array<{
      name: string;
      webhookConfigs?: Array<{ url?: string; httpConfig?: { authorization?: { credentials?: { name?: string; key?: string } } } }>;
    }>;
  };
}

export interface LabelledObject {
  metadata: ObjectMeta;
}

export interface ServiceObject {
  metadata: ObjectMeta;
  spec?: { ports?: Array<{ name?: string; port: number }> };
}

export interface DeploymentObject {
  metadata: ObjectMeta;
  spec?: {
    template?: {
      spec?: {
        containers?: Array<{
          envFrom?: Array<{ secretRef?: { name?: string } }>;
          env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name?: string } } }>;
        }>;
        volumes?: Array<{ name: string; secret?: { secretName?: string } }>;
      };
    };
  };
  status?: { readyReplicas?: number; replicas?: number };
}

export interface ClusterView {
  /** crashtriage's namespace (its Deployment, Service, rules and ServiceMonitor). */
  namespace: string;
  prometheuses: Read<PrometheusObject[]>;
  alertmanagers: Read<AlertmanagerObject[]>;
  /** crashtriage's, found by the label app.kubernetes.io/name=crashtriage in every namespace. */
  alertmanagerConfigs: Read<AlertmanagerConfigObject[]>;
  prometheusRules: Read<LabelledObject[]>;
  serviceMonitors: Read<LabelledObject[]>;
  deployment: Read<DeploymentObject>;
  service: Read<ServiceObject>;
  /** The labels of the namespaces the namespace selectors are asked about. */
  namespaceLabels: ReadonlyMap<string, Read<Record<string, string>>>;
}

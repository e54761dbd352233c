/**
 * The alert names crashtriage knows: one list for the Slack silence's matchers and the metrics' label
 * values, so that a new rule in alerts/ is added in one place.
 */

/** The alerts a crash loop fires (alerts/crashtriage-rules.yaml, and kubernetes-mixin's apps alerts). */
export const CRASH_LOOP_ALERTNAMES = [
  'CrashtriageContainerConfigError',
  'CrashtriageContainerCrashLooping',
  'CrashtriageContainerCreateError',
  'CrashtriageContainerExitedWithError',
  'CrashtriageContainerOOMKilled',
  'CrashtriageContainerRestarting',
  'CrashtriageContainerRestartingFast',
  'CrashtriageImagePullBackOff',
  'CrashtriageInvalidImageName',
  'KubePodCrashLooping',
  'KubePodNotReady',
  'KubeContainerWaiting',
] as const;

/** crashtriage's self-monitoring alerts (alerts/) and the kubernetes-mixin workload alerts users route to it. */
export const OTHER_ROUTED_ALERTNAMES = [
  'CrashtriageDeliveryRefused',
  'CrashtriageDeliveryRetrying',
  'CrashtriageDown',
  'CrashtriageKubeApiErrors',
  'CrashtriageKubeApiForbidden',
  'CrashtriageWebhookUnauthorized',
  'KubeJobFailed',
  'KubeJobNotCompleted',
  'KubeDeploymentReplicasMismatch',
  'KubeDeploymentRolloutStuck',
  'KubeStatefulSetReplicasMismatch',
  'KubeDaemonSetRolloutStuck',
  'KubeDaemonSetMisScheduled',
] as const;

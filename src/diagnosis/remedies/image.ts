/** Image pull remedies: the tag, the registry credentials, the registry's reachability
 * (the waiting reasons of https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/images/types.go). */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import type { ImageProblem } from '../kube-messages.ts';
import { shq } from '../shell.ts';
import { repositoryOf } from './image-ref.ts';
import { readableNode } from './node.ts';
import { setFirst } from './user-values.ts';
import { ns, patchContainer, rollback, type Workload } from './workload.ts';

function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** The image with its repository path in lower case, when it had upper case there (the tag may keep its case). */
function lowercased(image: string): string | undefined {
  const repo = repositoryOf(image);
  const rest = image.slice(repo.length);
  // A registry host is case-insensitive; only the path is refused, but lower case is valid for both.
  return repo === repo.toLowerCase() ? undefined : `${repo.toLowerCase()}${rest}`;
}

export function imageRemedies(clues: Clues, w: Workload, problem: ImageProblem, image: string): Remedy[] {
  const registry = registryOf(image);
  const node = readableNode(clues);
  const setImage = w.patchable && !w.init ? `kubectl set image ${w.ref} ${ns(w)} ${shq(`${w.container}=${repositoryOf(image)}:`)}"$TAG"` : undefined;
  const back = rollback(w);
  const undo: Remedy[] = back.length === 0 ? [] : [{ kind: 'remedy', title: 'Or go back to the image of the previous revision', commands: back }];
  switch (problem) {
    case 'not-found':
    case 'invalid-name': {
      const check: Remedy = {
        kind: 'diagnostic',
        title: `Check that ${image} exists (tag spelled right, pushed for this platform)`,
        commands: [`docker manifest inspect ${shq(image)}`],
      };
      const fixed = lowercased(image);
      if (problem === 'invalid-name' && fixed !== undefined && w.patchable && !w.init)
        // The runtime refuses upper case in a repository name (distribution/reference): the same name in lower case.
        return [
          {
            kind: 'remedy',
            title: `Use the repository name in lower case: ${fixed}`,
            commands: [`kubectl set image ${w.ref} ${ns(w)} ${shq(`${w.container}=${fixed}`)}`],
          },
          { ...check, title: `Check that ${fixed} exists`, commands: [`docker manifest inspect ${shq(fixed)}`] },
          ...undo,
        ];
      return [
        ...(setImage === undefined
          ? []
          : [
              {
                kind: 'remedy' as const,
                title: `Point the workload at a tag of ${repositoryOf(image)} that exists`,
                commands: [`read -r -p 'a tag that exists: ' TAG`, setImage],
              },
            ]),
        ...undo,
        check,
      ];
    }
    case 'auth':
      return [
        {
          kind: 'remedy',
          title: `Give the pod credentials for ${registry}`,
          commands: [
            setFirst(['REGISTRY_USER', 'REGISTRY_PASSWORD'], `your ${registry} credentials`),
            `kubectl create secret docker-registry regcred ${ns(w)} --docker-server=${shq(registry)} --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASSWORD"`,
            ...patchContainer(w, {}, { imagePullSecrets: [{ name: 'regcred' }] }),
          ],
        },
      ];
    case 'unreachable':
      return [
        {
          kind: 'diagnostic',
          title: `The node cannot reach ${registry}: check DNS, proxy and egress from the node`,
          commands:
            node === undefined
              ? [`kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)}`]
              : [`kubectl debug node/${shq(node)} -i --image=busybox:1.36 -- nslookup ${shq(registry)}`],
        },
      ];
    case 'rate-limit':
      return [
        {
          kind: 'remedy',
          title: `${registry} is rate-limiting: authenticate pulls or use a mirror`,
          commands: [
            setFirst(['REGISTRY_USER', 'REGISTRY_PASSWORD'], `your ${registry} credentials`),
            `kubectl create secret docker-registry regcred ${ns(w)} --docker-server=${shq(registry)} --docker-username="$REGISTRY_USER" --docker-password="$REGISTRY_PASSWORD"`,
            ...patchContainer(w, {}, { imagePullSecrets: [{ name: 'regcred' }] }),
          ],
        },
      ];
    case 'never-pull':
      return [
        {
          kind: 'remedy',
          title: 'imagePullPolicy is Never: load the image on the node, or let the kubelet pull it',
          commands: patchContainer(w, { imagePullPolicy: 'IfNotPresent' }),
        },
      ];
    case 'other':
      return [
        {
          kind: 'diagnostic',
          title: 'Read the pull error in the events',
          commands: [`kubectl get events ${ns(w)} --field-selector involvedObject.name=${shq(clues.podName)}`],
        },
        ...undo,
      ];
    /* v8 ignore start -- exhaustive: unreachable while the union is covered */
    default: {
      const never: never = problem;
      return never;
    }
    /* v8 ignore stop */
  }
}

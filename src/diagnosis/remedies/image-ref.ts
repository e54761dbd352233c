/**
 * The repository of an image reference, for commands that keep it and set another tag. The grammar is
 * distribution's reference (https://github.com/distribution/reference/blob/main/reference.go):
 * `[registry[:port]/]path[:tag][@digest]`; a digest's own `sha256:` must not be taken for a tag.
 */

/** `registry.io/team/app:1.2@sha256:…` → `registry.io/team/app` (a registry's port stays). */
export function repositoryOf(image: string): string {
  return image.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
}

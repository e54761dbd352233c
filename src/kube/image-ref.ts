/**
 * Splits a container image reference into tag and digest the way the container runtime reads it
 * (distribution/reference): the tag is after the last `:` of the last path segment, so a registry
 * port (`host:5000/app`) is not a tag; no tag and no digest means the runtime pulls `latest`.
 */
export interface ImageRef {
  /** The tag; `latest` when the reference names neither tag nor digest. */
  tag?: string;
  /** `sha256:…` when pinned by digest. */
  digest?: string;
}

export function parseImageRef(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
  const ref: ImageRef = {};
  if (tag !== undefined && tag !== '') ref.tag = tag;
  else if (digest === undefined) ref.tag = 'latest';
  if (digest !== undefined && digest !== '') ref.digest = digest;
  return ref;
}

/**
 * Bearer-token check for POST /alerts (Alertmanager's `http_config.authorization`).
 * Both sides are hashed first so the comparison takes the same time whatever the length or content.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function makeTokenCheck(expected: string): (authorization: string | undefined) => boolean {
  const expectedDigest = digest(expected);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    // Hash a constant on a malformed header too, so the rejection costs the same.
    const presented = digest(match?.[1] ?? '\u0000');
    return timingSafeEqual(presented, expectedDigest) && match !== null;
  };
}

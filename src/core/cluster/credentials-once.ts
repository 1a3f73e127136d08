/**
 * The cluster's kubeconfigs listed once per run: tls: keep and the cluster read of a v2 attach
 * (namespace, azureml-fe) both need them, and each listing is an ARM POST.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import type { ClusterCredentials } from '../azure/gateway';

export function credentialsOnce(gateway: ClusterCredentials): ClusterCredentials {
  const user = new Map<string, Promise<string | undefined>>();
  const admin = new Map<string, Promise<string | undefined>>();
  const once = (cache: typeof user, cluster: ManagedClusterId, list: () => Promise<string | undefined>) => {
    const key = cluster.id.toLowerCase();
    let listed = cache.get(key);
    if (!listed) {
      // A failed listing is not kept: the next caller asks again and reports its own failure.
      listed = list().catch((error: unknown) => {
        cache.delete(key);
        throw error;
      });
      cache.set(key, listed);
    }
    return listed;
  };
  return {
    getClusterUserKubeconfig: (cluster) => once(user, cluster, () => gateway.getClusterUserKubeconfig(cluster)),
    getClusterAdminKubeconfig: (cluster) => once(admin, cluster, () => gateway.getClusterAdminKubeconfig(cluster)),
  };
}

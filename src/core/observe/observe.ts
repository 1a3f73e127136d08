/** The observe stage: reads what the decision needs from Azure, waiting out another operation first. */
import type { ComputeGateway } from '../azure/gateway';
import { sameResourceId } from '../azure/arm-id';
import type { DesiredState } from '../desired/model';
import { waitUntilSettled } from '../execute/waiting';
import { toObservedCompute } from './from-arm';
import { isTransitional, type ObservedState } from './model';

/** Reads only what the decision needs: the compute, then the workspace and its other computes when attaching. */
export async function observe(
  gateway: ComputeGateway,
  desired: DesiredState,
  execution: Parameters<typeof waitUntilSettled>[0],
): Promise<ObservedState> {
  let resource = await gateway.getCompute();
  const state = resource?.properties?.provisioningState;
  if (resource && state && isTransitional(state)) {
    execution.platform.info(
      `Compute ${desired.target.computeName} is ${state} (another operation is in progress); waiting for it to finish first.`,
    );
    resource = await waitUntilSettled(execution, state);
  }
  const compute = resource ? toObservedCompute(resource) : undefined;
  const want = desired.compute;
  if (!want) return { compute, resource, otherBindings: [] };

  const wantedCluster = want.source.mode === 'attach' ? want.source.cluster.id : undefined;
  const newBinding = wantedCluster !== undefined && !sameResourceId(compute?.clusterId, wantedCluster);
  // The workspace is read only for its region, which a new compute needs unless `location` gives it.
  const needsLocation = !compute && !(want.source.mode === 'create' && want.source.location);
  const [workspaceLocation, others] = await Promise.all([
    needsLocation ? gateway.getWorkspaceLocation() : Promise.resolve(undefined),
    newBinding ? gateway.listComputes() : Promise.resolve([]),
  ]);
  const otherBindings = others
    .filter(
      (c) =>
        c.name?.toLowerCase() !== desired.target.computeName.toLowerCase() &&
        sameResourceId(c.properties?.resourceId ?? undefined, wantedCluster),
    )
    .map((c) => ({ name: c.name ?? '', id: c.id ?? '' }));
  return { compute, resource, otherBindings, workspaceLocation };
}

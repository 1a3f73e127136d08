/**
 * Maps the task's Azure Resource Manager service connection (`azureSubscription`) to the core's
 * AuthSpec and Cloud. Mapping only: which credential to build and how is the core's business.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import type { AuthSpec } from '../core/azure/auth';
import { resolveCloud, type Cloud } from '../core/azure/cloud';
import { InputError, type InputProblem } from '../core/contract/errors';
import type { SecretRedactor } from '../core/contract/secrets';
import { quietly } from './quiet';

export const CONNECTION_INPUT = 'azureSubscription';
export const SUPPORTED_SCHEMES = ['WorkloadIdentityFederation', 'ServicePrincipal', 'ManagedServiceIdentity'] as const;

export interface AdoConnection {
  auth: AuthSpec;
  cloud: Cloud;
  defaultSubscriptionId?: string;
}

const PRIVATE_KEY_PEM = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----/;

function problem(message: string): InputError {
  return new InputError([{ input: CONNECTION_INPUT, message }]);
}

/** `secrets` masks each secret in the log and scrubs it from text the product writes, as soon as it is read. */
export function readConnection(secrets: Pick<SecretRedactor, 'add'>): AdoConnection {
  const id = tl.getInput(CONNECTION_INPUT, false)?.trim();
  if (!id) throw problem('required: the name of an Azure Resource Manager service connection');

  const data = (key: string): string | undefined => tl.getEndpointDataParameter(id, key, true)?.trim() || undefined;
  const param = (key: string): string | undefined =>
    tl.getEndpointAuthorizationParameter(id, key, true)?.trim() || undefined;
  /** Reads a secret without task-lib echoing it in a debug line, and masks it at once. */
  const secret = (read: () => string | undefined): string | undefined => {
    const value = quietly(read)?.trim() || undefined;
    secrets.add(value);
    return value;
  };
  const required = (value: string | undefined, what: string): string => {
    if (!value) throw problem(`service connection '${id}' has no ${what}; edit the connection or pick another one`);
    return value;
  };

  const url = tl.getEndpointUrl(id, true)?.trim() || undefined;
  let scheme = tl.getEndpointAuthorizationScheme(id, true)?.trim();
  const tenantId = param('tenantid');
  if (!scheme && !url && !tenantId) {
    throw problem(`service connection '${id}' was not found, or this pipeline is not authorized to use it`);
  }
  // Like Microsoft's own Azure tasks: a connection without a scheme is a service principal.
  scheme ||= 'ServicePrincipal';

  let auth: AuthSpec;
  switch (scheme.toLowerCase()) {
    case 'serviceprincipal': {
      const clientId = required(param('serviceprincipalid'), 'service principal id');
      const tenant = required(tenantId, 'tenant id');
      const authenticationType = (param('authenticationType') ?? 'spnKey').toLowerCase();
      if (authenticationType === 'spncertificate') {
        const pem = required(
          secret(() => tl.getEndpointAuthorizationParameter(id, 'servicePrincipalCertificate', true)),
          'certificate',
        );
        if (!CERTIFICATE_PEM.test(pem) || !PRIVATE_KEY_PEM.test(pem)) {
          throw problem(
            `the certificate of service connection '${id}' must be PEM text holding both the certificate and its private key`,
          );
        }
        auth = { kind: 'client-certificate', tenantId: tenant, clientId, certificatePem: pem };
      } else if (authenticationType === 'spnkey') {
        const clientSecret = required(
          secret(() => tl.getEndpointAuthorizationParameter(id, 'serviceprincipalkey', true)),
          'service principal key',
        );
        auth = { kind: 'client-secret', tenantId: tenant, clientId, clientSecret };
      } else {
        throw problem(
          `service connection '${id}' uses service principal authentication '${authenticationType}'; accepted: spnKey (secret), spnCertificate (certificate)`,
        );
      }
      break;
    }
    case 'workloadidentityfederation': {
      const clientId = required(param('serviceprincipalid'), 'service principal id');
      const tenant = required(tenantId, 'tenant id');
      const systemAccessToken = secret(() =>
        tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true),
      );
      if (!systemAccessToken || !tl.getVariable('System.OidcRequestUri')) {
        throw problem(
          `workload identity federation needs the job's OIDC endpoint and access token (System.OidcRequestUri, System.AccessToken), which the agent gives tasks of an Azure Pipelines run; service connection '${id}' cannot be used here`,
        );
      }
      auth = { kind: 'azure-pipelines', tenantId: tenant, clientId, serviceConnectionId: id, systemAccessToken };
      break;
    }
    case 'managedserviceidentity':
      auth = { kind: 'managed-identity', clientId: data('msiclientId') };
      break;
    default:
      throw problem(
        `service connection '${id}' uses the authentication scheme '${scheme}'; accepted: ${SUPPORTED_SCHEMES.join(', ')} (Azure Resource Manager connections with workload identity federation, a service principal secret or certificate, or a managed identity)`,
      );
  }

  const cloud = connectionCloud(
    id,
    data('environment'),
    url,
    authority(data('environmentAuthorityUrl'), data('activeDirectoryAuthority')),
  );
  return { auth, cloud, defaultSubscriptionId: data('subscriptionId') };
}

/**
 * The connection's Entra authority: `environmentAuthorityUrl`, except that Azure's default
 * connections hold the legacy alias login.windows.net there and the MSAL authority in
 * `activeDirectoryAuthority`, which is preferred then.
 */
function authority(
  environmentAuthorityUrl: string | undefined,
  activeDirectoryAuthority: string | undefined,
): string | undefined {
  if (
    environmentAuthorityUrl &&
    activeDirectoryAuthority &&
    /^https:\/\/login\.windows\.net\/?$/i.test(environmentAuthorityUrl)
  ) {
    return activeDirectoryAuthority;
  }
  return environmentAuthorityUrl ?? activeDirectoryAuthority;
}

function connectionCloud(
  id: string,
  environment: string | undefined,
  armEndpoint: string | undefined,
  authorityHost: string | undefined,
): Cloud {
  try {
    return resolveCloud({
      environment,
      armEndpoint,
      authorityHost,
      inputNames: { environment: 'environment', armEndpoint: 'url', authorityHost: 'environmentAuthorityUrl' },
    });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const problems: InputProblem[] = err.problems.map((p) => ({
      input: CONNECTION_INPUT,
      message: `service connection '${id}' ${p.input}: ${p.message}`,
    }));
    throw new InputError(problems);
  }
}

/**
 * GitHub inputs → AuthSpec: `creds` JSON (as azure/login takes it), client id + tenant id with a
 * secret, the runner's OIDC token (workload identity federation), or an earlier azure/login.
 */
import * as core from '@actions/core';
import type { AuthSpec } from '../core/azure/auth';
import { InputError, type InputProblem } from '../core/contract/errors';
import type { SecretRedactor } from '../core/contract/secrets';

/** The audience Microsoft Entra expects for federated credentials of GitHub. */
export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export interface GithubAuth {
  auth: AuthSpec;
  defaultSubscriptionId?: string;
}

interface Creds {
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  subscriptionId?: string;
}

const read = (name: string) => core.getInput(name).trim() || undefined;

export function readGithubAuth(redactor: SecretRedactor): GithubAuth {
  const problems: InputProblem[] = [];
  const credsText = read('creds');
  redactor.add(read('client-secret'));
  let creds: Creds = {};
  if (credsText) {
    redactor.add(credsText);
    try {
      creds = JSON.parse(credsText) as Creds;
      redactor.add(creds.clientSecret);
    } catch {
      problems.push({
        input: 'creds',
        message:
          'is not valid JSON; expected {"clientId": …, "clientSecret": …, "subscriptionId": …, "tenantId": …} as azure/login takes it',
      });
    }
  }
  const clientId = read('client-id') ?? creds.clientId;
  const tenantId = read('tenant-id') ?? creds.tenantId;
  const clientSecret = read('client-secret') ?? creds.clientSecret;
  const defaultSubscriptionId = creds.subscriptionId;

  if (!clientId && !tenantId && !clientSecret) {
    if (problems.length) throw new InputError(problems);
    // Nothing given: use the Azure CLI session of an earlier azure/login step.
    return { auth: { kind: 'azure-cli' }, defaultSubscriptionId };
  }
  const from = credsText ? 'creds' : 'client-id';
  if (!clientId)
    problems.push({
      input: credsText ? 'creds' : 'client-id',
      message: 'has no client id; give the application (client) id of the service principal or managed identity',
    });
  if (!tenantId)
    problems.push({
      input: credsText ? 'creds' : 'tenant-id',
      message: `has no tenant id; give the Microsoft Entra tenant id with ${from}`,
    });
  if (problems.length) throw new InputError(problems);

  if (clientSecret)
    return {
      auth: { kind: 'client-secret', tenantId: tenantId!, clientId: clientId!, clientSecret },
      defaultSubscriptionId,
    };
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new InputError([
      {
        input: 'client-id',
        message:
          'without a client-secret needs the GitHub OIDC token: add `permissions: id-token: write` to the job (and a federated credential on the application), or give client-secret',
      },
    ]);
  }
  return {
    auth: {
      kind: 'client-assertion',
      tenantId: tenantId!,
      clientId: clientId!,
      // Called for every token request: GitHub's ID tokens expire after ten minutes.
      getAssertion: async () => {
        const token = await core.getIDToken(OIDC_AUDIENCE);
        redactor.add(token);
        return token;
      },
    },
    defaultSubscriptionId,
  };
}

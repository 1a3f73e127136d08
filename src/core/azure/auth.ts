/**
 * How to authenticate, as both adapters describe it. Each adapter maps its own inputs (GitHub
 * `creds`/OIDC, an ADO service connection) to one AuthSpec; the core builds the credential.
 */
export type AuthSpec =
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'client-certificate'; tenantId: string; clientId: string; certificatePem: string }
  /** Workload identity federation: getAssertion is called for every token request (GitHub OIDC tokens live 10 minutes). */
  | { kind: 'client-assertion'; tenantId: string; clientId: string; getAssertion: () => Promise<string> }
  /** Azure Pipelines workload identity federation through the agent's OIDC endpoint. */
  | {
      kind: 'azure-pipelines';
      tenantId: string;
      clientId: string;
      serviceConnectionId: string;
      systemAccessToken: string;
    }
  | { kind: 'managed-identity'; clientId?: string }
  | { kind: 'azure-cli' };

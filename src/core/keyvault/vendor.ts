/**
 * What only a run with tls-certificate-id needs: the Key Vault client and, for a PFX, node-forge.
 * The build bundles this file on its own (dist/<adapter>/keyvault/index.js), so a run without Key
 * Vault neither evaluates nor even parses it (400 KB, ~20 ms of start-up); see vendor-loader.ts.
 */
export { SecretClient } from '@azure/keyvault-secrets';
export * as forge from 'node-forge';
/** The SDK logger of this bundle's own copy of the Azure core, so its lines can be routed through the product's. */
export { AzureLogger } from '@azure/logger';

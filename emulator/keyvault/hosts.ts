/** Key Vault's host suffixes per cloud, the resource its challenge names, and that cloud's sign-in authority. */
export interface KeyVaultCloud {
  readonly suffix: string;
  /** The `resource` of the 401 challenge; tokens for `<resource>/.default` carry it as audience. */
  readonly resource: string;
  readonly authority: string;
}

export const KEY_VAULT_CLOUDS: readonly KeyVaultCloud[] = [
  { suffix: 'vault.azure.net', resource: 'https://vault.azure.net', authority: 'https://login.microsoftonline.com' },
  {
    suffix: 'vault.usgovcloudapi.net',
    resource: 'https://vault.usgovcloudapi.net',
    authority: 'https://login.microsoftonline.us',
  },
  { suffix: 'vault.azure.cn', resource: 'https://vault.azure.cn', authority: 'https://login.chinacloudapi.cn' },
];

/** Names the server certificate must cover so that clients reach vaults through the proxy. */
export const KEY_VAULT_HOST_PATTERNS = KEY_VAULT_CLOUDS.map((c) => `*.${c.suffix}`);

/** `<vault>.<suffix>` → the vault's name and cloud; undefined for any other host. */
export function vaultOfHost(hostHeader: string | undefined): { name: string; cloud: KeyVaultCloud } | undefined {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  for (const cloud of KEY_VAULT_CLOUDS) {
    if (host.endsWith(`.${cloud.suffix}`)) return { name: host.slice(0, -cloud.suffix.length - 1), cloud };
  }
  return undefined;
}

/** `https://vault.azure.net/.default` → `https://vault.azure.net`; undefined for other scopes. */
export function keyVaultResourceOfScope(scope: string): string | undefined {
  return KEY_VAULT_CLOUDS.find((c) => scope === `${c.resource}/.default` || scope === `${c.resource}//.default`)
    ?.resource;
}

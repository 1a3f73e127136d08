/** Azure clouds: the Resource Manager endpoint and the Microsoft Entra authority of each. */
import { InputError } from '../contract/errors';

export interface Cloud {
  readonly armEndpoint: string;
  readonly authorityHost: string;
}

export const KNOWN_CLOUDS: Readonly<Record<string, Cloud>> = {
  AzureCloud: { armEndpoint: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

export interface CloudChoice {
  environment?: string;
  armEndpoint?: string;
  authorityHost?: string;
  /** Input names to quote in errors (they differ between GitHub and the ADO connection). */
  inputNames?: { environment: string; armEndpoint: string; authorityHost: string };
}

/**
 * Resolves the cloud; explicit endpoints override the environment's. Only https:// endpoints are
 * accepted: tokens and TLS keys must never cross an unencrypted connection.
 */
export function resolveCloud(choice: CloudChoice): Cloud {
  const names = choice.inputNames ?? {
    environment: 'environment',
    armEndpoint: 'arm-endpoint',
    authorityHost: 'authority-host',
  };
  const problems: { input: string; message: string }[] = [];
  const envName = choice.environment ?? 'AzureCloud';
  const known = Object.entries(KNOWN_CLOUDS).find(([n]) => n.toLowerCase() === envName.toLowerCase())?.[1];
  if (!known && !(choice.armEndpoint && choice.authorityHost)) {
    problems.push({
      input: names.environment,
      message: `unknown cloud '${envName}'; accepted: ${Object.keys(KNOWN_CLOUDS).join(', ')}, or give ${names.armEndpoint} and ${names.authorityHost}`,
    });
  }
  const arm = checkEndpoint(choice.armEndpoint, names.armEndpoint, problems) ?? known?.armEndpoint;
  const authority = checkEndpoint(choice.authorityHost, names.authorityHost, problems) ?? known?.authorityHost;
  if (problems.length > 0 || !arm || !authority) throw new InputError(problems);
  return { armEndpoint: arm, authorityHost: authority };
}

function checkEndpoint(
  value: string | undefined,
  input: string,
  problems: { input: string; message: string }[],
): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ input, message: `'${value}' is not a URL; expected an https:// URL` });
    return undefined;
  }
  if (url.protocol !== 'https:') {
    problems.push({ input, message: `'${value}' must use https:// (credentials are never sent over plain HTTP)` });
    return undefined;
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** Key Vault's DNS suffix in each known cloud, keyed by the cloud's Resource Manager endpoint. */
const KEY_VAULT_SUFFIXES: Readonly<Record<string, string>> = {
  'https://management.azure.com': 'vault.azure.net',
  'https://management.usgovcloudapi.net': 'vault.usgovcloudapi.net',
  'https://management.chinacloudapi.cn': 'vault.azure.cn',
};

/**
 * The DNS suffix of Key Vault hosts in the signed-in cloud. A known cloud has its own; a custom
 * Resource Manager endpoint named `management.<domain>` (Azure Stack Hub) has vaults under
 * `vault.<domain>`; any other custom endpoint (a private route to the public cloud) keeps the
 * public cloud's suffix.
 */
export function keyVaultDnsSuffix(cloud: Cloud): string {
  const known = KEY_VAULT_SUFFIXES[cloud.armEndpoint.toLowerCase()];
  if (known) return known;
  const host = new URL(cloud.armEndpoint).hostname.toLowerCase();
  return host.startsWith('management.') ? `vault.${host.slice('management.'.length)}` : 'vault.azure.net';
}

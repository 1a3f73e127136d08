/**
 * Vaults of the emulator: each secret keeps its versions, the newest being the current one (what
 * a versionless read returns). A certificate's secret carries `kid` and `managed: true`; adding a
 * version is what Key Vault does when a certificate is renewed or re-imported.
 */
import * as crypto from 'node:crypto';
import {
  certificateSecretValue,
  CONTENT_TYPES,
  type CertificateMaterial,
  type SecretFormat,
  type SecretValueOptions,
} from './certificates';

export interface SecretVersion {
  readonly version: string;
  readonly value: string;
  readonly contentType?: string;
  /** Key Vault's `kid` and `managed` flag: set only when a certificate owns the secret. */
  readonly certificate: boolean;
  enabled: boolean;
  readonly notBefore?: Date;
  readonly expires?: Date;
  readonly created: Date;
}

export interface VaultSeed {
  readonly name: string;
  /** Host suffix, default `vault.azure.net`. */
  readonly suffix?: string;
  readonly tenantId: string;
  /** Principals (object or client ids) refused: 403 as Key Vault answers. */
  readonly deniedPrincipals?: string[];
  /** How access is granted, which decides the 403's inner code. Default `rbac`. */
  readonly permissionModel?: 'rbac' | 'access-policy';
}

export interface Vault extends Required<Omit<VaultSeed, 'deniedPrincipals'>> {
  readonly deniedPrincipals: Set<string>;
  readonly secrets: Map<string, SecretVersion[]>;
}

export interface ImportOptions extends SecretValueOptions {
  readonly format?: SecretFormat;
  /** Attributes of the version (default: the certificate's validity). */
  readonly enabled?: boolean;
  readonly notBefore?: Date;
  readonly expires?: Date;
}

export class KeyVaultState {
  private readonly vaults = new Map<string, Vault>();

  putVault(seed: VaultSeed): Vault {
    const vault: Vault = {
      name: seed.name.toLowerCase(),
      suffix: seed.suffix ?? 'vault.azure.net',
      tenantId: seed.tenantId,
      permissionModel: seed.permissionModel ?? 'rbac',
      deniedPrincipals: new Set((seed.deniedPrincipals ?? []).map((p) => p.toLowerCase())),
      secrets: new Map(),
    };
    this.vaults.set(`${vault.name}.${vault.suffix}`, vault);
    return vault;
  }

  vault(host: string): Vault | undefined {
    return this.vaults.get(host.toLowerCase());
  }

  /** Imports (or renews) a certificate: a new current version of its secret. Returns the version. */
  importCertificate(
    vaultHost: string,
    name: string,
    material: CertificateMaterial,
    options: ImportOptions = {},
  ): string {
    const format = options.format ?? 'pem';
    const leaf = new crypto.X509Certificate(material.chainPem);
    return this.addVersion(vaultHost, name, {
      value: certificateSecretValue(material, format, options),
      contentType: CONTENT_TYPES[format],
      certificate: true,
      enabled: options.enabled ?? true,
      notBefore: options.notBefore ?? new Date(leaf.validFrom),
      expires: options.expires ?? new Date(leaf.validTo),
    });
  }

  /** A plain secret (no certificate behind it). */
  setSecret(vaultHost: string, name: string, value: string, contentType?: string): string {
    return this.addVersion(vaultHost, name, { value, contentType, certificate: false, enabled: true });
  }

  setEnabled(vaultHost: string, name: string, version: string, enabled: boolean): void {
    const found = this.versions(vaultHost, name).find((v) => v.version === version);
    if (!found) throw new Error(`emulator: no version ${version} of ${name}`);
    found.enabled = enabled;
  }

  deny(vaultHost: string, principal: string): void {
    this.requireVault(vaultHost).deniedPrincipals.add(principal.toLowerCase());
  }

  versions(vaultHost: string, name: string): SecretVersion[] {
    return this.requireVault(vaultHost).secrets.get(name.toLowerCase()) ?? [];
  }

  private addVersion(vaultHost: string, name: string, fields: Omit<SecretVersion, 'version' | 'created'>): string {
    const vault = this.requireVault(vaultHost);
    const version = crypto.randomBytes(16).toString('hex');
    const list = vault.secrets.get(name.toLowerCase()) ?? [];
    list.push({ ...fields, version, created: new Date() });
    vault.secrets.set(name.toLowerCase(), list);
    return version;
  }

  private requireVault(host: string): Vault {
    const vault = this.vault(host);
    if (!vault) throw new Error(`emulator: no vault ${host}`);
    return vault;
  }
}

/** The TLS inputs: mode, certificate and key (text or file), cname, and the certificate checks. */
import { readFileSync } from 'node:fs';
import type { InputName } from '../contract/inputs';
import { checkTlsMaterial } from '../tls/certificate';
import { printable, type DesiredOptions, type InputCollector } from './collector';
import type { DesiredTls } from './model';
import { DNS_NAME, LEAF_LABEL } from './patterns';
import { parseKeyVaultCertificateId } from '../keyvault/identifier';

/** The values of the tls input (key-vault is custom with tls-certificate-id). */
type TlsInputMode = Exclude<DesiredTls['mode'], 'key-vault'>;

/** `warnWithinDays`: a given certificate expiring within that many days gets a warning (0: never). */
export function readTls(
  c: InputCollector,
  options: DesiredOptions,
  warnings: string[],
  warnWithinDays: number,
): DesiredTls {
  const mode = c.choice<TlsInputMode>('tls');
  const tlsOnly: InputName[] = [
    'leaf-domain-label',
    'tls-cert',
    'tls-key',
    'tls-cert-file',
    'tls-key-file',
    'tls-cname',
    'tls-certificate-id',
  ];
  const relevant: Record<TlsInputMode, InputName[]> = {
    disabled: [],
    auto: ['leaf-domain-label'],
    custom: ['tls-cert', 'tls-key', 'tls-cert-file', 'tls-key-file', 'tls-cname', 'tls-certificate-id'],
    keep: ['tls-cname'],
  };
  for (const input of tlsOnly) {
    if (!relevant[mode].includes(input) && c.raw(input) !== undefined) {
      const wanted = (Object.keys(relevant) as TlsInputMode[]).filter((m) => relevant[m].includes(input));
      c.problem(input, `applies only with ${c.name('tls')}: ${wanted.join(' or ')} (${c.name('tls')} is ${mode})`);
    }
  }

  switch (mode) {
    case 'disabled':
      return { mode };
    case 'auto': {
      const label = c.required(
        'leaf-domain-label',
        LEAF_LABEL,
        'a DNS label of 1-57 lower-case letters, digits and hyphens (Azure appends six characters and .<region>.cloudapp.azure.com)',
      );
      return { mode, leafDomainLabel: label, overwriteExistingDomain: c.boolean('overwrite-existing-domain') };
    }
    case 'keep':
      return {
        mode,
        cname: c.optional('tls-cname', DNS_NAME, 'a DNS name such as scoring.contoso.com')?.toLowerCase(),
      };
    case 'custom': {
      if (c.raw('tls-certificate-id') !== undefined) return readKeyVaultTls(c, options);
      const certPem = readPem(c, options, 'tls-cert', 'tls-cert-file', 'the certificate');
      const keyPem = readPem(c, options, 'tls-key', 'tls-key-file', 'the private key');
      const cnameText = c.raw('tls-cname');
      if (cnameText === undefined)
        c.problem(
          'tls-cname',
          `is required with ${c.name('tls')}: custom; give the DNS name clients will call, covered by the certificate`,
        );
      else if (!DNS_NAME.test(cnameText))
        c.problem('tls-cname', `'${printable(cnameText)}' is not a DNS name such as scoring.contoso.com`);
      const cname = cnameText?.toLowerCase() ?? '';
      if (certPem === undefined || keyPem === undefined) return { mode: 'disabled' };
      const check = checkTlsMaterial(
        certPem,
        keyPem,
        DNS_NAME.test(cname) ? cname : undefined,
        options.now ?? new Date(),
        warnWithinDays,
      );
      for (const p of check.problems) {
        const input: InputName =
          p.field === 'cname'
            ? 'tls-cname'
            : p.field === 'cert'
              ? certSourceName(c, 'tls-cert', 'tls-cert-file')
              : certSourceName(c, 'tls-key', 'tls-key-file');
        c.problem(input, p.message);
      }
      warnings.push(...check.warnings);
      if (!check.certificate) return { mode: 'disabled' };
      return { mode, certPem, keyPem, cname, certificate: check.certificate };
    }
  }
}

const PEM_INPUTS: InputName[] = ['tls-cert', 'tls-key', 'tls-cert-file', 'tls-key-file'];

/** tls-certificate-id: checked here (shape and host), read from Key Vault by the run's Key Vault stage. */
function readKeyVaultTls(c: InputCollector, options: DesiredOptions): DesiredTls {
  const text = c.raw('tls-certificate-id')!;
  for (const input of PEM_INPUTS.filter((i) => c.raw(i) !== undefined))
    c.problem(
      input,
      `give the certificate once: either ${c.name('tls-certificate-id')} (Key Vault) or ${c.name(input)}, not both`,
    );
  const cname = c.optional('tls-cname', DNS_NAME, 'a DNS name such as scoring.contoso.com')?.toLowerCase();
  const id = parseKeyVaultCertificateId(text, options.keyVaultDnsSuffix ?? 'vault.azure.net');
  if (typeof id === 'string') {
    c.problem('tls-certificate-id', `'${printable(text)}' ${id}`);
    return { mode: 'disabled' };
  }
  return { mode: 'key-vault', certificateId: id, ...(cname !== undefined && { cname }) };
}

function certSourceName(c: InputCollector, textInput: InputName, fileInput: InputName): InputName {
  return c.raw(textInput) !== undefined ? textInput : fileInput;
}

function readPem(
  c: InputCollector,
  options: DesiredOptions,
  textInput: InputName,
  fileInput: InputName,
  what: string,
): string | undefined {
  const text = options.readInput(textInput);
  const file = c.raw(fileInput);
  const hasText = text !== undefined && text.trim() !== '';
  if (hasText && file !== undefined) {
    c.problem(fileInput, `give ${what} once: either ${c.name(textInput)} or ${c.name(fileInput)}, not both`);
    return undefined;
  }
  if (hasText) return text.replace(/\r\n/g, '\n').trim() + '\n';
  if (file === undefined) {
    c.problem(
      textInput,
      `is required with ${c.name('tls')}: custom; give ${what} as PEM text in ${c.name(textInput)} (from a secret) or as a file in ${c.name(fileInput)}`,
    );
    return undefined;
  }
  try {
    return (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(file).replace(/\r\n/g, '\n');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    c.problem(fileInput, `cannot read '${printable(file)}' (${code}); give the path of a PEM file on the agent`);
    return undefined;
  }
}

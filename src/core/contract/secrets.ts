/**
 * One masking helper for both CI systems. Log maskers match line by line (and Azure Pipelines'
 * setSecret rejects multi-line values), so a PEM key is registered whole and per line.
 */
import type { Platform } from './platform';

/** Lines too short or too common to be secret; masking them would garble every log line. */
const NOT_SECRET_LINES = /^(-----(BEGIN|END) [A-Z0-9 ]+-----|[\s=]*)$/;

export function secretLines(value: string): string[] {
  const lines = value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 4 && !NOT_SECRET_LINES.test(l));
  return [...new Set(lines)];
}

export function maskSecret(platform: Pick<Platform, 'maskLine'>, value: string | undefined): void {
  if (!value) return;
  const trimmed = value.trim();
  if (!trimmed.includes('\n')) {
    if (trimmed.length > 0) platform.maskLine(trimmed);
    return;
  }
  for (const line of secretLines(trimmed)) platform.maskLine(line);
}

/** Encodings in which a secret leaves the product (a TLS key as a base64 protected setting of the extension). */
export function encodedForms(value: string): string[] {
  return [Buffer.from(value, 'utf8').toString('base64')];
}

/**
 * Shapes of secret material that a service might echo back although nobody registered the value
 * (an error quoting the request body, a URL with a SAS signature, a bearer header in a message).
 * Applied before the registered values, to any text the product writes.
 */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
/** JWTs (access tokens, ID tokens, client assertions). */
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
/** Signed-URL parameters (Azure SAS, signed operation URLs) and OAuth form fields, as `name=value`. */
const SIGNED_PARAMETER =
  /((?:^|[?&\s"'(;,])(?:sig|signature|se|st|sp|spr|sv|sr|srt|ss|skoid|sktid|skt|ske|sks|skv|saoid|suoid|scid|token|client_secret|client_assertion|assertion|access_token|refresh_token|id_token|password)=)[^&\s"'<>]+/gim;
/** The same fields as JSON members, e.g. a token response or azure/login's creds quoted in an error. */
const JSON_SECRET_MEMBER =
  /("(?:access_token|refresh_token|id_token|client_secret|clientSecret|client_assertion|password|serviceprincipalkey|accessToken|oidcToken)"\s*:\s*")(?:[^"\\]|\\.)*"/g;
/** Authorization header values (opaque tokens such as the Azure DevOps job token have no JWT shape). */
const AUTHORIZATION = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Scrubs the secret shapes above from a text, without knowing any secret value. */
export function redactSecretShapes(text: string): string {
  return text
    .replace(PEM_BLOCK, '[redacted PEM]')
    .replace(JWT, '[redacted token]')
    .replace(JSON_SECRET_MEMBER, '$1[redacted]"')
    .replace(SIGNED_PARAMETER, '$1[redacted]')
    .replace(AUTHORIZATION, '$1 [redacted]');
}

/**
 * Keeps the secrets of a run and scrubs text the product itself writes (errors from Azure,
 * summaries, outputs, SDK log lines): the CI masker covers logs, this covers what is built from
 * service replies, and what the CI masker would only catch after the fact.
 */
export class SecretRedactor {
  private readonly lines = new Set<string>();
  private sorted: string[] = [];

  constructor(private readonly platform?: Pick<Platform, 'maskLine'>) {}

  add(value: string | undefined): void {
    if (!value) return;
    if (this.platform) maskSecret(this.platform, value);
    const trimmed = value.trim();
    const before = this.lines.size;
    if (!trimmed.includes('\n') && trimmed.length >= 4) this.lines.add(trimmed);
    for (const line of secretLines(trimmed)) this.lines.add(line);
    if (this.lines.size !== before) this.sorted = [...this.lines].sort((a, b) => b.length - a.length);
  }

  /** Registers a value for redaction only, without announcing it to the CI masker (the CI system knows it already). */
  remember(value: string | undefined): void {
    if (!value || value.trim().length < 8) return;
    const before = this.lines.size;
    this.lines.add(value.trim());
    if (this.lines.size !== before) this.sorted = [...this.lines].sort((a, b) => b.length - a.length);
  }

  /** How many distinct values (whole secrets and PEM lines) are known. */
  get size(): number {
    return this.lines.size;
  }

  redact(text: string): string {
    let out = redactSecretShapes(text);
    for (const line of this.sorted) {
      if (out.includes(line)) out = out.split(line).join('***');
    }
    return out;
  }
}

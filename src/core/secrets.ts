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

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
/** Bearer tokens and JWTs that a service might echo back. */
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
const SIGNED_QUERY = /([?&](?:sig|se|st|sp|skoid|sktid|skt|ske|sks|skv|token|code)=)[^&\s"']+/gi;

/**
 * Keeps the secrets of a run and scrubs text the product itself writes (errors from Azure,
 * summaries, outputs): the CI masker covers logs, this covers what is built from service replies.
 */
export class SecretRedactor {
  private readonly lines = new Set<string>();

  constructor(private readonly platform?: Pick<Platform, 'maskLine'>) {}

  add(value: string | undefined): void {
    if (!value) return;
    if (this.platform) maskSecret(this.platform, value);
    const trimmed = value.trim();
    if (!trimmed.includes('\n') && trimmed.length >= 4) this.lines.add(trimmed);
    for (const line of secretLines(trimmed)) this.lines.add(line);
  }

  redact(text: string): string {
    let out = text.replace(PEM_BLOCK, '[redacted PEM]').replace(JWT, '[redacted token]').replace(SIGNED_QUERY, '$1[redacted]');
    for (const line of [...this.lines].sort((a, b) => b.length - a.length)) {
      out = out.split(line).join('***');
    }
    return out;
  }
}

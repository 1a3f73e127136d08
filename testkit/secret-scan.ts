/**
 * Scans what a run made visible (stdout, stderr, step outputs, the summary, error text) for secret
 * bytes: the secrets the test gave (client secret, TLS key lines, certificate private parts), every
 * token the emulator issued or was shown (access tokens, OIDC ID tokens, client assertions, bearer
 * headers, kubeconfig tokens), signed query parameters of operation URLs, and the generic shapes of
 * secrets (JWTs, PEM private keys, `sig=` values). Lines by which the CI system learns its masks
 * (`::add-mask::`, `##vso[task.setsecret]`) never reach a log and are not scanned.
 *
 * With SECRET_SCAN_TALLY_FILE set, one JSON line per scan (findings, bytes) is appended there.
 */
import { appendFileSync } from 'node:fs';
import type { Emulator } from '../emulator';
import { DEMO } from './demo-world';

export interface Finding {
  /** Which secret (label given when it was added), or which shape. */
  secret: string;
  /** Where it was seen: stdout, stderr, output:<name>, summary, … */
  where: string;
  occurrences: number;
  bytes: number;
  /** A few characters around the first hit, with the secret itself replaced, to locate it. */
  context: string;
}

/** Parts of a run to scan; strings or string maps (outputs). */
export type Visible = Record<string, string | Record<string, string> | undefined>;

const MASK_COMMAND = /^(::add-mask::|##vso\[task\.setsecret\])/;
const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
const PRIVATE_KEY_HEADER = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g;
/** A signed-URL parameter with a value (redacted forms like sig=[redacted] or sig=*** are fine). */
const SIGNED_PARAMETER = /[?&](?:sig|skoid|sktid|ske|sks|skv|signature)=(?!\[redacted\]|\*\*\*)([^&\s"'<>]+)/gi;
/** The shortest secret part worth looking for (shorter lines are PEM padding, not secret). */
const MIN_PART = 12;

export class SecretScanner {
  private readonly parts = new Map<string, string>();

  /** A secret value (whole) — and, when it spans lines, each line of it. */
  add(label: string, value: string | undefined): this {
    if (!value) return this;
    const trimmed = value.trim();
    if (trimmed.length >= 4) this.parts.set(trimmed, label);
    if (trimmed.includes('\n')) {
      for (const line of trimmed.split(/\r?\n/)) {
        const l = line.trim();
        if (l.length >= MIN_PART && !/^-----(BEGIN|END) /.test(l)) this.parts.set(l, `${label} (line)`);
      }
    }
    return this;
  }

  /** The private part of a PEM (key, or a bundle holding a key): every base64 line of its private-key blocks. */
  addPem(label: string, pem: string | undefined): this {
    if (!pem) return this;
    for (const block of pem.matchAll(/-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g)) {
      this.add(label, block[0]);
    }
    return this;
  }

  /**
   * A secret that holds a private key, in every encoding the product handles: as given (PEM, or a
   * PFX's base64) and that in 64-character lines (base64 as PEM wraps it), each private-key PEM
   * block, its base64 text (an extension setting), and its DER in base64 on one line.
   */
  addSecretEncodings(label: string, value: string): this {
    this.add(label, value);
    const oneLine = value.includes('-----BEGIN') ? undefined : value.replace(/\s+/g, '');
    if (oneLine)
      for (let i = 0; i + 64 <= oneLine.length; i += 64)
        this.parts.set(oneLine.slice(i, i + 64), `${label} (base64 line)`);
    for (const block of value.matchAll(/-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g)) {
      this.add(`${label}, key`, block[0]);
      this.add(`${label}, key base64`, Buffer.from(block[0]).toString('base64'));
      this.add(`${label}, key DER base64`, block[2].replace(/\s+/g, ''));
    }
    return this;
  }

  /** The demo world's fixed secrets. */
  addDemoSecrets(): this {
    return this.add('client secret', DEMO.clientSecret)
      .add('GitHub ID-token request token', DEMO.githubRequestToken)
      .add('Azure DevOps job access token', DEMO.adoSystemAccessToken);
  }

  /**
   * Everything secret the emulator handed out or was shown: access tokens (token endpoint and
   * managed identity answers), OIDC ID tokens (GitHub, Azure DevOps), client assertions and
   * client secrets sent to the token endpoint, bearer headers, kubeconfig tokens, TLS keys the
   * computes hold (custom and Azure-generated), and signed query parameters of any URL.
   */
  addEmulator(emulator: Emulator): this {
    for (const e of emulator.traffic.all()) {
      const res = (e.responseBody ?? {}) as Record<string, unknown>;
      const req = (typeof e.requestBody === 'object' && e.requestBody ? e.requestBody : {}) as Record<string, unknown>;
      for (const [field, label] of [
        ['access_token', 'access token'],
        ['value', 'OIDC ID token'],
        ['oidcToken', 'OIDC ID token'],
        ['refresh_token', 'refresh token'],
      ] as const) {
        if (typeof res[field] === 'string' && (e.kind === 'token' || e.kind === 'msi' || e.kind === 'oidc'))
          this.add(label, res[field]);
      }
      if (typeof req.client_assertion === 'string') this.add('client assertion', req.client_assertion);
      if (typeof req.client_secret === 'string') this.add('client secret (as sent)', req.client_secret);
      const auth = e.requestHeaders.authorization;
      // GitHub's API takes `token <value>` as well as a bearer.
      const bearer = auth ? /^(?:Bearer|token)\s+(\S+)/i.exec(auth)?.[1] : undefined;
      if (bearer) this.add('bearer token', bearer);
      for (const [k, v] of Object.entries(e.query)) {
        if (/^(sig|signature|skoid|sktid|ske|sks|skv|token)$/i.test(k) && v.length >= 6)
          this.add(`signed URL parameter ${k}`, v);
      }
      const sslKey = (
        (req.properties as Record<string, unknown> | undefined)?.properties as Record<string, unknown> | undefined
      )?.sslConfiguration as Record<string, unknown> | undefined;
      if (typeof sslKey?.key === 'string') this.addPem('TLS key (as sent)', sslKey.key);
      const secrets = (req.properties as Record<string, unknown> | undefined)?.configurationProtectedSettings;
      if (secrets && typeof secrets === 'object')
        this.addProtectedSettings('(as sent)', secrets as Record<string, string>);
    }
    const snap = emulator.state.snapshot();
    for (const c of snap.managedClusters)
      this.add('kubeconfig user token', c.userToken).add('kubeconfig admin token', c.adminToken);
    for (const c of snap.computes) this.addPem(`TLS key of compute ${c.name}`, c.tls?.keyPem);
    for (const e of snap.extensions)
      this.addProtectedSettings(`of extension ${e.name}`, e.configurationProtectedSettings);
    return this;
  }

  /** An extension's protected settings, as sent (base64) and decoded; the certificate is public and left out. */
  addProtectedSettings(where: string, settings: Record<string, string>): this {
    for (const [name, value] of Object.entries(settings)) {
      if (name === 'scoringFe.sslCert' || typeof value !== 'string') continue;
      this.add(`protected setting ${name} ${where}`, value);
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      if (decoded.includes('PRIVATE KEY')) this.addPem(`protected setting ${name} ${where}, decoded`, decoded);
    }
    return this;
  }

  get size(): number {
    return this.parts.size;
  }

  /** Finds every known secret part and every secret shape in the visible text of a run. */
  scan(visible: Visible): Finding[] {
    const findings: Finding[] = [];
    for (const [where, text] of flatten(visible)) {
      const shown = text
        .split(/\r?\n/)
        .filter((l) => !MASK_COMMAND.test(l))
        .join('\n');
      for (const [part, label] of this.parts) {
        const occurrences = shown.split(part).length - 1;
        if (occurrences > 0)
          findings.push({
            secret: label,
            where,
            occurrences,
            bytes: occurrences * part.length,
            context: around(shown, shown.indexOf(part), part.length),
          });
      }
      for (const [re, label] of [
        [JWT, 'JWT-shaped token'],
        [PRIVATE_KEY_HEADER, 'PEM private key header'],
        [SIGNED_PARAMETER, 'signed URL parameter'],
      ] as const) {
        const hits = [...shown.matchAll(re)];
        if (hits.length > 0) {
          findings.push({
            secret: label,
            where,
            occurrences: hits.length,
            bytes: hits.reduce((n, m) => n + m[0].length, 0),
            context: around(shown, hits[0].index ?? 0, hits[0][0].length),
          });
        }
      }
    }
    if (process.env.SECRET_SCAN_TALLY_FILE) {
      appendFileSync(
        process.env.SECRET_SCAN_TALLY_FILE,
        JSON.stringify({
          file: expect.getState().testPath,
          test: expect.getState().currentTestName,
          parts: this.parts.size,
          findings: findings.length,
          bytes: findings.reduce((n, f) => n + f.bytes, 0),
        }) + '\n',
      );
    }
    return findings;
  }
}

/** The visible parts of a spawned run (GitHub ActionRun or Azure DevOps TaskRun). */
export function visibleOf(run: {
  stdout: string;
  stderr: string;
  outputs?: Record<string, string>;
  summary?: string;
  errors?: string[];
}): Visible {
  return {
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: run.outputs,
    summary: run.summary,
    errors: run.errors?.join('\n'),
  };
}

function flatten(visible: Visible): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [where, value] of Object.entries(visible)) {
    if (value === undefined) continue;
    if (typeof value === 'string') out.push([where, value]);
    else for (const [k, v] of Object.entries(value)) out.push([`${where}:${k}`, v]);
  }
  return out;
}

function around(text: string, index: number, length: number): string {
  return `${text.slice(Math.max(0, index - 40), index)}<SECRET ${length} chars>${text.slice(index + length, index + length + 40)}`.replace(
    /\s+/g,
    ' ',
  );
}

/**
 * The pull-request comments runs posted, as visible text (a comment is read by everyone on the
 * pull request): the GitHub comments the emulator holds, and every Azure DevOps thread and
 * comment content as the emulator received it.
 */
export function pullRequestCommentsOf(emulator: Emulator): Visible {
  const visible: Visible = {};
  for (const c of emulator.github.all()) visible[`github comment ${c.id}`] = c.body;
  for (const e of emulator.traffic.history()) {
    if (e.kind !== 'devops' || typeof e.requestBody !== 'object' || !e.requestBody) continue;
    const body = e.requestBody as { content?: unknown; comments?: Array<{ content?: unknown }> };
    const contents = [body.content, ...(body.comments ?? []).map((c) => c.content)];
    contents.forEach((content, i) => {
      if (typeof content === 'string') visible[`devops comment ${e.seq}.${i}`] = content;
    });
  }
  return visible;
}

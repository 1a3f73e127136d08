/**
 * The emulator's signing authority: one RSA key signs the ARM access tokens (like Entra) and the
 * GitHub / Azure DevOps OIDC tokens (like those issuers). Verification here is what ARM and the
 * token endpoint use to accept them.
 */
import * as crypto from 'node:crypto';
import { decodeJwt, type JwtPayload, nowSeconds, signJwt, verifyJwtSignature } from './jwt';
import type { PrincipalRecord } from '../server/types';

export type VerifyResult = { ok: true; claims: JwtPayload } | { ok: false; reason: string };

export class TokenService {
  private readonly privateKey: crypto.KeyObject;
  private readonly publicKey: crypto.KeyObject;
  readonly kid: string;

  constructor(private readonly baseUrl: () => string) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = crypto
      .createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url')
      .slice(0, 27);
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256', kty: 'RSA' }] };
  }

  issueAccessToken(p: PrincipalRecord, audience: string, lifetimeSeconds: number): { token: string; exp: number } {
    const iat = nowSeconds();
    const exp = iat + lifetimeSeconds;
    const token = signJwt(
      {
        aud: audience,
        iss: `${this.baseUrl()}/${p.tenantId}/`,
        iat,
        nbf: iat - 5 * 60,
        exp,
        appid: p.clientId,
        appidacr: '1',
        idtyp: 'app',
        oid: p.objectId,
        sub: p.objectId,
        tid: p.tenantId,
        uti: crypto.randomBytes(16).toString('base64url'),
        ver: '1.0',
      },
      this.privateKey,
      { kid: this.kid, x5t: this.kid },
    );
    return { token, exp };
  }

  /** ARM's check: our signature, not expired, audience is the ARM endpoint (or one of `audiences`: Key Vault's). */
  verifyAccessToken(token: string, audiences?: readonly string[]): VerifyResult {
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, reason: 'The access token is not a valid JWT.' };
    if (!verifyJwtSignature(jwt, this.publicKey))
      return { ok: false, reason: 'The access token signature is invalid.' };
    const c = jwt.payload;
    if (typeof c.exp !== 'number' || c.exp <= nowSeconds())
      return { ok: false, reason: 'The access token has expired.' };
    const base = this.baseUrl();
    const expected = audiences ?? [base, `${base}/`];
    if (!expected.includes(String(c.aud))) {
      return {
        ok: false,
        reason: `The access token has an invalid audience '${String(c.aud)}'; expected '${audiences?.[0] ?? `${base}/`}'.`,
      };
    }
    if (c.idtyp !== 'app') return { ok: false, reason: 'The token is not an access token.' };
    return { ok: true, claims: c };
  }

  issueOidcToken(claims: JwtPayload, lifetimeSeconds: number): string {
    const iat = nowSeconds();
    return signJwt(
      { jti: crypto.randomUUID(), nbf: iat, iat, exp: iat + lifetimeSeconds, ...claims },
      this.privateKey,
      { kid: this.kid, x5t: this.kid },
    );
  }

  /** For federated assertions: one of our OIDC tokens, signature valid, not expired. */
  verifyOidcToken(token: string, issuers: string[]): VerifyResult {
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, reason: 'AADSTS50027: JWT token is invalid or malformed.' };
    if (!verifyJwtSignature(jwt, this.publicKey)) {
      return {
        ok: false,
        reason:
          'AADSTS700211: No matching federated identity record found for presented assertion issuer (signature not from a trusted issuer).',
      };
    }
    const c = jwt.payload;
    if (typeof c.iss !== 'string' || !issuers.includes(c.iss)) {
      return {
        ok: false,
        reason: `AADSTS700211: No matching federated identity record found for presented assertion issuer '${String(c.iss)}'.`,
      };
    }
    if (typeof c.exp !== 'number' || c.exp <= nowSeconds()) {
      return { ok: false, reason: 'AADSTS700024: Client assertion is not within its valid time range.' };
    }
    return { ok: true, claims: c };
  }
}

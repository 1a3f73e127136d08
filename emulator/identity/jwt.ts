/**
 * Minimal JWS (compact JWT) signing and verification over Node's crypto: RS256/PS256/ES256.
 * Enough for the emulator's own access/OIDC tokens and for client assertions made by MSAL.
 */
import * as crypto from 'node:crypto';

export type JwtHeader = Record<string, unknown> & { alg: string; typ?: string; kid?: string };
export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function signJwt(payload: JwtPayload, key: crypto.KeyObject, header: Partial<JwtHeader> = {}): string {
  const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const h = { typ: 'JWT', ...header, alg };
  const signingInput = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(payload))}`;
  const sig =
    alg === 'ES256'
      ? crypto.sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' })
      : crypto.sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${b64url(sig)}`;
}

/** Parse without verifying. Returns undefined for anything that is not a 3-part JWS. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as JwtHeader;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtPayload;
    if (typeof header !== 'object' || !header || typeof header.alg !== 'string') return undefined;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
  } catch {
    return undefined;
  }
}

export function verifyJwtSignature(jwt: DecodedJwt, key: crypto.KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput);
  try {
    switch (jwt.header.alg) {
      case 'RS256':
        return crypto.verify('sha256', data, key, jwt.signature);
      case 'PS256':
        return crypto.verify(
          'sha256',
          data,
          { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO },
          jwt.signature,
        );
      case 'ES256':
        return crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Seconds since the epoch. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

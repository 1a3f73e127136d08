/** IPv4 and CIDR arithmetic for the virtual-network inputs of a new cluster. */

export interface Cidr {
  readonly base: number; // network address as an unsigned 32-bit integer
  readonly prefix: number;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export function parseIpv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, ...rest] = text.split('/');
  if (rest.length > 0 || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const ip = parseIpv4(address);
  const prefix = Number(prefixText);
  if (ip === undefined || prefix > 32) return undefined;
  return { base: networkOf(ip, prefix), prefix };
}

function networkOf(ip: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return Math.floor(ip / size) * size;
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return networkOf(ip, cidr.prefix) === cidr.base;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const shorter = Math.min(a.prefix, b.prefix);
  return networkOf(a.base, shorter) === networkOf(b.base, shorter);
}

import { BlockList, isIP } from 'node:net';

/**
 * Addresses no outbound delivery may reach: this machine, private networks, link-local and the cloud metadata
 * endpoints that sit there, and everything that is not a unicast internet address. A URL registered by a guild
 * officer is someone else's input; without this it could make our workers read the metadata service or an
 * internal admin port and report what answered.
 */
const RANGES: ReadonlyArray<readonly [reason: OutboundAddressReason, network: string, prefix: number, family: 'ipv4' | 'ipv6']> = [
  ['metadata', '169.254.169.254', 32, 'ipv4'],
  ['metadata', 'fd00:ec2::254', 128, 'ipv6'],
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  // Carrier-grade NAT: private to the provider's network.
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  // NAT64 and 6to4 embed an IPv4 address that could be any of the above.
  ['reserved', '64:ff9b::', 96, 'ipv6'],
  ['reserved', '2002::', 16, 'ipv6'],
];

export type OutboundAddressReason = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'metadata' | 'multicast' | 'reserved';

const lists = new Map<OutboundAddressReason, BlockList>();
for (const [reason, network, prefix, family] of RANGES) {
  const list = lists.get(reason) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  lists.set(reason, list);
}
// Metadata first: 169.254.169.254 is also link-local, and the more specific reason is the useful one.
const ORDER: OutboundAddressReason[] = ['metadata', 'loopback', 'unspecified', 'private', 'link-local', 'multicast', 'reserved'];

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? (mapped[1] as string) : address;
}

/** Why an IP address may not be reached, or undefined for a public unicast address. Not an IP: 'reserved'. */
export function forbiddenAddressReason(address: string): OutboundAddressReason | undefined {
  const ip = unmapped(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const version = isIP(ip);
  if (version === 0) return 'reserved';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  return ORDER.find((reason) => lists.get(reason)?.check(ip, family));
}

export const isLoopbackAddress = (address: string): boolean => forbiddenAddressReason(address) === 'loopback';

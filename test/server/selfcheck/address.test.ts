import {
  classifyAddress,
  describeAddress,
  isAllowedTarget,
  isIpLiteral,
  parseIpv4,
  parseIpv6,
  type AddressClass,
} from '../../../server/domain/address';

describe('classifyAddress: IPv4', () => {
  test.each<[string, AddressClass]>([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['114.114.114.114', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['198.17.255.255', 'public'],
    ['198.20.0.0', 'public'],
    ['223.255.255.255', 'public'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.1.1', 'linkLocal'],
    ['169.254.169.254', 'metadata'],
    ['169.254.0.23', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.200', 'documentation'],
    ['0.1.2.3', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.88.99.1', 'reserved'],
  ])('%s is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });
});

describe('classifyAddress: IPv6', () => {
  test.each<[string, AddressClass]>([
    ['2001:4860:4860::8888', 'public'],
    ['2400:3200::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['febf:ffff::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff:0fff::1', 'documentation'],
    ['2001::1', 'reserved'], // Teredo
    ['2001:2::1', 'reserved'], // benchmarking
    ['100::1', 'reserved'],
    ['fec0::1', 'reserved'],
    ['5f00::1', 'reserved'],
    ['64:ff9b:1::1', 'reserved'],
    ['4000::1', 'reserved'], // outside global unicast 2000::/3
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:7f00:1', 'ipv4Mapped'],
    ['::ffff:0:10.0.0.1', 'ipv4Mapped'],
    ['::10.0.0.1', 'ipv4Mapped'],
    ['::169.254.169.254', 'ipv4Mapped'],
    ['64:ff9b::192.168.0.1', 'ipv4Mapped'],
    ['64:ff9b::808:808', 'ipv4Mapped'],
    ['2002:a00:1::1', 'ipv4Mapped'],
  ])('%s is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });
});

describe('embedded IPv4 addresses are named with their own class', () => {
  test.each<[string, string, AddressClass]>([
    ['::ffff:10.0.0.1', '10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', '169.254.169.254', 'metadata'],
    ['::ffff:0:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::100.100.100.200', '100.100.100.200', 'metadata'],
    ['64:ff9b::8.8.8.8', '8.8.8.8', 'public'],
    ['2002:c0a8:0101::1', '192.168.1.1', 'private'],
  ])('%s embeds %s (%s)', (ip, address, cls) => {
    expect(describeAddress(ip)).toEqual({ class: 'ipv4Mapped', version: 6, embedded: { address, class: cls } });
  });
});

describe('invalid text is neither an address nor allowed', () => {
  test.each([
    '', 'example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.04', '0x7f.0.0.1', '2130706433', ' 1.2.3.4',
    '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '1:2:3:4:5:6:7:8::', 'g::1', '12345::1', '::1.2.3.4:5',
    '::ffff:1.2.3.256', 'fe80::1%', '[::1',
  ])('%j', (text) => {
    expect(classifyAddress(text)).toBe('invalid');
    expect(isIpLiteral(text)).toBe(false);
    expect(isAllowedTarget(text, { allowLoopback: true })).toBe(false);
  });
});

describe('parsing', () => {
  test.each<[string, number]>([
    ['0.0.0.0', 0],
    ['1.2.3.4', 0x01020304],
    ['255.255.255.255', 0xffffffff],
  ])('IPv4 %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  test.each<[string, bigint]>([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['1:2:3:4:5:6:7::', 0x0001000200030004000500060007_0000n],
    ['::2:3:4:5:6:7:8', 0x0000000200030004000500060007_0008n],
    ['1:2:3:4:5:6:1.2.3.4', 0x000100020003000400050006_01020304n],
    ['::ffff:1.2.3.4', 0xffff_01020304n],
  ])('IPv6 %s', (text, value) => {
    expect(parseIpv6(text)).toBe(value);
  });
});

describe('isAllowedTarget', () => {
  test.each<[string, boolean, boolean]>([
    // address, allowed in production, allowed with allowLoopback
    ['8.8.8.8', true, true],
    ['2001:4860:4860::8888', true, true],
    ['127.0.0.1', false, true],
    ['127.0.0.2', false, true],
    ['::1', false, true],
    ['::ffff:127.0.0.1', false, false],
    ['::ffff:8.8.8.8', false, false],
    ['10.0.0.1', false, false],
    ['169.254.169.254', false, false],
    ['fd00:ec2::254', false, false],
    ['100.100.100.200', false, false],
    ['100.64.0.1', false, false],
    ['0.0.0.0', false, false],
    ['::', false, false],
    ['fd00::1', false, false],
    ['fe80::1', false, false],
    ['192.0.2.1', false, false],
    ['240.0.0.1', false, false],
    ['224.0.0.1', false, false],
    ['255.255.255.255', false, false],
  ])('%s: production %s, local %s', (ip, production, local) => {
    expect(isAllowedTarget(ip, { allowLoopback: false })).toBe(production);
    expect(isAllowedTarget(ip, { allowLoopback: true })).toBe(local);
  });
});

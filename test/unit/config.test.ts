import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const trustProxy = (value: string) => loadConfig({ TRUST_PROXY: value }, '/tmp').trustProxy;

describe('TRUST_PROXY', () => {
  it('is off unless set, and trusts every hop only when told so in words', () => {
    for (const off of ['', '0', 'false', 'no']) expect(trustProxy(off)).toBe(false);
    for (const all of ['true', 'yes', 'TRUE']) expect(trustProxy(all)).toBe(true);
  });

  it('takes a number of proxy hops, or the proxies as addresses and CIDR ranges', () => {
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('2')).toBe(2);
    expect(trustProxy('10.0.0.1')).toEqual(['10.0.0.1']);
    expect(trustProxy(' 10.0.0.0/8, ::1 ,fd00::/8, loopback')).toEqual(['10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  });

  it('refuses anything else, naming the entry', () => {
    expect(() => trustProxy('proxy.internal')).toThrow(
      `TRUST_PROXY: "proxy.internal" is not an IP address or CIDR range (give a number of proxy hops, or the proxies' addresses separated by commas)`,
    );
    expect(() => trustProxy('10.0.0.0/33')).toThrow('"10.0.0.0/33" is not an IP address or CIDR range');
    expect(() => trustProxy('10.0.0.1,')).toThrow('"" is not an IP address or CIDR range');
    expect(() => trustProxy('500')).toThrow('TRUST_PROXY=500 is not a whole number between 1 and 100');
  });
});

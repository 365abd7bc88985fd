import { CLOUD_METADATA_CIDR, dnsPeers, httpsPeers } from '../../src/constructs/network-policy';
import { ipv4StrictlyContains } from '../../src/util/cidr';
import { DNS_EGRESS_DEFAULTS } from '../../src/config/features/network-egress';

const kubeDnsPods = { namespaceSelector: { 'kubernetes.io/metadata.name': 'kube-system' }, podSelector: { 'k8s-app': 'kube-dns' } };

describe('dnsPeers', () => {
  test('node-local (default): the NodeLocal DNSCache address and the kube-dns pods as fallback', () => {
    expect(DNS_EGRESS_DEFAULTS.mode).toBe('node-local');
    expect(dnsPeers(DNS_EGRESS_DEFAULTS, 'kube-system')).toEqual([{ cidr: '169.254.20.10/32' }, kubeDnsPods]);
  });

  test('kube-dns: the pods only; extra CIDRs (the kube-dns Service IP) are added in every mode', () => {
    expect(dnsPeers({ ...DNS_EGRESS_DEFAULTS, mode: 'kube-dns' }, 'kube-system')).toEqual([kubeDnsPods]);
    expect(dnsPeers({ ...DNS_EGRESS_DEFAULTS, mode: 'kube-dns', cidrs: ['10.96.0.10/32'] }, 'kube-system')).toEqual([kubeDnsPods, { cidr: '10.96.0.10/32' }]);
    expect(dnsPeers({ ...DNS_EGRESS_DEFAULTS, nodeLocalAddress: '169.254.0.53', cidrs: ['10.96.0.10/32'] }, 'dns')).toEqual([
      { cidr: '169.254.0.53/32' },
      { namespaceSelector: { 'kubernetes.io/metadata.name': 'dns' }, podSelector: { 'k8s-app': 'kube-dns' } },
      { cidr: '10.96.0.10/32' },
    ]);
  });

  test('cidrs: only the listed resolvers; none is refused (every lookup would fail)', () => {
    expect(dnsPeers({ ...DNS_EGRESS_DEFAULTS, mode: 'cidrs', cidrs: ['10.0.0.2/32'] }, 'kube-system')).toEqual([{ cidr: '10.0.0.2/32' }]);
    expect(() => dnsPeers({ ...DNS_EGRESS_DEFAULTS, mode: 'cidrs', cidrs: [] }, 'kube-system')).toThrow(/every name lookup/);
  });
});

describe('httpsPeers', () => {
  test('no ranges: anywhere but the metadata address and the configured exceptions', () => {
    expect(httpsPeers({ exceptCidrs: ['10.0.0.0/8'] })).toEqual([{ cidr: '0.0.0.0/0', except: [CLOUD_METADATA_CIDR, '10.0.0.0/8'] }]);
  });

  test('ranges given: their union only, each with just the exceptions inside it (an except outside its block is invalid)', () => {
    expect(httpsPeers({
      cidrs: ['10.8.0.0/16'],
      hostCidrs: { 'api.anthropic.com': ['160.79.104.0/23'], 'api.example.com': ['10.8.0.0/16', '169.254.0.0/16'] },
      exceptCidrs: ['10.8.1.0/24'],
    })).toEqual([
      { cidr: '10.8.0.0/16', except: ['10.8.1.0/24'] },
      { cidr: '160.79.104.0/23' },
      { cidr: '169.254.0.0/16', except: [CLOUD_METADATA_CIDR] },
    ]);
  });

  test('IPv4 containment is strict and bit-exact', () => {
    expect(ipv4StrictlyContains('0.0.0.0/0', '169.254.169.254/32')).toBe(true);
    expect(ipv4StrictlyContains('10.8.0.0/16', '10.8.255.0/24')).toBe(true);
    expect(ipv4StrictlyContains('10.8.0.0/16', '10.9.0.0/24')).toBe(false);
    expect(ipv4StrictlyContains('10.8.0.0/16', '10.8.0.0/16')).toBe(false);
    expect(ipv4StrictlyContains('10.8.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(ipv4StrictlyContains('fd00::/8', 'fd00::1/128')).toBe(false);
  });
});

import { cpuCores, memoryMebibytes } from '../../src/model/quantity';

describe('cpuCores', () => {
  it.each([
    ['250m', 0.25],
    ['1500m', 1.5],
    ['1', 1],
    ['1.5', 1.5],
    ['0.1', 0.1],
  ])('%s is %d cores', (q, cores) => expect(cpuCores(q)).toBeCloseTo(cores, 12));

  it.each(['', '250 m', '-1', '1.5m', 'one', '250Mi'])('rejects %j naming the value', (q) => {
    expect(() => cpuCores(q)).toThrow(`"${q}" is not a cpu quantity`);
  });
});

describe('memoryMebibytes', () => {
  it.each([
    ['256Mi', 256],
    ['1Gi', 1024],
    ['1.5Gi', 1536],
    ['512Ki', 0.5],
    ['1Ti', 1024 * 1024],
    ['1048576', 1],
    ['1M', 1e6 / 1048576], // decimal megabyte: 0.9537 MiB
    ['1G', 1e9 / 1048576],
    ['2000k', 2e6 / 1048576],
  ])('%s is %d MiB', (q, mib) => expect(memoryMebibytes(q)).toBeCloseTo(mib, 10));

  it.each(['', '256MB', '256mi', '-1Gi', '1 Gi', 'lots'])('rejects %j naming the value', (q) => {
    expect(() => memoryMebibytes(q)).toThrow(`"${q}" is not a byte quantity`);
  });
});

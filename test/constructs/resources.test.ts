/** Resource quantities of the server container: parsed by the one quantity parser (src/model/quantity.ts), rendered in the form given. */
import { Size } from 'cdk8s';
import { cpu, size } from '../../src/constructs/resources';

describe('cpu', () => {
  test('keeps millicores as millicores and cores as cores', () => {
    expect(cpu('250m').amount).toBe('250m');
    expect(cpu('1').amount).toBe('1');
    expect(cpu('1.5').amount).toBe('1.5');
  });

  test.each(['', '1.5m', '-1', '2 cores', '1e3', '500k'])('refuses %j with the forms it takes', (bad) => {
    expect(() => cpu(bad)).toThrow(`cpu quantity "${bad}" is invalid; use millicores such as "250m" or cores such as "1.5"`);
  });
});

describe('size', () => {
  test.each([
    ['512Ki', 0.5],
    ['256Mi', 256],
    ['2Gi', 2048],
    ['1Ti', 1024 * 1024],
  ])('%s is %d MiB', (quantity, mebibytes) => {
    expect(size(quantity).toMebibytes({ rounding: 2 })).toBe(mebibytes);
  });

  test('is exact where the manifest needs whole units', () => {
    expect(size('4Gi').toGibibytes()).toBe(4);
    expect(() => size('1536Mi').toGibibytes()).toThrow();
    expect(size('1536Mi').toMebibytes()).toBe(Size.mebibytes(1536).toMebibytes());
  });

  test.each(['1G', '512M', '1.5Gi', '100', 'Gi', '-1Gi'])('refuses %j (binary units only)', (bad) => {
    expect(() => size(bad)).toThrow(`byte quantity "${bad}" is invalid; use binary units such as "256Mi" or "1Gi"`);
  });
});

import { ENVIRONMENTS, committed } from '../helpers';

/** For review only: the assertions that matter live in test/charts. */
describe.each(ENVIRONMENTS)('%s snapshot', (env) => {
  test('rendered files', () => {
    const files = committed().files.filter((f) => f.path.startsWith(`${env}/`));
    expect(Object.fromEntries(files.map((f) => [f.path, f.content]))).toMatchSnapshot();
  });
});

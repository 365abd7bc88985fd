import { extractReadmeGraph, readmeGraphIsCurrent, updateReadmeGraph } from '../../src/tools/readme-graph';

const README = [
  '# Project',
  '',
  'How the reference workflow fits together:',
  '',
  '<!-- graph:begin -->',
  '<!-- graph:end -->',
  '',
  '## Next section',
  '',
].join('\n');

const DIAGRAM = 'flowchart LR\n  a["A"] -->|x| b["B"]\n';

describe('README graph block', () => {
  it('writes the diagram between the markers as a mermaid fence, leaving the rest alone', () => {
    const updated = updateReadmeGraph(README, DIAGRAM);
    expect(updated).toBe(
      [
        '# Project',
        '',
        'How the reference workflow fits together:',
        '',
        '<!-- graph:begin -->',
        '```mermaid',
        'flowchart LR',
        '  a["A"] -->|x| b["B"]',
        '```',
        '<!-- graph:end -->',
        '',
        '## Next section',
        '',
      ].join('\n'),
    );
  });

  it('replaces an older diagram, and updating twice changes nothing more', () => {
    const old = updateReadmeGraph(README, 'flowchart LR\n  old --> gone\n');
    const once = updateReadmeGraph(old, DIAGRAM);
    expect(once).not.toContain('old --> gone');
    expect(updateReadmeGraph(once, DIAGRAM)).toBe(once);
  });

  it('tells whether the embedded diagram is current', () => {
    const updated = updateReadmeGraph(README, DIAGRAM);
    expect(readmeGraphIsCurrent(updated, DIAGRAM)).toBe(true);
    expect(readmeGraphIsCurrent(updated, DIAGRAM.replace('|x|', '|y|'))).toBe(false);
    expect(readmeGraphIsCurrent(README, DIAGRAM)).toBe(false);
    // Windows line endings in a checked-out README do not make it stale.
    expect(readmeGraphIsCurrent(updated.replace(/\n/g, '\r\n'), DIAGRAM)).toBe(true);
    expect(extractReadmeGraph(updated)).toBe('flowchart LR\n  a["A"] -->|x| b["B"]');
  });

  it('refuses a README without exactly one pair of markers in order, saying what to do', () => {
    expect(() => updateReadmeGraph('# no markers\n', DIAGRAM)).toThrow('exactly one <!-- graph:begin --> and one <!-- graph:end --> (found 0 and 0)');
    expect(() => readmeGraphIsCurrent(README + README, DIAGRAM)).toThrow('(found 2 and 2)');
    expect(() => updateReadmeGraph('<!-- graph:end -->\n<!-- graph:begin -->\n', DIAGRAM)).toThrow('comes before');
  });
});

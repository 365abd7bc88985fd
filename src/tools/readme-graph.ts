/**
 * Keeps a Mermaid diagram embedded in a README between two markers:
 *
 *     <!-- graph:begin -->
 *     ```mermaid
 *     flowchart LR
 *       ...
 *     ```
 *     <!-- graph:end -->
 *
 * `updateReadmeGraph` rewrites the block; `readmeGraphIsCurrent` tells a staleness test whether the
 * embedded diagram equals a fresh one (line endings and trailing blank lines aside).
 */

export const GRAPH_BEGIN_MARKER = '<!-- graph:begin -->';
export const GRAPH_END_MARKER = '<!-- graph:end -->';

interface MarkerSpan {
  /** Index just after the begin marker. */
  readonly start: number;
  /** Index of the end marker. */
  readonly end: number;
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function findMarkers(readmeText: string): MarkerSpan {
  const begins = countOf(readmeText, GRAPH_BEGIN_MARKER);
  const ends = countOf(readmeText, GRAPH_END_MARKER);
  if (begins !== 1 || ends !== 1) {
    throw new Error(
      `the README must hold exactly one ${GRAPH_BEGIN_MARKER} and one ${GRAPH_END_MARKER} ` +
        `(found ${begins} and ${ends}); put the pair on their own lines where the diagram goes`,
    );
  }
  const start = readmeText.indexOf(GRAPH_BEGIN_MARKER) + GRAPH_BEGIN_MARKER.length;
  const end = readmeText.indexOf(GRAPH_END_MARKER);
  if (end < start) throw new Error(`${GRAPH_END_MARKER} comes before ${GRAPH_BEGIN_MARKER} in the README; swap them`);
  return { start, end };
}

function normalize(mermaid: string): string {
  return mermaid.replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

/** A fence longer than any backtick run in the diagram. */
function fenceFor(mermaid: string): string {
  const longest = Math.max(0, ...(mermaid.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** The README with the block between the markers replaced by a ```mermaid fence holding `mermaid`. */
export function updateReadmeGraph(readmeText: string, mermaid: string): string {
  const { start, end } = findMarkers(readmeText);
  const body = normalize(mermaid);
  const fence = fenceFor(body);
  return `${readmeText.slice(0, start)}\n${fence}mermaid\n${body}\n${fence}\n${readmeText.slice(end)}`;
}

/** The diagram currently embedded between the markers, or `undefined` when the block holds no mermaid fence. */
export function extractReadmeGraph(readmeText: string): string | undefined {
  const { start, end } = findMarkers(readmeText);
  const block = readmeText.slice(start, end).replace(/\r\n/g, '\n');
  const match = /^\s*(`{3,})mermaid[ \t]*\n([\s\S]*?)\n\1[ \t]*\n?\s*$/.exec(block);
  return match ? normalize(match[2]) : undefined;
}

/** True when the README's embedded diagram equals `mermaid`. Throws when the markers are missing or out of order. */
export function readmeGraphIsCurrent(readmeText: string, mermaid: string): boolean {
  return extractReadmeGraph(readmeText) === normalize(mermaid);
}

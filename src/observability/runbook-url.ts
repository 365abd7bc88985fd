/** Links from alerts to their runbook section. */

/** `<runbookBaseUrl>#<anchor>`; the anchor is a section id in docs/runbooks.md. */
export function runbookUrl(runbookBaseUrl: string, anchor: string): string {
  if (!/^https?:\/\/\S+$/.test(runbookBaseUrl) || runbookBaseUrl.includes('#')) {
    throw new Error(
      `runbookBaseUrl "${runbookBaseUrl}" must be an http(s) URL of docs/runbooks.md without a #fragment, ` +
        'e.g. https://github.com/acme/platform/blob/main/docs/runbooks.md',
    );
  }
  return `${runbookBaseUrl}#${anchor}`;
}

/**
 * The config format's version. Every config file starts with `apiVersion: langgraph.platform/v1`,
 * so a file written for another format is refused with what to do, instead of being misread
 * field by field. A change of format gets a new version (and a CHANGELOG entry saying how to move).
 */
import { ConfigIssue } from './errors';

/** The key every config file carries at its top level. */
export const CONFIG_VERSION_KEY = 'apiVersion';
/** The one config format this release reads. */
export const CONFIG_API_VERSION = 'langgraph.platform/v1';

/**
 * The problem with a config file's version (`data` is its top-level mapping), or undefined when
 * it carries the supported one. `file` is relative to the config folder, with `:line` when known.
 */
export function configVersionIssue(file: string, data: Readonly<Record<string, unknown>>): ConfigIssue | undefined {
  const version = data[CONFIG_VERSION_KEY];
  const set = `\`${CONFIG_VERSION_KEY}: ${CONFIG_API_VERSION}\``;
  if (version === undefined || version === null) {
    return { file, key: CONFIG_VERSION_KEY, message: `is missing: every config file names the format it is written in; add ${set} at the top of the file (the format this release reads)` };
  }
  if (version === CONFIG_API_VERSION) return undefined;
  return {
    file,
    key: CONFIG_VERSION_KEY,
    value: version,
    message: `is not a config format this release reads (it reads ${CONFIG_API_VERSION} only); rewrite the file in that format and set ${set} (CHANGELOG.md says what changed between formats), or use the langgraph-platform release that reads ${JSON.stringify(version)}`,
  };
}

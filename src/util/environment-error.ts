/**
 * A problem with the surroundings, not with the code: a missing or unreadable input, an output
 * folder that cannot be written. Commands print it as one line, never with a stack, and exit 2
 * (src/cli/command.ts).
 */
export class EnvironmentError extends Error {}

/**
 * Compiled schema validators kept on disk between runs. ajv compiles each kind's schema to a
 * JavaScript function; for the Kubernetes definitions and the big CRDs (Rollout,
 * AnalysisTemplate, the Istio kinds) that costs about 1.5 s per process, more than rendering a
 * small catalog. The cache stores ajv's standalone code of each validator under a content hash
 * of everything that determines it — the schema, the definitions it may reference, ajv's version
 * and options — so a changed schema, CRD or ajv simply misses. A missing or unreadable entry is
 * compiled again; a cache that cannot be written is skipped. The folder lives in
 * node_modules/.cache (outside git, beside the `ajv` the generated code requires).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

export interface ValidatorCacheProps {
  /** Folder of cached validators (created on first write). */
  readonly dir: string;
  /** Everything besides the schema itself that decides the compiled code (hashed into every key). */
  readonly fingerprint: string;
}

export class ValidatorCache {
  /** `<project>/node_modules/.cache/langgraph-platform/validators`. */
  static defaultDir(projectRoot: string): string {
    return path.join(projectRoot, 'node_modules', '.cache', 'langgraph-platform', 'validators');
  }

  /** A fingerprint for an ajv instance: ajv's version and options plus the caller's inputs (e.g. a hash of shared definitions). */
  static fingerprintOf(ajvOptions: object, ...inputs: readonly string[]): string {
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    return sha256([ajvVersion, JSON.stringify(ajvOptions), ...inputs].join('\0'));
  }

  constructor(private readonly props: ValidatorCacheProps) {}

  /** The validator for `schema`: loaded from the cache, or compiled by `ajv` (created with `code: { source: true }`) and stored. */
  compile(ajv: Ajv, schema: object): ValidateFunction {
    const file = path.join(this.props.dir, `${sha256(`${this.props.fingerprint}\0${JSON.stringify(schema)}`)}.js`);
    const cached = this.load(file);
    if (cached) return cached;
    const validator = ajv.compile(schema);
    this.store(file, standaloneCode(ajv, validator));
    return validator;
  }

  private load(file: string): ValidateFunction | undefined {
    if (!fs.existsSync(file)) return undefined;
    try {
      const loaded = require(file) as ValidateFunction | { default?: ValidateFunction };
      const validator = typeof loaded === 'function' ? loaded : loaded.default;
      return typeof validator === 'function' ? validator : undefined;
    } catch {
      return undefined; // truncated or from an incompatible ajv: compile again (and overwrite)
    }
  }

  private store(file: string, code: string): void {
    try {
      fs.mkdirSync(this.props.dir, { recursive: true });
      // Write-then-rename: concurrent processes and threads never see half a file.
      const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    } catch {
      // A read-only tree only loses the speed-up.
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What the schema registry derives from its inputs, kept on disk between runs:
 *  - compiled validators: ajv compiles each kind's schema to a JavaScript function; for the
 *    Kubernetes definitions and the big CRDs (Rollout, AnalysisTemplate, the Istio kinds) that
 *    costs about 1.5 s per process, more than rendering a small catalog. Stored as ajv's
 *    standalone code.
 *  - parsed CRD files: parsing the CRDs' YAML costs about 0.3 s per process; stored as JSON.
 * Every entry is named by a content hash of everything that determines it (the schema and the
 * definitions it may reference, ajv's version and options; the CRD file's path and text and the
 * parser's own code), so a changed schema, CRD, parser or ajv simply misses. A missing or
 * unreadable entry is computed again; a cache that cannot be written is skipped. The folder lives
 * in node_modules/.cache (outside git, beside the `ajv` the generated code requires).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { CrdVersionSchema } from './schema-sources';

export interface SchemaCacheProps {
  /** Folder of the cache (created on first write). */
  readonly dir: string;
  /** Everything besides the schema itself that decides a compiled validator (hashed into its key). */
  readonly validatorFingerprint: string;
}

export class SchemaCache {
  /** `<project>/node_modules/.cache/langgraph-platform/schemas`. */
  static defaultDir(projectRoot: string): string {
    return path.join(projectRoot, 'node_modules', '.cache', 'langgraph-platform', 'schemas');
  }

  /** A validator fingerprint: ajv's version and options plus the caller's inputs (e.g. the shared definitions). */
  static fingerprintOf(ajvOptions: object, ...inputs: readonly string[]): string {
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    return sha256([ajvVersion, JSON.stringify(ajvOptions), ...inputs].join('\0'));
  }

  constructor(private readonly props: SchemaCacheProps) {}

  /** The validator for `schema`: loaded from the cache, or compiled by `ajv` (created with `code: { source: true }`) and stored. */
  compile(ajv: Ajv, schema: object): ValidateFunction {
    const file = this.entry('validators', `${this.props.validatorFingerprint}\0${JSON.stringify(schema)}`, '.js');
    const cached = loadModule(file);
    if (cached) return cached;
    const validator = ajv.compile(schema);
    this.store(file, standaloneCode(ajv, validator));
    return validator;
  }

  /** `parse(file, text)`, from the cache when this very text was parsed by this very parser before. */
  crdVersions(file: string, text: string, parse: (file: string, text: string) => CrdVersionSchema[]): CrdVersionSchema[] {
    const entry = this.entry('crds', `${parse.toString()}\0${file}\0${text}`, '.json');
    try {
      if (fs.existsSync(entry)) return JSON.parse(fs.readFileSync(entry, 'utf8')) as CrdVersionSchema[];
    } catch {
      // truncated: parse again (and overwrite)
    }
    const versions = parse(file, text);
    this.store(entry, JSON.stringify(versions));
    return versions;
  }

  private entry(kind: string, key: string, extension: string): string {
    return path.join(this.props.dir, kind, `${sha256(key)}${extension}`);
  }

  private store(file: string, content: string): void {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Write-then-rename: concurrent processes and threads never see half a file.
      const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      fs.writeFileSync(partial, content);
      fs.renameSync(partial, file);
    } catch {
      // A read-only tree only loses the speed-up.
    }
  }
}

function loadModule(file: string): ValidateFunction | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const loaded = require(file) as ValidateFunction | { default?: ValidateFunction };
    const validator = typeof loaded === 'function' ? loaded : loaded.default;
    return typeof validator === 'function' ? validator : undefined;
  } catch {
    return undefined; // truncated or from an incompatible ajv: compile again (and overwrite)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

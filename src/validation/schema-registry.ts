/**
 * Strict JSON-schema validation of rendered Kubernetes objects, as `kubeconform -strict` would
 * do it, for every kind the project can render: core kinds from the Kubernetes 1.27 definitions,
 * custom resources from their CRD's `openAPIV3Schema` (both in the package's `schemas/` folder).
 *
 * Cost model: the definitions are read once per registry; a CRD file is parsed only when an
 * object of a kind it may define is first seen; each kind's validator is compiled by ajv on
 * first use, only for the kinds validated, and kept on disk (schema-cache.ts): with every
 * validator there, ajv is never even created. Keep one registry per process (see
 * {@link defaultSchemaRegistry}).
 */
import * as fs from 'fs';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import {
  apiVersionOf,
  CrdVersionSchema,
  findProjectRoot,
  gvkKey,
  listCrdFiles,
  mayDefineKind,
  readCrdVersions,
  readKubernetesDefinitions,
  schemaSourcePaths,
  SchemaSourceError,
} from './schema-sources';
import {
  escapePointer,
  isPlainObject,
  OBJECT_META_DEFINITION,
  SkippedPattern,
  toCustomResourceSchema,
  toStrictDefinitions,
  toStrictSchema,
} from './strict-schema';
import { ObjectIdentity, SchemaViolation, violationsFromAjvErrors } from './schema-violation';
import { SchemaCache, sha256 } from './schema-cache';
import { shareRepeatedSubschemas } from './shared-subschemas';

export type { SchemaViolation } from './schema-violation';
export { formatSchemaViolation } from './schema-violation';
export { isSchemaSourceError, SchemaSourceError } from './schema-sources';

export interface SchemaRegistryOptions {
  /**
   * A schemas folder holding `kubernetes/k8s-v1.27.0-definitions.json` and `crds/`.
   * @default the package's own `schemas/` folder (beside its package.json)
   */
  readonly schemasDir?: string;
  /**
   * The Kubernetes definitions file.
   * @default `<schemasDir>/kubernetes/k8s-v1.27.0-definitions.json`
   */
  readonly definitionsFile?: string;
  /**
   * Folders of CustomResourceDefinition files (`*.yaml`, `*.yml`, `*.json`; multi-document YAML is fine).
   * @default [`<schemasDir>/crds`]
   */
  readonly crdDirs?: readonly string[];
  /**
   * Folder where compiled validators and parsed CRD files are kept between runs (see
   * schema-cache.ts), or `false` to parse and compile everything in every process.
   * @default `node_modules/.cache/langgraph-platform/schemas` under the project root
   */
  readonly schemaCacheDir?: string | false;
}

/** A `pattern` in some schema that the gate cannot check, because JavaScript cannot compile it. */
export interface SkippedSchemaPattern extends SkippedPattern {
  /** `apiVersion kind` of the schema, or `definitions` for the Kubernetes definitions file. */
  readonly source: string;
}

/** ajv `$id` of the one schema that holds every (strict) Kubernetes definition. */
const K8S_SCHEMA_ID = 'k8s';

const AJV_OPTIONS = {
  allErrors: true, // report every problem, not just the first
  verbose: true, // errors carry the data and parent schema: values and allowed-field hints
  strict: false, // schemas carry annotations ajv does not know (description, example, default…)
  validateFormats: false, // OpenAPI formats (int32, byte…) are stripped; never fail on a stray one
  validateSchema: false, // the inputs are upstream API schemas; checking them against the meta-schema only costs time
  code: { source: true }, // keep each validator's source, so that it can be cached on disk
} as const;

/**
 * For custom resources: their schemas have no `$ref`s of their own, only ObjectMeta's and the
 * shared subschemas (shared-subschemas.ts), which must stay functions to be compiled once.
 */
const CRD_AJV_OPTIONS = { ...AJV_OPTIONS, inlineRefs: false } as const;

/** The modules that derive a validator's schema from the sources: part of the cache's generation. */
const DERIVING_MODULES = ['./schema-registry', './strict-schema', './shared-subschemas', './schema-sources'];

export class SchemaRegistry {
  private readonly definitionsFile: string;
  private readonly crdDirs: readonly string[];
  /** The Kubernetes definitions, as read (made strict on first compile). */
  private readonly definitions: Readonly<Record<string, unknown>>;
  /** gvkKey → definition name, for core kinds. */
  private readonly coreKinds: ReadonlyMap<string, string>;
  /** gvkKey → CRD version, for every CRD file parsed so far. */
  private readonly crdVersions = new Map<string, CrdVersionSchema>();
  private readonly parsedCrdFiles = new Set<string>();
  /** Kinds whose candidate CRD files have all been parsed (so a miss is final). */
  private readonly scannedKinds = new Set<string>();
  private crdFileTexts: Map<string, string> | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly skipped: SkippedSchemaPattern[] = [];
  private readonly cache: SchemaCache | undefined;
  /** Created on the first compile: with every validator in the cache, ajv never is. */
  private ajv: Ajv | undefined;
  private crdAjv: Ajv | undefined;
  private strict: { readonly definitions: Record<string, unknown>; readonly skipped: readonly SkippedSchemaPattern[] } | undefined;

  constructor(options: SchemaRegistryOptions = {}) {
    const defaults = schemaSourcePaths(options.schemasDir);
    this.definitionsFile = options.definitionsFile ?? defaults.definitionsFile;
    this.crdDirs = options.crdDirs ?? defaults.crdDirs;

    const k8s = readKubernetesDefinitions(this.definitionsFile);
    this.definitions = k8s.definitions;
    this.coreKinds = k8s.kinds;

    const cacheDir = options.schemaCacheDir ?? SchemaCache.defaultDir(findProjectRoot());
    this.cache = cacheDir === false ? undefined : new SchemaCache({
      dir: cacheDir,
      sources: [path.resolve(this.definitionsFile), ...this.crdDirs.map((d) => path.resolve(d))],
      // Everything a validator or a parsed CRD derives from: the definitions and every CRD file as
      // they are, and the code that makes them strict (core validators reference the definitions,
      // CRD validators ObjectMeta).
      // Entries are named by kind, so this is all that tells one schema from another.
      generationKey: () => SchemaCache.generationKeyOf(
        { AJV_OPTIONS, CRD_AJV_OPTIONS },
        K8S_SCHEMA_ID,
        sha256(fs.readFileSync(this.definitionsFile)),
        ...DERIVING_MODULES.map((m) => sha256(fs.readFileSync(require.resolve(m)))),
        ...[...this.crdTexts()].map(([file, text]) => `${path.basename(file)}\0${sha256(text)}`),
      ),
    });
  }

  /** Whether a schema exists for this apiVersion and kind (served CRD versions only). */
  has(apiVersion: string, kind: string): boolean {
    const key = gvkKey(apiVersion, kind);
    if (this.coreKinds.has(key)) return true;
    return this.crdVersion(apiVersion, kind)?.served === true;
  }

  /**
   * Validates one rendered object strictly. Returns every violation (empty when valid); never
   * throws for a bad object. The object is validated as it is, `apiVersion` and `kind` included.
   */
  validate(obj: unknown): SchemaViolation[] {
    const identity = identityOf(obj);
    if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !obj.apiVersion || !obj.kind) {
      return [{ ...identity, path: '', message: 'not a Kubernetes object: `apiVersion` and `kind` must be non-empty strings', value: obj }];
    }
    const validator = this.validatorFor(obj.apiVersion, obj.kind);
    if (typeof validator === 'string') return [{ ...identity, path: '', message: validator }];
    if (validator(obj)) return [];
    return violationsFromAjvErrors(validator.errors ?? [], identity);
  }

  /** Patterns dropped from the schemas compiled so far (Go-only regex syntax), for transparency. */
  skippedPatterns(): readonly SkippedSchemaPattern[] {
    return [...this.strictDefinitions().skipped, ...this.skipped];
  }

  /** The compiled validator, or why there is none. */
  private validatorFor(apiVersion: string, kind: string): ValidateFunction | string {
    const key = gvkKey(apiVersion, kind);
    const known = this.validators.get(key);
    if (known) return known;
    const built = this.build(apiVersion, kind);
    if (typeof built !== 'string') this.validators.set(key, built);
    return built;
  }

  /** The validator of a kind: from the disk cache, else compiled (and cached). */
  private build(apiVersion: string, kind: string): ValidateFunction | string {
    const key = gvkKey(apiVersion, kind);
    const cached = this.cache?.cached(key);
    if (cached) {
      this.skipped.push(...(cached.extra as SkippedSchemaPattern[]));
      return cached.validator;
    }

    let validator: ValidateFunction;
    const definition = this.coreKinds.get(key);
    if (definition) {
      validator = this.compile(key, this.compiler(), { $ref: `${K8S_SCHEMA_ID}#/definitions/${escapePointer(definition)}` }, []);
    } else {
      const crd = this.crdVersion(apiVersion, kind);
      if (!crd) {
        return `no schema for apiVersion/kind ${apiVersion}/${kind}: not a Kubernetes 1.27 kind and no CRD defines it — is the CRD in ${this.crdDirs.join(', ')}? (check the spelling of apiVersion and kind)`;
      }
      if (!crd.served) {
        return `apiVersion ${apiVersion} of ${kind} is not served by its CRD (${crd.file}); use a served version: ${this.servedVersionsOf(crd).join(', ') || 'none'}`;
      }
      if (!crd.openAPIV3Schema) {
        return `the CRD for ${apiVersion} ${kind} (${crd.file}) has no openAPIV3Schema to validate against`;
      }
      const objectMetaRef = `${K8S_SCHEMA_ID}#/definitions/${escapePointer(OBJECT_META_DEFINITION)}`;
      const strict = toStrictSchema(toCustomResourceSchema(crd.openAPIV3Schema, objectMetaRef));
      const skipped = strict.skippedPatterns.map((s) => ({ ...s, source: `${apiVersion} ${kind}` }));
      this.skipped.push(...skipped);
      validator = this.compile(key, this.crdCompiler(), shareRepeatedSubschemas(strict.schema), skipped);
    }
    return validator;
  }

  private compile(key: string, ajv: Ajv, schema: object, skipped: readonly SkippedSchemaPattern[]): ValidateFunction {
    return this.cache ? this.cache.compile(key, ajv, schema, skipped) : ajv.compile(schema);
  }

  /** ajv with the strict Kubernetes definitions, created on first use. */
  private compiler(): Ajv {
    this.ajv ??= this.newAjv(AJV_OPTIONS);
    return this.ajv;
  }

  /** The same for custom resources (see {@link CRD_AJV_OPTIONS}). */
  private crdCompiler(): Ajv {
    this.crdAjv ??= this.newAjv(CRD_AJV_OPTIONS);
    return this.crdAjv;
  }

  private newAjv(options: typeof AJV_OPTIONS | typeof CRD_AJV_OPTIONS): Ajv {
    // Loaded only to compile: with every validator cached, a run never loads the compiler.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const ajv = new AjvClass(options);
    ajv.addSchema({ $id: K8S_SCHEMA_ID, definitions: this.strictDefinitions().definitions });
    return ajv;
  }

  /** The definitions made strict (and the patterns that dropped), once. */
  private strictDefinitions(): { readonly definitions: Record<string, unknown>; readonly skipped: readonly SkippedSchemaPattern[] } {
    if (!this.strict) {
      const strict = toStrictDefinitions(this.definitions);
      this.strict = { definitions: strict.definitions, skipped: strict.skippedPatterns.map((s) => ({ ...s, source: 'definitions' })) };
    }
    return this.strict;
  }

  /** Every CRD file's text, read once. */
  private crdTexts(): ReadonlyMap<string, string> {
    this.crdFileTexts ??= new Map(listCrdFiles(this.crdDirs).map((file) => [file, fs.readFileSync(file, 'utf8')]));
    return this.crdFileTexts;
  }

  private crdVersion(apiVersion: string, kind: string): CrdVersionSchema | undefined {
    const key = gvkKey(apiVersion, kind);
    if (!this.crdVersions.has(key)) this.parseCrdFilesMentioning(kind);
    return this.crdVersions.get(key);
  }

  private parseCrdFilesMentioning(kind: string): void {
    if (this.scannedKinds.has(kind)) return;
    this.scannedKinds.add(kind);
    for (const [file, text] of this.crdTexts()) {
      if (this.parsedCrdFiles.has(file) || !mayDefineKind(text, kind)) continue;
      this.parsedCrdFiles.add(file);
      for (const version of this.cache ? this.cache.crdVersions(file, text, readCrdVersions) : readCrdVersions(file, text)) {
        const key = gvkKey(apiVersionOf(version), version.kind);
        const existing = this.crdVersions.get(key);
        if (existing && existing.file !== file) {
          throw new SchemaSourceError(`${apiVersionOf(version)} ${version.kind} is defined by two CRD files: ${existing.file} and ${file}; keep one`);
        }
        this.crdVersions.set(key, version);
      }
    }
  }

  private servedVersionsOf(crd: CrdVersionSchema): string[] {
    return [...this.crdVersions.values()]
      .filter((v) => v.served && v.group === crd.group && v.kind === crd.kind)
      .map((v) => apiVersionOf(v));
  }
}

let processRegistry: SchemaRegistry | undefined;

/** One registry over the package's own schemas/ folder, created on first use and kept for the process. */
export function defaultSchemaRegistry(): SchemaRegistry {
  processRegistry ??= new SchemaRegistry();
  return processRegistry;
}

function identityOf(obj: unknown): ObjectIdentity {
  const o = isPlainObject(obj) ? obj : {};
  const metadata = isPlainObject(o.metadata) ? o.metadata : {};
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
    kind: typeof o.kind === 'string' ? o.kind : '',
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}

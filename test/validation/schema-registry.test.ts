import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { SchemaRegistry, SchemaViolation } from '../../src/validation/schema-registry';
import { javaScriptPatternError, toStrictSchema } from '../../src/validation/strict-schema';
import { mayDefineKind } from '../../src/validation/schema-sources';
import { kubeconformFileName, writeKubeconformSchemas } from '../../scripts/kubeconform-schemas';
import * as fixtures from '../fixtures/schema/valid-objects';

const FIXTURE_CRDS = path.join(__dirname, '..', 'fixtures', 'schema', 'crds');

/** Sets `value` at a slash-separated path inside `obj`, creating objects on the way. */
function setPath(obj: Record<string, unknown>, pointer: string, value: unknown): void {
  const parts = pointer.split('/').filter(Boolean);
  let node: any = obj;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part];
  }
  node[parts[parts.length - 1]] = value;
}

function paths(violations: readonly SchemaViolation[]): string[] {
  return violations.map((v) => v.path);
}

let registry: SchemaRegistry;
beforeAll(() => {
  registry = new SchemaRegistry();
});

describe('SchemaRegistry: valid objects pass', () => {
  it.each(fixtures.allValidObjects().map((o) => [`${o.apiVersion} ${o.kind}`, o] as const))('%s', (_, obj) => {
    expect(registry.validate(obj)).toEqual([]);
  });

  it('knows core kinds and served CRD versions, and nothing else', () => {
    expect(registry.has('apps/v1', 'Deployment')).toBe(true);
    expect(registry.has('autoscaling/v2', 'HorizontalPodAutoscaler')).toBe(true);
    expect(registry.has('argoproj.io/v1alpha1', 'Rollout')).toBe(true);
    expect(registry.has('monitoring.coreos.com/v1', 'PrometheusRule')).toBe(true);
    expect(registry.has('apps/v1', 'Rollout')).toBe(false);
    expect(registry.has('example.com/v1', 'Widget')).toBe(false);
    // In the CRD file, but `served: false`: the API server would reject it.
    expect(registry.has('external-secrets.io/v1beta1', 'ExternalSecret')).toBe(false);
    expect(registry.has('external-secrets.io/v1', 'ExternalSecret')).toBe(true);
  });
});

describe('SchemaRegistry: strictness on core kinds', () => {
  it('rejects an unknown top-level field with its path and the allowed fields', () => {
    const obj = fixtures.deployment();
    obj.replicas = 3; // belongs under spec
    const violations = registry.validate(obj);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'demo',
      name: 'demo-api',
      path: '/replicas',
      value: 3,
    });
    expect(violations[0].message).toContain('unknown field `replicas`');
    expect(violations[0].message).toContain('allowed here: apiVersion, kind, metadata, spec, status');
  });

  it('rejects an unknown field deep in the pod spec, suggesting the likely intended one', () => {
    const obj = fixtures.deployment();
    setPath(obj, 'spec/template/spec/containers/0/imagePullPolicyy', 'Always');
    const violations = registry.validate(obj);
    expect(paths(violations)).toEqual(['/spec/template/spec/containers/0/imagePullPolicyy']);
    expect(violations[0].message).toMatch(/unknown field `imagePullPolicyy`; did you mean `imagePullPolicy`\?/);
  });

  it('rejects unknown fields in metadata (ObjectMeta is strict too)', () => {
    const obj = fixtures.service();
    obj.metadata.label = { a: 'b' };
    expect(paths(registry.validate(obj))).toEqual(['/metadata/label']);
  });

  it('rejects a wrong type with the expected and actual types and the value', () => {
    const obj = fixtures.deployment();
    setPath(obj, 'spec/replicas', '3');
    const violations = registry.validate(obj);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ path: '/spec/replicas', value: '3' });
    expect(violations[0].message).toBe('expected integer, got string');
  });

  it('reports every problem, not only the first', () => {
    const obj = fixtures.deployment();
    setPath(obj, 'spec/replicas', 'three');
    setPath(obj, 'spec/template/spec/hostNetwrk', true);
    setPath(obj, 'spec/template/spec/containers/0/ports/0/containerPort', '8000');
    expect(paths(registry.validate(obj)).sort()).toEqual([
      '/spec/replicas',
      '/spec/template/spec/containers/0/ports/0/containerPort',
      '/spec/template/spec/hostNetwrk',
    ]);
  });

  it('reports a missing required field at its own path', () => {
    const obj = fixtures.deployment();
    delete (obj.spec as any).selector;
    const violations = registry.validate(obj);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ path: '/spec/selector', message: 'missing required field `selector`' });
  });

  it('validates kind against the definition (the kind enum is checked, not assumed)', () => {
    // A Deployment body under the Service kind is invalid in many places, starting with spec.
    const obj = { ...fixtures.deployment(), apiVersion: 'v1', kind: 'Service' };
    expect(registry.validate(obj).length).toBeGreaterThan(0);
  });

  describe('IntOrString accepts an integer or a string, nothing else', () => {
    it.each([1, '25%', 0])('Deployment maxSurge %p', (maxSurge) => {
      const obj = fixtures.deployment();
      setPath(obj, 'spec/strategy/rollingUpdate/maxSurge', maxSurge);
      expect(registry.validate(obj)).toEqual([]);
    });
    it.each([8000, 'http'])('Service targetPort %p', (targetPort) => {
      const obj = fixtures.service();
      setPath(obj, 'spec/ports/0/targetPort', targetPort);
      expect(registry.validate(obj)).toEqual([]);
    });
    it.each([true, 1.5, { port: 80 }])('rejects %p with one readable message', (bad) => {
      const obj = fixtures.service();
      setPath(obj, 'spec/ports/0/targetPort', bad);
      const violations = registry.validate(obj);
      expect(violations).toHaveLength(1);
      expect(violations[0].path).toBe('/spec/ports/0/targetPort');
      expect(violations[0].message).toMatch(/^expected integer or string, got /);
    });
  });

  describe('Quantity accepts a string or a number', () => {
    it.each(['250m', 1, 0.5, '1Gi'])('cpu request %p', (cpu) => {
      const obj = fixtures.deployment();
      setPath(obj, 'spec/template/spec/containers/0/resources/requests/cpu', cpu);
      expect(registry.validate(obj)).toEqual([]);
    });
    it('rejects a boolean', () => {
      const obj = fixtures.deployment();
      setPath(obj, 'spec/template/spec/containers/0/resources/limits/memory', true);
      const violations = registry.validate(obj);
      expect(paths(violations)).toEqual(['/spec/template/spec/containers/0/resources/limits/memory']);
      expect(violations[0].message).toBe('expected number or string, got boolean');
    });
  });

  it('reports an object without apiVersion/kind instead of guessing a schema', () => {
    const violations = registry.validate({ metadata: { name: 'x' } });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ path: '', name: 'x' });
    expect(violations[0].message).toMatch(/`apiVersion` and `kind` must be non-empty strings/);
  });
});

describe('SchemaRegistry: custom resources', () => {
  it('rejects an unknown field under spec.strategy.canary of a Rollout', () => {
    const obj = fixtures.rollout();
    setPath(obj, 'spec/strategy/canary/stepz', []);
    const violations = registry.validate(obj);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'Rollout', path: '/spec/strategy/canary/stepz' });
    expect(violations[0].message).toMatch(/unknown field `stepz`; did you mean `steps`\?/);
  });

  it('rejects unknown fields in a Rollout pod template and in its metadata (the CRD says only `type: object`)', () => {
    const obj = fixtures.rollout();
    setPath(obj, 'spec/template/spec/containers/0/securityContex', {});
    obj.metadata.labelz = {};
    expect(paths(registry.validate(obj)).sort()).toEqual(['/metadata/labelz', '/spec/template/spec/containers/0/securityContex']);
  });

  it('honours x-kubernetes-int-or-string in CRDs', () => {
    for (const maxSurge of [1, '25%']) {
      const obj = fixtures.rollout();
      setPath(obj, 'spec/strategy/canary/maxSurge', maxSurge);
      expect(registry.validate(obj)).toEqual([]);
    }
    const bad = fixtures.rollout();
    setPath(bad, 'spec/strategy/canary/maxSurge', false);
    expect(registry.validate(bad).map((v) => [v.path, v.message])).toEqual([
      ['/spec/strategy/canary/maxSurge', 'expected integer or string, got boolean'],
    ]);
  });

  it('accepts anything under x-kubernetes-preserve-unknown-fields, but not next to it', () => {
    const free = fixtures.rollout();
    setPath(free, 'spec/strategy/canary/trafficRouting/plugins', { 'argoproj-labs/gatewayAPI': { anything: { deep: [1, 'x', { y: null }] } } });
    expect(registry.validate(free)).toEqual([]);

    const sibling = fixtures.rollout();
    setPath(sibling, 'spec/strategy/canary/trafficRouting/plugin', {});
    expect(paths(registry.validate(sibling))).toEqual(['/spec/strategy/canary/trafficRouting/plugin']);
  });

  it('validates a PrometheusRule group and rejects an unknown rule field', () => {
    expect(registry.validate(fixtures.prometheusRule())).toEqual([]);
    const bad = fixtures.prometheusRule();
    setPath(bad, 'spec/groups/0/rules/1/severity', 'page');
    expect(paths(registry.validate(bad))).toEqual(['/spec/groups/0/rules/1/severity']);
  });

  it('does not crash on the Go-only (?i) pattern of PrometheusRule, skips it and says so', () => {
    const obj = fixtures.prometheusRule();
    // `^(?i)(abort|warn)?$` in the CRD: upper case is valid for the API server.
    setPath(obj, 'spec/groups/0/partial_response_strategy', 'ABORT');
    expect(registry.validate(obj)).toEqual([]);
    expect(registry.skippedPatterns()).toContainEqual(
      expect.objectContaining({ source: 'monitoring.coreos.com/v1 PrometheusRule', pattern: '^(?i)(abort|warn)?$' }),
    );
  });

  it('declares apiVersion, kind and metadata on CRDs whose schema omits them (Istio)', () => {
    expect(registry.validate(fixtures.virtualService())).toEqual([]);
    const bad = fixtures.virtualService();
    bad.status2 = {};
    setPath(bad, 'metadata/annotations', { ok: 'yes' });
    expect(paths(registry.validate(bad))).toEqual(['/status2']);
  });

  it('collapses a oneOf cascade into one message that names the exclusive fields', () => {
    const obj = fixtures.virtualService();
    setPath(obj, 'spec/http/0/match', [{ uri: { prefix: '/', exact: '/x' } }]);
    const violations = registry.validate(obj);
    expect(violations).toHaveLength(1);
    expect(violations[0].path).toBe('/spec/http/0/match/0/uri');
    expect(violations[0].message).toBe('`exact` and `prefix` are mutually exclusive; set only one of them');
  });

  it('gives the "no schema" violation for an unknown apiVersion/kind', () => {
    const violations = registry.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'n', name: 'w', path: '' });
    expect(violations[0].message).toMatch(/^no schema for apiVersion\/kind example\.com\/v1\/Widget/);
    expect(violations[0].message).toMatch(/is the CRD in .*crds\?/);
  });

  it('names the served versions when an unserved CRD version is used', () => {
    const violations = registry.validate({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'e' } });
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toMatch(/not served .*use a served version: external-secrets\.io\/v1$/);
  });
});

describe('SchemaRegistry with a synthetic CRD folder', () => {
  let widgets: SchemaRegistry;
  beforeAll(() => {
    widgets = new SchemaRegistry({ crdDirs: [FIXTURE_CRDS] });
  });
  const widget = (spec: Record<string, unknown>) => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'n' },
    spec: { colour: 'red', target: { byName: 'x' }, ...spec },
  });

  it('reads every document of a multi-document CRD file', () => {
    expect(widgets.has('example.com/v1', 'Widget')).toBe(true);
    expect(widgets.has('example.com/v1', 'Gadget')).toBe(true);
    expect(widgets.validate({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { enabled: true } })).toEqual([]);
    expect(widgets.has('example.com/v1beta1', 'Widget')).toBe(false);
    // The default CRD folder is replaced, not extended.
    expect(widgets.has('argoproj.io/v1alpha1', 'Rollout')).toBe(false);
  });

  it('skips Go-only patterns ((?i), \\z) without crashing and keeps JavaScript-compatible ones', () => {
    expect(widgets.validate(widget({ colour: 'RED', serial: '12ab' }))).toEqual([]);
    const bad = widgets.validate(widget({ slug: 'Not-A-Slug' }));
    expect(bad.map((v) => [v.path, v.message])).toEqual([['/spec/slug', '"Not-A-Slug" does not match the pattern `^[a-z]+$`']]);
    expect(widgets.skippedPatterns().map((s) => s.pattern).sort()).toEqual(['^(?i)(red|green)$', '^[0-9]+\\z']);
  });

  it('honours nullable, int-or-string and preserve-unknown-fields; ignores OpenAPI formats', () => {
    expect(widgets.validate(widget({ nickname: null, size: '10Gi', free: { known: 'k', other: { x: 1 } }, startedAt: 'not a date' }))).toEqual([]);
    expect(widgets.validate(widget({ size: 3 }))).toEqual([]);
    expect(paths(widgets.validate(widget({ size: [3] })))).toEqual(['/spec/size']);
  });

  it('collapses an anyOf of required fields into one violation listing the alternatives', () => {
    const violations = widgets.validate(widget({ target: {} }));
    expect(violations).toHaveLength(1);
    expect(violations[0].path).toBe('/spec/target');
    expect(violations[0].message).toBe(
      'must match at least one of 2 allowed alternatives (/byName: missing required field `byName`; /byLabel: missing required field `byLabel`)',
    );
  });
});

describe('strict-schema transform', () => {
  it('closes objects that list properties, except under preserve-unknown-fields and inside combinators', () => {
    const { schema } = toStrictSchema({
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: { type: 'string' } } },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: { type: 'object', properties: {} } } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        either: { type: 'object', properties: { x: {} }, anyOf: [{ properties: { x: { type: 'string' } } }] },
      },
    }) as { schema: any };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.a.additionalProperties).toBe(false);
    expect(schema.properties.open.additionalProperties).toBeUndefined();
    expect(schema.properties.open.properties.c.additionalProperties).toBeUndefined();
    expect(schema.properties.map.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties.either.additionalProperties).toBe(false);
    expect(schema.properties.either.anyOf[0].additionalProperties).toBeUndefined();
    expect(JSON.stringify(schema)).not.toContain('x-kubernetes-');
  });

  it('does not treat a property that happens to be called like a keyword as a keyword', () => {
    const { schema } = toStrictSchema({ type: 'object', properties: { format: { type: 'string' }, pattern: { type: 'string' } } }) as { schema: any };
    expect(Object.keys(schema.properties)).toEqual(['format', 'pattern']);
  });

  it('drops exactly the patterns JavaScript cannot compile', () => {
    expect(javaScriptPatternError('^[a-z]+$')).toBeUndefined();
    expect(javaScriptPatternError('^(?i)abc$')).toBeDefined();
    expect(javaScriptPatternError('(?P<name>a)')).toBeDefined();
    const result = toStrictSchema({ properties: { a: { type: 'string', pattern: '(?i)x' }, b: { type: 'string', pattern: 'y' } } });
    expect(result.skippedPatterns).toEqual([expect.objectContaining({ schemaPath: '/properties/a', pattern: '(?i)x' })]);
    expect((result.schema as any).properties.b.pattern).toBe('y');
  });

  it('never mutates its input', () => {
    const input = { type: 'object', properties: { a: { type: 'string', format: 'int32', nullable: true } } };
    const copy = JSON.parse(JSON.stringify(input));
    toStrictSchema(input);
    expect(input).toEqual(copy);
  });

  it('pre-filters CRD files by kind without missing quoted or JSON spellings', () => {
    expect(mayDefineKind('names:\n    kind: Rollout\n    plural: rollouts', 'Rollout')).toBe(true);
    expect(mayDefineKind('names:\r\n  kind: "Rollout"\r\n', 'Rollout')).toBe(true);
    expect(mayDefineKind('{"names": {"kind": "Rollout", "plural": "rollouts"}}', 'Rollout')).toBe(true);
    expect(mayDefineKind('kind: Rollout', 'Rollout')).toBe(true);
    expect(mayDefineKind('kind: RolloutSet\n', 'Rollout')).toBe(false);
  });
});

describe('SchemaRegistry: compiled validators are reused (observed by counting compilations, not by timing)', () => {
  it('compiles each kind once, and validating 2,000 more objects of those kinds compiles nothing', () => {
    const fresh = new SchemaRegistry();
    // The one place a validator is built (from the disk cache or by ajv).
    const compile = jest.spyOn(fresh as any, 'build');
    const kinds = new Set(fixtures.allValidObjects().map((o) => `${o.apiVersion} ${o.kind}`));
    expect(kinds.size).toBe(fixtures.allValidObjects().length);
    for (const obj of fixtures.allValidObjects()) expect(fresh.validate(obj)).toEqual([]);
    expect(compile).toHaveBeenCalledTimes(kinds.size);

    compile.mockClear();
    const objects = Array.from({ length: 125 }, () => fixtures.allValidObjects()).flat();
    let violations = 0;
    for (const obj of objects) violations += fresh.validate(obj).length;
    expect(objects.length).toBe(2000);
    expect(violations).toBe(0);
    expect(compile).not.toHaveBeenCalled();
    compile.mockRestore();
  });
});

describe('kubeconform schema generator', () => {
  let outDir: string;
  let files: readonly string[];
  const load = (file: string): any => JSON.parse(fs.readFileSync(path.join(outDir, file), 'utf8'));

  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconform-schemas-'));
    files = writeKubeconformSchemas(outDir).files;
  });
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('names files as kubeconform’s {{ .ResourceKind }}{{ .KindSuffix }}.json template expects', () => {
    expect(kubeconformFileName({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('deployment-apps-v1.json');
    expect(kubeconformFileName({ group: '', version: 'v1', kind: 'Service' })).toBe('service-v1.json');
    expect(kubeconformFileName({ group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout' })).toBe('rollout-argoproj-v1alpha1.json');
    for (const f of [
      'deployment-apps-v1.json',
      'service-v1.json',
      'namespace-v1.json',
      'horizontalpodautoscaler-autoscaling-v2.json',
      'poddisruptionbudget-policy-v1.json',
      'networkpolicy-networking-v1.json',
      'rollout-argoproj-v1alpha1.json',
      'prometheusrule-monitoring-v1.json',
      'virtualservice-networking-v1.json',
    ]) {
      expect(files).toContain(f);
      expect(fs.existsSync(path.join(outDir, f))).toBe(true);
    }
    expect(files).not.toContain('externalsecret-external-secrets-v1beta1.json'); // not served
  });

  it('writes strict schemas: closed at the top and in nested definitions, Go-only patterns dropped', () => {
    const deployment = load('deployment-apps-v1.json');
    expect(deployment.additionalProperties).toBe(false);
    expect(deployment.definitions['io.k8s.api.core.v1.Container'].additionalProperties).toBe(false);
    const rollout = load('rollout-argoproj-v1alpha1.json');
    expect(rollout.additionalProperties).toBe(false);
    expect(rollout.properties.spec.properties.strategy.properties.canary.additionalProperties).toBe(false);
    expect(JSON.stringify(load('prometheusrule-monitoring-v1.json'))).not.toContain('(?i)');
  });

  it('writes self-contained files: every $ref resolves inside the file', () => {
    for (const f of ['deployment-apps-v1.json', 'rollout-argoproj-v1alpha1.json', 'virtualservice-networking-v1.json']) {
      const schema = load(f);
      const refs = JSON.stringify(schema).match(/"\$ref":"[^"]*"/g) ?? [];
      expect(refs.length).toBeGreaterThan(0); // ObjectMeta at least
      for (const ref of refs) {
        const target = JSON.parse(`{${ref}}`).$ref as string;
        expect(target.startsWith('#/definitions/')).toBe(true);
        expect(schema.definitions[target.slice('#/definitions/'.length)]).toBeDefined();
      }
    }
  });

  it('gives a standalone file the same verdicts as the registry', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(load('deployment-apps-v1.json'));
    const good = fixtures.deployment();
    expect(validate(good)).toBe(true);
    setPath(good, 'spec/template/spec/containers/0/imagePullPolicyy', 'Always');
    expect(validate(good)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', instancePath: '/spec/template/spec/containers/0' });

    const validateRollout = new Ajv({ strict: false }).compile(load('rollout-argoproj-v1alpha1.json'));
    expect(validateRollout(fixtures.rollout())).toBe(true);
    const badRollout = fixtures.rollout();
    setPath(badRollout, 'spec/strategy/canary/stepz', []);
    expect(validateRollout(badRollout)).toBe(false);
  });
});

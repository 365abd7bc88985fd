/**
 * In-cluster Postgres and Redis for development (environment level, mount as `dataStores` in
 * environmentSchema). Off by default; production uses the managed endpoints in `egress` and the
 * connection URIs in the workflow's Secret. Each store runs with its Prometheus exporter sidecar.
 *
 * The default digests are PLACEHOLDERS (well-formed, not real): replace each with the digest of
 * the tag beside it (`crane digest <repository>:<tag>`) before deploying anywhere.
 */
import { z } from 'zod';
import { DIGEST, DIGEST_FORMAT } from '../../constructs/validations/image';

/** Well-formed but fake: marks a digest that must be replaced with the real one. */
export const PLACEHOLDER_DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d{1,3})?)$/, 'a cpu quantity such as "250m" or "1.5"');
const byteQuantity = z.string().regex(/^[1-9]\d*(Ki|Mi|Gi|Ti)$/, 'a byte quantity in binary units such as "256Mi" or "1Gi"');
const amounts = z.strictObject({ cpu: cpuQuantity.meta({ description: 'CPU in cores or millicores.' }), memory: byteQuantity.meta({ description: 'Memory in binary units.' }), ephemeralStorage: byteQuantity.meta({ description: 'Local scratch disk in binary units.' }) });
const resources = z.strictObject({ requests: amounts.meta({ description: 'Reserved per container.' }), limits: amounts.meta({ description: 'Ceiling per container.' }) });
export type StoreResources = z.infer<typeof resources>;

const image = z.strictObject({
  repository: z
    .string()
    .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'an image repository such as docker.io/library/redis').meta({ description: 'Image repository without tag or digest.' }),
  tag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'a valid image tag').optional().meta({ description: 'Image tag.' }),
  digest: z.string().regex(DIGEST, DIGEST_FORMAT).optional().meta({ description: 'Pins the bytes; required where the environment does not set images.allowTags.' }),
});
export type StoreImage = z.infer<typeof image>;

const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a Secret data key (letters, digits, "-", "_", ".")');
const secretRef = z.strictObject({
  name: z.string().regex(/^[a-z0-9<>]([-a-z0-9<>.]*[a-z0-9<>])?$/, 'a Secret name (may contain <workflow>)').optional().meta({ description: 'Pre-existing Secret in the workflow\'s namespace; `<workflow>` is replaced. Default: the workflow\'s Secret.' }),
  key: secretKey.meta({ description: 'Data key in that Secret.' }),
});
export type SecretKeyRef = z.infer<typeof secretRef>;

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier such as langgraph');

const EXPORTER_RESOURCES = {
  requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '16Mi' },
  limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
};

export const POSTGRES_DEFAULTS = {
  enabled: false,
  // pgvector/pgvector is the official postgres image plus the pgvector extension (LangChain's chart uses it).
  image: { repository: 'docker.io/pgvector/pgvector', tag: '0.8.0-pg16', digest: PLACEHOLDER_DIGEST },
  database: 'langgraph',
  user: 'langgraph',
  password: { key: 'postgres-password' },
  storage: { size: '8Gi' },
  resources: {
    requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '256Mi' },
    limits: { cpu: '1', memory: '1Gi', ephemeralStorage: '1Gi' },
  },
  exporter: {
    image: { repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.15.0', digest: PLACEHOLDER_DIGEST },
    resources: EXPORTER_RESOURCES,
  },
};

export const REDIS_DEFAULTS = {
  enabled: false,
  // 7.2 is the last BSD-licensed line.
  image: { repository: 'docker.io/library/redis', tag: '7.2.5-alpine', digest: PLACEHOLDER_DIGEST },
  resources: {
    requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
    limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
  },
  exporter: {
    image: { repository: 'docker.io/oliver006/redis_exporter', tag: 'v1.62.0', digest: PLACEHOLDER_DIGEST },
    resources: EXPORTER_RESOURCES,
  },
};

const exporter = (defaults: typeof POSTGRES_DEFAULTS.exporter) => z
  .strictObject({ image: image.default(defaults.image).meta({ description: 'Exporter image.' }), resources: resources.default(defaults.resources).meta({ description: 'Exporter container resources.' }) })
  .default(defaults);

export const dataStoresSchema = z
  .strictObject({
    postgres: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Run the in-cluster Postgres.' }),
        image: image.default(POSTGRES_DEFAULTS.image).meta({ description: 'Postgres image; replace the placeholder digest before enabling.' }),
        database: identifier.default(POSTGRES_DEFAULTS.database).meta({ description: 'Database created at first start.' }),
        user: identifier.default(POSTGRES_DEFAULTS.user).meta({ description: 'Superuser created at first start.' }),
        password: secretRef.default(POSTGRES_DEFAULTS.password).meta({ description: 'The superuser password: a key of a pre-existing Secret (never a value here).' }),
        storage: z
          .strictObject({
            size: byteQuantity.default('8Gi').meta({ description: 'Size of the PersistentVolumeClaim.' }),
            storageClassName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a StorageClass name').optional().meta({ description: 'StorageClass of the data volume. Default: the cluster\'s default StorageClass.' }),
          })
          .default(POSTGRES_DEFAULTS.storage).meta({ description: 'The data volume.' }),
        resources: resources.default(POSTGRES_DEFAULTS.resources).meta({ description: 'Postgres container resources.' }),
        exporter: exporter(POSTGRES_DEFAULTS.exporter).meta({ description: 'postgres_exporter sidecar.' }),
      })
      .default(POSTGRES_DEFAULTS).meta({ description: 'A single-replica Postgres StatefulSet (pgvector image) with a PersistentVolumeClaim.' }),
    redis: z
      .strictObject({
        enabled: z.boolean().default(false).meta({ description: 'Run the in-cluster Redis.' }),
        image: image.default(REDIS_DEFAULTS.image).meta({ description: 'Redis image; replace the placeholder digest before enabling.' }),
        password: secretRef.optional().meta({ description: 'Require this password (a key of a pre-existing Secret). Default: no password; the NetworkPolicy admits only the API and workers.' }),
        resources: resources.default(REDIS_DEFAULTS.resources).meta({ description: 'Redis container resources.' }),
        exporter: exporter(REDIS_DEFAULTS.exporter).meta({ description: 'redis_exporter sidecar.' }),
      })
      .default(REDIS_DEFAULTS).meta({ description: 'A single-replica Redis Deployment (no persistence: the server uses Redis for pub/sub and queue signalling).' }),
  })
  .default({ postgres: POSTGRES_DEFAULTS, redis: REDIS_DEFAULTS });
export type DataStores = z.infer<typeof dataStoresSchema>;

export interface DataStoreIssue {
  readonly path: (string | number)[];
  readonly value?: unknown;
  readonly message: string;
}

/**
 * Environment-level rule (call from checkEnvironment): an enabled store must not run the
 * placeholder digest, which no registry serves, so the pod would never start.
 */
export function checkDataStores(env: { readonly name: string; readonly images: { readonly allowTags: boolean }; readonly dataStores: DataStores }): DataStoreIssue[] {
  const issues: DataStoreIssue[] = [];
  for (const store of ['postgres', 'redis'] as const) {
    const s = env.dataStores[store];
    if (!s.enabled) continue;
    const images: [string[], StoreImage][] = [[['dataStores', store, 'image'], s.image], [['dataStores', store, 'exporter', 'image'], s.exporter.image]];
    for (const [path, image] of images) {
      if (image.digest !== PLACEHOLDER_DIGEST) continue;
      const ref = `${image.repository}${image.tag ? `:${image.tag}` : ''}`;
      issues.push({
        path: [...path, 'digest'],
        value: image.digest,
        message: `is the placeholder digest, which no registry serves; set the real one (crane digest ${ref})` +
          (env.images.allowTags && image.tag
            ? `, or run the tag in "${env.name}" (images.allowTags is true) by giving the image without a digest: { repository: ${image.repository}, tag: ${image.tag} }`
            : ''),
      });
    }
  }
  return issues;
}

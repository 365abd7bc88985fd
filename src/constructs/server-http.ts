/**
 * The LangGraph server's HTTP settings, in the form the server parses them (langgraph-api 0.16.7):
 * - `LANGGRAPH_HTTP`: JSON of `HttpConfig`, read with pydantic's TypeAdapter
 *   (langgraph_api/config/__init__.py, line 255; the TypedDict in langgraph_api/config/schemas.py, line 85);
 * - `HTTP_MAX_REQUEST_BODY_BYTES`: an int, default 300 MiB, above which a request gets 413
 *   (langgraph_api/config/__init__.py, line 195; enforced in langgraph_api/route.py, line 83).
 * Only the keys that change nothing the platform relies on are offered: `disable_meta` would remove
 * /ok and /metrics (the probes, the PodMonitor and the SLI), and `mount_prefix` and `app` move or
 * add routes the entry, the probes and the edge policies do not know about.
 */

export const LANGGRAPH_HTTP_ENV = 'LANGGRAPH_HTTP';
export const MAX_REQUEST_BODY_ENV = 'HTTP_MAX_REQUEST_BODY_BYTES';
/** The server's own limit (300 MiB), the default. */
export const SERVER_DEFAULT_MAX_REQUEST_BODY_BYTES = 300 * 1024 * 1024;

/** Every key of the server's HttpConfig TypedDict (langgraph_api/config/schemas.py, lines 85–131). */
export const HTTP_CONFIG_KEYS: readonly string[] = [
  'app', 'disable_assistants', 'disable_threads', 'disable_runs', 'disable_store', 'disable_meta', 'disable_webhooks', 'cors', 'disable_ui',
  'disable_mcp', 'disable_a2a', 'mount_prefix', 'configurable_headers', 'logging_headers', 'enable_custom_route_auth', 'middleware_order',
];
/** Every key of its CorsConfig (schemas.py, lines 47–62). */
export const CORS_CONFIG_KEYS: readonly string[] = ['allow_origins', 'allow_methods', 'allow_headers', 'allow_credentials', 'allow_origin_regex', 'expose_headers', 'max_age'];

/** Route groups the server can switch off (`disable_<group>` in HttpConfig). */
export const DISABLEABLE_ROUTES = ['assistants', 'threads', 'runs', 'store', 'ui', 'mcp', 'a2a', 'webhooks'] as const;
export type DisableableRoute = (typeof DISABLEABLE_ROUTES)[number];

/** CorsConfig (schemas.py, line 47). */
export interface ServerCors {
  /** @default - the server's (CORS_ALLOW_ORIGINS, "*") */
  readonly allowOrigins?: readonly string[];
  /** @default - the server's */
  readonly allowMethods?: readonly string[];
  /** @default - the server's */
  readonly allowHeaders?: readonly string[];
  /** @default - the server's */
  readonly allowCredentials?: boolean;
  /** @default - none */
  readonly allowOriginRegex?: string;
  /** @default - none */
  readonly exposeHeaders?: readonly string[];
  /** @default - the server's */
  readonly maxAge?: number;
}

/** ConfigurableHeaders (schemas.py, line 64): header name patterns, `*` a wildcard, lower-case. */
export interface HeaderPatterns {
  /** @default - none */
  readonly includes?: readonly string[];
  /** @default - none */
  readonly excludes?: readonly string[];
}

export interface ServerHttp {
  /** Route groups switched off. @default [] */
  readonly disable?: readonly DisableableRoute[];
  /** @default - the server's CORS defaults */
  readonly cors?: ServerCors;
  /** Request headers surfaced to runs as `config.configurable`. @default - the server's */
  readonly configurableHeaders?: HeaderPatterns;
  /** Request headers allowed in logs. @default - the server's */
  readonly loggingHeaders?: HeaderPatterns;
  /** Apply the server's custom auth to user routes too. @default - the server's (false) */
  readonly enableCustomRouteAuth?: boolean;
  /** @default - the server's (`middleware_first`) */
  readonly middlewareOrder?: 'auth_first' | 'middleware_first';
  /** Largest request body in bytes (413 above). @default SERVER_DEFAULT_MAX_REQUEST_BODY_BYTES (the server's; not rendered) */
  readonly maxRequestBodyBytes?: number;
}

/** Why a header pattern would never match (the server lower-cases names before matching), or undefined. */
function headerPatternProblem(p: string): string | undefined {
  if (p === '') return 'is empty; give a header name or a pattern such as "x-*"';
  if (p !== p.toLowerCase()) return `has upper-case letters and never matches (the server compares lower-cased names); use "${p.toLowerCase()}"`;
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(p)) return 'is no header name pattern (token characters and "*" only); remove spaces and ":"';
  return undefined;
}

/** Every problem the server would have with these settings (or would hide), with its path under `http`. */
export function serverHttpProblems(http: ServerHttp | undefined): { path: (string | number)[]; value: unknown; message: string }[] {
  if (!http) return [];
  const out: { path: (string | number)[]; value: unknown; message: string }[] = [];
  const seen = new Set<string>();
  (http.disable ?? []).forEach((r, i) => {
    if (!DISABLEABLE_ROUTES.includes(r)) out.push({ path: ['disable', i], value: r, message: `is no route group the server can switch off; use one of ${DISABLEABLE_ROUTES.join(', ')} (meta is never: the probes and metrics need /ok and /metrics)` });
    if (seen.has(r)) out.push({ path: ['disable', i], value: r, message: 'is listed twice; remove the duplicate' });
    seen.add(r);
  });
  const cors = http.cors;
  if (cors?.allowOriginRegex !== undefined) {
    try { new RegExp(cors.allowOriginRegex); } catch (e) {
      out.push({ path: ['cors', 'allowOriginRegex'], value: cors.allowOriginRegex, message: `is no regular expression (${(e as Error).message}); fix it, e.g. "https://.*\\\\.example\\\\.com"` });
    }
  }
  if (cors?.allowCredentials && (cors.allowOrigins ?? []).includes('*')) {
    out.push({ path: ['cors', 'allowOrigins'], value: cors.allowOrigins, message: 'allows any origin ("*") with credentials: browsers refuse credentialed responses for "*", and echoing any origin would let every site act as the user; set allowOrigins to the origins you serve' });
  }
  if (cors?.maxAge !== undefined && (!Number.isInteger(cors.maxAge) || cors.maxAge < 0)) out.push({ path: ['cors', 'maxAge'], value: cors.maxAge, message: 'must be a whole number of seconds ≥ 0 (the server reads an int); use e.g. 600' });
  for (const key of ['configurableHeaders', 'loggingHeaders'] as const) {
    for (const list of ['includes', 'excludes'] as const) {
      (http[key]?.[list] ?? []).forEach((p, i) => {
        const problem = headerPatternProblem(p);
        if (problem) out.push({ path: [key, list, i], value: p, message: problem });
      });
    }
  }
  const max = http.maxRequestBodyBytes;
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1)) out.push({ path: ['maxRequestBodyBytes'], value: max, message: 'must be a whole number of bytes ≥ 1 (the server reads an int); use e.g. 10485760 for 10 MiB' });
  return out;
}

/**
 * The env vars that carry `http` to the server: LANGGRAPH_HTTP (JSON, keys in HttpConfig's names,
 * sorted so the bytes are stable) and HTTP_MAX_REQUEST_BODY_BYTES; none for settings left unset.
 */
export function serverHttpEnv(http: ServerHttp | undefined): Record<string, string> {
  if (!http) return {};
  const config: Record<string, unknown> = {};
  for (const r of [...(http.disable ?? [])].sort()) config[`disable_${r}`] = true;
  if (http.cors) {
    const c = http.cors;
    const cors: Record<string, unknown> = {
      allow_credentials: c.allowCredentials, allow_headers: c.allowHeaders, allow_methods: c.allowMethods, allow_origin_regex: c.allowOriginRegex,
      allow_origins: c.allowOrigins, expose_headers: c.exposeHeaders, max_age: c.maxAge,
    };
    config.cors = Object.fromEntries(Object.entries(cors).filter(([, v]) => v !== undefined));
  }
  const patterns = (p: HeaderPatterns) => Object.fromEntries(Object.entries({ excludes: p.excludes, includes: p.includes }).filter(([, v]) => v !== undefined));
  if (http.configurableHeaders) config.configurable_headers = patterns(http.configurableHeaders);
  if (http.enableCustomRouteAuth !== undefined) config.enable_custom_route_auth = http.enableCustomRouteAuth;
  if (http.loggingHeaders) config.logging_headers = patterns(http.loggingHeaders);
  if (http.middlewareOrder) config.middleware_order = http.middlewareOrder;
  const env: Record<string, string> = {};
  const keys = Object.keys(config).sort();
  if (keys.length) env[LANGGRAPH_HTTP_ENV] = JSON.stringify(Object.fromEntries(keys.map((k) => [k, config[k]])));
  if (http.maxRequestBodyBytes !== undefined) env[MAX_REQUEST_BODY_ENV] = String(http.maxRequestBodyBytes);
  return env;
}

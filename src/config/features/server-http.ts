/**
 * The server's HTTP settings (workflow level, `http`), rendered as the env vars the server parses
 * (src/constructs/server-http.ts: LANGGRAPH_HTTP as JSON, HTTP_MAX_REQUEST_BODY_BYTES). Types follow
 * the server's HttpConfig TypedDict (langgraph_api/config/schemas.py of langgraph-api 0.16.7, line 85),
 * which pydantic validates at start: a value it would refuse is refused here, at synth.
 */
import { z } from 'zod';
import { DISABLEABLE_ROUTES, LANGGRAPH_HTTP_ENV, MAX_REQUEST_BODY_ENV, SERVER_DEFAULT_MAX_REQUEST_BODY_BYTES, serverHttpProblems } from '../../constructs/server-http';
import type { SemanticIssue } from '../semantic-issue';

const strings = (what: string) => z.array(z.string()).optional().meta({ description: what });
const headerPatterns = (what: string) => z
  .strictObject({
    includes: strings('Header name patterns to include (lower-case; `*` is a wildcard, e.g. `x-tenant-*`).'),
    excludes: strings('Patterns excluded after the includes.'),
  })
  .optional()
  .meta({ description: what });

export const serverHttpSchema = z
  .strictObject({
    maxRequestBodyBytes: z.number().int().min(1).optional().meta({ description: `Largest request body the server reads, in bytes; larger requests get 413 (HTTP_MAX_REQUEST_BODY_BYTES). Default: the server's ${SERVER_DEFAULT_MAX_REQUEST_BODY_BYTES} (300 MiB).`, examples: [10485760] }),
    disable: z.array(z.enum(DISABLEABLE_ROUTES)).default([]).meta({ description: 'Route groups (or webhooks) the server switches off (`disable_<group>` in LANGGRAPH_HTTP). `meta` (/ok, /metrics, /docs) is not offered: the probes, the PodMonitor and the SLI need it. Default: none.' }),
    cors: z
      .strictObject({
        allowOrigins: strings('Origins allowed, e.g. `["https://app.example.com"]`.'),
        allowMethods: strings('Methods allowed in cross-origin requests.'),
        allowHeaders: strings('Request headers allowed in cross-origin requests.'),
        allowCredentials: z.boolean().optional().meta({ description: 'Let browsers send credentials (refused with origin `*`).' }),
        allowOriginRegex: z.string().optional().meta({ description: 'Regular expression of allowed origins.' }),
        exposeHeaders: strings('Response headers browsers may read.'),
        maxAge: z.number().int().min(0).optional().meta({ description: 'Seconds browsers may cache a preflight response.' }),
      })
      .optional()
      .meta({ description: 'CORS for every route (`cors` in LANGGRAPH_HTTP). Default: the server\'s (CORS_ALLOW_ORIGINS, `*`).' }),
    configurableHeaders: headerPatterns('Request headers surfaced to runs as `config.configurable` (`configurable_headers`). Default: the server\'s.'),
    loggingHeaders: headerPatterns('Request headers allowed in the server\'s logs (`logging_headers`); exclude `authorization` and cookies. Default: the server\'s.'),
    enableCustomRouteAuth: z.boolean().optional().meta({ description: 'Apply the server\'s custom auth to user-supplied routes too (`enable_custom_route_auth`). Default: the server\'s (false).' }),
    middlewareOrder: z.enum(['auth_first', 'middleware_first']).optional().meta({ description: 'Auth before or after user middleware on user routes (`middleware_order`). Default: the server\'s (`middleware_first`).' }),
  })
  .default({ disable: [] });
export type ServerHttpConfig = z.infer<typeof serverHttpSchema>;

export function checkServerHttp(settings: { readonly http: ServerHttpConfig; readonly env?: Readonly<Record<string, string>> }): SemanticIssue[] {
  const issues: SemanticIssue[] = serverHttpProblems(settings.http).map((p) => ({ ...p, path: ['http', ...p.path] }));
  for (const name of [LANGGRAPH_HTTP_ENV, MAX_REQUEST_BODY_ENV]) {
    if (settings.env && name in settings.env) issues.push({ path: ['env', name], value: settings.env[name], message: `is rendered from http (the server's HTTP settings, checked at synth); remove it from env and set the matching http.* field` });
  }
  return issues;
}

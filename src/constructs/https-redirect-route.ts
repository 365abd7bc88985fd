import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesFiltersRequestRedirectScheme, HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesMatchesPathType } from '../../imports/gwapi-httproute-gateway.networking.k8s.io';
import { EntryGateway, GATEWAY_API_GROUP, HTTP_LISTENER_NAME, entryLabels } from './entry-gateway';

export interface HttpsRedirectRouteProps {
  readonly name: string;
  /** The Gateway whose plain-HTTP listener it serves (the route lives in the Gateway's namespace). */
  readonly gateway: EntryGateway;
}

/**
 * Every plain-HTTP request to the Gateway is answered with a permanent redirect (301) to the same
 * host and path over HTTPS; no workflow route attaches to the HTTP listener, so nothing is served
 * in the clear.
 */
export class HttpsRedirectRoute extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: HttpsRedirectRouteProps) {
    super(scope, id);
    this.name = props.name;
    new HttpRoute(this, 'Resource', {
      metadata: { name: props.name, namespace: props.gateway.namespace, labels: entryLabels() },
      spec: {
        parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: props.gateway.name, sectionName: HTTP_LISTENER_NAME }],
        rules: [{
          // Every path: the API server's default, said here so that what Argo CD compares is what it stores.
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
          filters: [{
            type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
            requestRedirect: { scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
          }],
        }],
      },
    });
  }
}

import type { ServiceRouting } from '../api/index.js';
import { routingTable } from '../api/index.js';
import type { CompiledTemplate } from './rest-match.js';
import { compileTemplate } from './rest-match.js';

/** The routing table indexed for the lookups resolution makes on every request. */
export class RoutingIndex {
  readonly services: readonly ServiceRouting[];
  private readonly bySigningName = new Map<string, ServiceRouting[]>();
  private readonly byTargetPrefix = new Map<string, ServiceRouting>();
  private readonly byEndpointPrefix = new Map<string, ServiceRouting[]>();
  private readonly templates = new Map<string, CompiledTemplate[]>();

  constructor(services: readonly ServiceRouting[] = routingTable()) {
    this.services = services;
    for (const service of services) {
      push(this.bySigningName, service.signingName, service);
      push(this.byEndpointPrefix, service.endpointPrefix, service);
      if (service.targetPrefix) this.byTargetPrefix.set(service.targetPrefix, service);
    }
  }

  withSigningName(name: string): readonly ServiceRouting[] {
    return this.bySigningName.get(name) ?? [];
  }

  withEndpointPrefix(prefix: string): readonly ServiceRouting[] {
    return this.byEndpointPrefix.get(prefix) ?? [];
  }

  withTargetPrefix(prefix: string): ServiceRouting | undefined {
    return this.byTargetPrefix.get(prefix);
  }

  byId(id: string): ServiceRouting | undefined {
    return this.services.find((s) => s.id === id);
  }

  /** The compiled REST templates of a service (compiled on first use). */
  restTemplates(service: ServiceRouting): readonly CompiledTemplate[] {
    let compiled = this.templates.get(service.id);
    if (!compiled) {
      compiled = Object.entries(service.operations).map(([name, op]) => compileTemplate(name, op));
      this.templates.set(service.id, compiled);
    }
    return compiled;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

import type { ServiceGuess } from './resolve.js';

/** Where forwarded calls go: one default upstream and, optionally, one per service. */
export interface UpstreamMap {
  default?: URL;
  /** Keyed by botocore service id (`s3`, `lambda`) or signing name (`monitoring`). */
  byService: ReadonlyMap<string, URL>;
}

/** The upstream for a request: a per-service entry for one of its candidate services, else the default. */
export function pickUpstream(map: UpstreamMap, guess: ServiceGuess): URL | undefined {
  if (guess.signingName) {
    const bySigning = map.byService.get(guess.signingName);
    if (bySigning) return bySigning;
  }
  for (const service of guess.candidates.length <= 3 ? guess.candidates : []) {
    const found = map.byService.get(service.id) ?? map.byService.get(service.signingName);
    if (found) return found;
  }
  return map.default;
}

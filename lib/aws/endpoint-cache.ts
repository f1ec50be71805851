/**
 * `@aws-sdk/endpoint-cache` for the bundles (serverless.yml `custom.esbuild.alias`): the DynamoDB client's endpoint
 * discovery cache, which it creates but never fills (discovery is off for our operations). The original is the same
 * class over mnemonist's LRU, ~8 KB of the worker bundle with obliterator; here a Map, oldest entry out first.
 */
interface Endpoint {
  Address: string;
  CachePeriodInMinutes: number;
}

export class EndpointCache {
  private readonly cache = new Map<string, { Address: string; Expires: number }[]>();

  constructor(private readonly capacity: number) {}

  getEndpoint(key: string): string | undefined {
    const endpoints = this.get(key);
    return endpoints === undefined ? undefined : endpoints[Math.floor(Math.random() * endpoints.length)]!.Address;
  }

  get(key: string): { Address: string; Expires: number }[] | undefined {
    const now = Date.now();
    const live = this.cache.get(key)?.filter((endpoint) => now < endpoint.Expires);
    return live?.length ? live : undefined;
  }

  set(key: string, endpoints: Endpoint[]): void {
    const now = Date.now();
    this.cache.set(key, endpoints.map(({ Address, CachePeriodInMinutes }) => ({ Address, Expires: now + CachePeriodInMinutes * 60_000 })));
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }

  delete(key: string): void {
    this.set(key, []);
  }

  has(key: string): boolean {
    return (this.cache.get(key)?.length ?? 0) > 0;
  }

  clear(): void {
    this.cache.clear();
  }
}

/**
 * Clusters collected at once by `collect` and `scan` on live clusters. Measured in bench/ (200
 * clusters, 50 ms per request, bench/README.md): the collection is CPU-bound from 8 on, and 16
 * leaves room for API servers slower than that; more only holds more pages in memory at once.
 */
export const DEFAULT_CLUSTER_CONCURRENCY = 16;

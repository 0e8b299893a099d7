/**
 * Clusters collected at once by `collect` and `scan` on live clusters. Measured in bench/ (200
 * clusters, 50 ms per request, bench/README.md): the collection is CPU-bound from here on, so more
 * only holds more pages in memory at once.
 */
export const DEFAULT_CLUSTER_CONCURRENCY = 16;

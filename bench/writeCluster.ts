/**
 * Writes a synthetic cluster as YAML files, to benchmark the CLI end to end:
 *
 *   node --import tsx bench/writeCluster.ts /tmp/cluster-10k --pods 10000 --policies 2000 --namespaces 200 [--seed 42]
 *   time ./bin/kubeseg connectivity /tmp/cluster-10k > /dev/null
 */
import { parseArgs } from 'node:util';
import { generateCluster, writeClusterYaml } from './syntheticCluster.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pods: { type: 'string', default: '1000' },
    policies: { type: 'string', default: '200' },
    namespaces: { type: 'string', default: '20' },
    seed: { type: 'string', default: '42' },
  },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: writeCluster.ts <dir> [--pods N] [--policies N] [--namespaces N] [--seed N]');
const objects = generateCluster({
  pods: Number(values.pods), policies: Number(values.policies), namespaces: Number(values.namespaces), seed: Number(values.seed),
});
const files = writeClusterYaml(objects, dir);
console.log(`${objects.length} objects written to ${files.length} files in ${dir}`);

/**
 * Walks the strategy trees of a spec, yielding every node with its path, so each check
 * does not re-implement tree traversal.
 * @module
 */
import type { SpecPath } from './diagnostics/diagnostic.ts';
import { nodeKind, type NodeSpec, type Spec } from './spec.ts';

/** A strategy node found in a route, with where it is and who its parent is. */
export interface VisitedNode {
  readonly route: string;
  readonly node: NodeSpec;
  readonly path: SpecPath;
  readonly parentKind: ReturnType<typeof nodeKind> | null;
}

/** Every strategy node of every route, depth first, in document order. */
export function* strategyNodes(spec: Spec): Generator<VisitedNode> {
  for (const [route, def] of Object.entries(spec.routes)) {
    yield* visit(route, def.strategy, ['routes', route, 'strategy'], null);
  }
}

function* visit(route: string, node: NodeSpec, path: SpecPath, parentKind: VisitedNode['parentKind']): Generator<VisitedNode> {
  yield { route, node, path, parentKind };
  for (const child of childrenOf(node, path)) yield* visit(route, child.node, child.path, nodeKind(node));
}

/** The direct children of a node with their paths. */
export function childrenOf(node: NodeSpec, path: SpecPath): { node: NodeSpec; path: SpecPath }[] {
  if (typeof node === 'string') return [];
  if ('fallback' in node) return node.fallback.map((n, i) => ({ node: n, path: [...path, 'fallback', i] }));
  if ('loadbalance' in node) return node.loadbalance.map((n, i) => ({ node: n, path: [...path, 'loadbalance', i] }));
  if ('conditional' in node) {
    return [
      ...node.conditional.map((b, i) => ({ node: b.then, path: [...path, 'conditional', i, 'then'] })),
      { node: node.default, path: [...path, 'default'] },
    ];
  }
  return [];
}

/** The `<provider>/<model>` string of a target node, or undefined for other kinds. */
export function targetOf(node: NodeSpec): string | undefined {
  if (typeof node === 'string') return node;
  return 'target' in node ? node.target : undefined;
}

/** Path of the target string inside a target node. */
export function targetPath(node: NodeSpec, path: SpecPath): SpecPath {
  return typeof node === 'string' ? path : [...path, 'target'];
}

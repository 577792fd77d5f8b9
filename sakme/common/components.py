"""Connected components over integer ids (union-find): which ids a chain of links joins.

Linkage's clusters (records joined by accepted links) and the merging of persons (persons joined by links) are the
same question over different ids; both ask it here.
"""

from __future__ import annotations


class Components:
    """Union-find with path compression; the smallest id of a group is its root."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        """Each group's ids by its root."""
        found: dict[int, list[int]] = {}
        for x in self.parent:
            found.setdefault(self.find(x), []).append(x)
        return found

"""pytest 9.2 renamed ``Node._nodeid`` to ``Node._id``; schemathesis 4.32's pytest integration
still reads and writes ``_nodeid`` to name each operation's subtest. This puts the old name back
as an alias until schemathesis follows."""

from __future__ import annotations

from _pytest.nodes import Node

if not hasattr(Node, "_nodeid"):
    from _pytest.nodeid import coerce_node_id

    def _get(self: Node) -> str:
        return self.nodeid

    def _set(self: Node, value: str) -> None:
        self._id = coerce_node_id(value)

    Node._nodeid = property(_get, _set)  # type: ignore[attr-defined]

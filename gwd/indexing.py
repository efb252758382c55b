"""The hook through which the apps that hold what people write tell the search index.

Discussions, meetings and the library sit below the search app and cannot import it:
they announce that a row changed (`index_changed("message", 42)`), and the search app,
which registers itself here when it starts, reads the row again and rewrites or drops
its entry. The entry is written once the change commits, like every announcement: the
search index is derived data, and a message's path keeps its fixed statement count.
"""

from collections.abc import Callable

from gwd.commit import after_commit

IndexHook = Callable[[str, int], None]

_hooks: list[IndexHook] = []


def index_hook_register(hook: IndexHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def index_changed(kind: str, pk: int) -> None:
    """Row `pk` of `kind` ("thread", "message", "meeting", "document") was written or
    removed: the registered hooks look at it again after commit."""

    def run() -> None:
        for hook in _hooks:
            hook(kind, pk)

    if _hooks:
        after_commit(run)

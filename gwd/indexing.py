"""The hook through which the apps that hold what people write tell the search index.

Discussions, meetings and the library sit below the search app and cannot import it:
they announce that a row changed (`index_changed("message", 42)`), and the search app,
which registers itself here when it starts, reads the row again and rewrites or drops
its entry. The entry is written once the change commits, like every announcement: the
search index is derived data, and a message's path keeps its fixed statement count.
What must stop being found goes at once (`now`).
"""

from collections.abc import Callable

from gwd.commit import after_commit

IndexHook = Callable[[str, int], None]

_hooks: list[IndexHook] = []


def index_hook_register(hook: IndexHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def index_changed(kind: str, pk: int, *, now: bool = False) -> None:
    """Row `pk` of `kind` ("thread", "message", "meeting", "document") was written or
    removed: the registered hooks look at it again after commit — or, `now`, inside
    the writing transaction. A change that makes a row unreadable (a message hidden or
    deleted, a document put in the trash) passes `now`: its entry goes with the change,
    never a moment later."""

    def run() -> None:
        for hook in _hooks:
            hook(kind, pk)

    if _hooks:
        run() if now else after_commit(run)

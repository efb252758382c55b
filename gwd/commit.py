"""Work that follows a committed write: announcements, e-mail, background tasks."""

from collections.abc import Callable

from django.db import transaction


def after_commit(work: Callable[[], object]) -> None:
    """Run `work` once the transaction commits — never if it rolls back.

    Robust: the data is already saved, so a failure here (Redis or the mail server
    down) is logged and does not turn the person's request into an error. Clients
    recover missed events by resuming; e-mail tasks can be retried.
    """
    transaction.on_commit(work, robust=True)

"""Every write users care about, as `noun_verb(*, actor, ...)` functions.

Views, the websocket consumer, admin actions and commands all call these; each function
is the one place its change happens and, for discussions, the one place that announces
it (after commit).
"""

from groups.services.discussions import *  # noqa: F403
from groups.services.membership import *  # noqa: F403
from groups.services.moderation import *  # noqa: F403
from groups.services.notifications import *  # noqa: F403
from groups.services.units import *  # noqa: F403
from gwd.errors import ServiceError

__all__ = ["ServiceError"]

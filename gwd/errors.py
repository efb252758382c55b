"""The refusal every service of every app raises."""


class ServiceError(Exception):
    """A rule of the data refused the change; `message` is translated for the user.

    `code` is stable (it is what websocket error frames carry); `retry_after` tells a
    client how many seconds to wait when the refusal is about pace.
    """

    def __init__(self, message: str, *, code: str = "invalid", retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after

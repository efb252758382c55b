"""Logging with a request id in every line, as text or as JSON.

The id comes from the proxy's X-Request-ID when it looks sane, otherwise it is made
here; it is sent back in the response so a user's report can be matched to the log.
"""

import contextvars
import json
import logging
import re
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

mail_logger = logging.getLogger("gwd.mail")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class ClientErrorFilter(logging.Filter):
    """Django logs a refused request (403, 404…) with the exception that refused it; the
    traceback says nothing about GWD, so a 4xx keeps its one line and drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class LoggedFileEmailBackend(FileEmailBackend):
    """E-mail for development: the messages go to a file under `file_path` (one file per
    connection, as Django's file backend writes them) and the log has one line per
    message naming its recipients and subject. The console backend printed each message
    whole, encoded, and the demo's digests filled the screen at every start."""

    def write_message(self, message) -> None:
        super().write_message(message)
        mail_logger.info(
            "E-mail to %s: %s (in %s)",
            ", ".join(message.recipients()),
            message.subject,
            self.file_path,
        )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log collectors read without parsing rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestIdMiddleware:
    """Sync and async alike (see gwd.middleware): the first middleware of the stack."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        value, token = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response

    async def __acall__(self, request):
        value, token = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response

    @staticmethod
    def _start(request) -> tuple[str, contextvars.Token]:
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
        return value, request_id.set(value)

"""Typed readers for settings that come from the environment.

Each helper refuses a value it cannot understand with a message that names the
variable and what it expects, so a typo in a deployment fails at start-up instead of
quietly falling back to a default.
"""

import os
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; blanks around items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(
    name: str,
    default: str,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    """A URL whose scheme must be one of `schemes`; an empty value means the default."""
    value = _raw(name, environ)
    if not value:
        return default
    scheme = urlsplit(value).scheme
    if scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ImproperlyConfigured(
            f"{name} must start with one of {allowed}; got {scheme or 'no scheme'}://…"
        )
    return value


def env_origins(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Origins such as https://gwd.example.pl; Django needs the scheme on each."""
    origins = env_list(name, default, environ=environ)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(
                f"{name} entry {origin!r} must be an origin with a scheme, "
                "for example https://gwd.example.pl."
            )
    return origins


def env_mailer(name: str, *, environ: Mapping[str, str] | None = None) -> dict:
    """A MAILERS entry from a URL: smtp://, smtp+tls:// (STARTTLS), smtps://, console://
    or file:///directory (each message a file there: for tests and staging).

    User name and password may be percent-encoded in the URL.
    """
    value = env_url(
        name,
        "console://",
        schemes=("console", "file", "smtp", "smtp+tls", "smtps"),
        environ=environ,
    )
    parts = urlsplit(value)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"{name} needs a directory, for example file:///tmp/mail.")
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if not parts.hostname:
        raise ImproperlyConfigured(f"{name} needs a host, for example smtp+tls://user:pw@host:587.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": port or default_port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 20,
        },
    }

"""E-mail in the recipient's language and time zone, rendered from templates."""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "pl",
    time_zone: str = "Europe/Warsaw",
    headers: dict | None = None,
) -> None:
    """Send `template` (`<template>_subject.txt`, `.txt`, `.html`) to one address."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        subject = _render_plain(f"{template}_subject.txt", context).strip()
        text = _render_plain(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.splitlines()),
        body=text,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _render_plain(name: str, context: dict) -> str:
    """A plain-text template without HTML escaping (a quote stays a quote in e-mail)."""
    return get_template(name).template.render(Context(context, autoescape=False))

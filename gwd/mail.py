"""E-mail in the recipient's language and time zone, rendered from templates."""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_headers(link: str) -> dict:
    """RFC 8058: one click in the mail program unsubscribes with a POST, no page needed."""
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "pl",
    time_zone: str = "Europe/Warsaw",
    headers: dict | None = None,
    unsubscribe_url: str = "",
) -> None:
    """Send `template` (`<template>_subject.txt`, `.txt`, `.html`) to one address.

    With `unsubscribe_url` (an absolute link that unsubscribes on POST), the e-mail
    carries the one-click headers and the template gets the link as `unsubscribe_url`.
    """
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    headers = dict(headers or {})
    if unsubscribe_url:
        context["unsubscribe_url"] = unsubscribe_url
        headers.update(unsubscribe_headers(unsubscribe_url))
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        subject = _render_plain(f"{template}_subject.txt", context).strip()
        text = _render_plain(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.splitlines()),
        body=text,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _render_plain(name: str, context: dict) -> str:
    """A plain-text template without HTML escaping (a quote stays a quote in e-mail)."""
    template = get_template(name)
    assert isinstance(template, DjangoTemplate)  # the only engine (settings.TEMPLATES)
    return template.template.render(Context(context, autoescape=False))

"""Parts of a group's pages that higher apps render: a thread's polls (decisions), say.

groups is the lowest app and imports none above it; an app that adds to a thread page
registers a function here from its AppConfig.ready(). Each takes the request, the
reader's access and the thread, and returns safe HTML ("" for nothing). The thread page
shows what they return above its messages, in the order they were registered.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from groups.access import GroupAccess
from groups.models import Thread

ThreadSection = Callable[[HttpRequest, GroupAccess, Thread], SafeString | str]
_thread_sections: list[ThreadSection] = []
# What a section needs to know of every thread (has it polls?) rides on the query that
# loads the thread, as annotations, so a thread without any costs the page no query.
ThreadAnnotations = Callable[[], dict[str, Any]]
_thread_annotations: list[ThreadAnnotations] = []


def thread_section_register(section: ThreadSection) -> None:
    if section not in _thread_sections:
        _thread_sections.append(section)


def thread_sections(request: HttpRequest, access: GroupAccess, thread: Thread) -> list[str]:
    """The registered sections' HTML for this thread, those with nothing left out."""
    return [html for section in _thread_sections if (html := section(request, access, thread))]


def thread_annotations_register(annotations: ThreadAnnotations) -> None:
    """`annotations()` returns {name: expression} for the query that loads a thread page's
    thread; names should start with the app's name."""
    if annotations not in _thread_annotations:
        _thread_annotations.append(annotations)


def thread_annotations() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for annotations in _thread_annotations:
        merged |= annotations()
    return merged

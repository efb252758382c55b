from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        # A poll's events are numbered in its group's sequence and replayed from the
        # poll as it is now.
        from decisions import cards, live
        from groups import events, sections

        events.event_types_register(live.EVENT_TYPES, live.polls_replay)
        # A thread shows the polls started in it.
        sections.thread_section_register(cards.thread_polls)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        # A poll's events are numbered in its group's sequence and replayed from the
        # poll as it is now.
        from decisions import cards, live, minutes, personal_data
        from groups import events, sections
        from meetings import sections as meeting_sections

        events.event_types_register(live.EVENT_TYPES, live.polls_replay)
        # A thread shows the polls started in it.
        sections.thread_section_register(cards.thread_polls)
        sections.thread_annotations_register(cards.thread_annotations)
        # The personal-data export and account deletion cover what polls keep.
        personal_data.register_sections()
        # A meeting's page lists the decisions taken at it beside the minutes.
        meeting_sections.minutes_section_register(minutes.meeting_decisions)

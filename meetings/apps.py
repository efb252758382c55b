from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # The personal-data export and account deletion cover what meetings keep.
        from meetings import personal_data

        personal_data.register_sections()

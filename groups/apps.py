from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Groups and people")

    def ready(self) -> None:
        # The personal-data export and account deletion cover what groups keeps.
        from groups import personal_data

        personal_data.register_sections()

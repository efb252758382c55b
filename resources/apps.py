from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Document library")

    def ready(self) -> None:
        # groups' personal-data export and account deletion cover what the library keeps.
        from resources import personal_data

        personal_data.register_sections()

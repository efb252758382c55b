from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # The personal-data export and account deletion cover what the indicators keep.
        from indicators import personal_data

        personal_data.register_sections()

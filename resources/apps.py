from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Document library")

    def ready(self) -> None:
        # The personal-data export and account deletion cover what the library keeps.
        from groups import attachments as message_attachments
        from gwd import markdown
        from resources import attachments, cards, personal_data

        personal_data.register_sections()
        markdown.cards_register(cards.document_cards)
        message_attachments.provider_register(attachments.Provider())

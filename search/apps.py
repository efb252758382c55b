from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from gwd.indexing import index_hook_register
        from gwd.personal_data import omit
        from search.index import entry_refresh

        index_hook_register(entry_refresh)
        omit(
            "search.Entry.author",
            "the index repeats what messages, meetings and documents say, which their own "
            "sections export; an entry goes with what it was made from",
        )

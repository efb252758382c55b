"""Background work of the library: reading the text inside uploaded files.

The text is read by the task worker, never inside the upload's request: the task goes to
the "reminders" backend, which is always the database with its worker (`make run` and
the deployment start one), whatever TASKS_BACKEND says. With the immediate backend a
file's text was read inside the request that uploaded it, holding it for as long as
reading took.
"""

import logging

from django.tasks import task

from gwd.indexing import index_changed
from resources import files, search
from resources.models import DocumentVersion

logger = logging.getLogger(__name__)


@task(backend="reminders")
def extract_text(*, version_id: int) -> None:
    """Index the words inside a version's file, if it is still the current one."""
    version = DocumentVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None or version.document.current_version_id != version.pk:
        return
    try:
        extracted = files.extract_text(version.storage_key, version.content_type)
    except Exception:  # a damaged file must not stop the library: it is found by title
        logger.warning("could not read the text of version %s", version_id, exc_info=True)
        return
    if extracted.stopped:
        logger.info("read the text of version %s until: %s", version_id, extracted.stopped)
    document = version.document
    document.content_text = extracted.text
    type(document).objects.filter(pk=document.pk).update(content_text=extracted.text)
    search.document_index(document)
    index_changed("document", document.pk)

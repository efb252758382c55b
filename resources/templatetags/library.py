from django import template

from resources.sizes import file_size

register = template.Library()


@register.filter
def filesize(size: int | None) -> str:
    """A file's size in the page's language (resources.sizes)."""
    return file_size(size)

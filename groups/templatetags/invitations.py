from django import template

from groups.adapter import signup_invitation as invitation_of_visitor
from groups.models import Invitation

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_invitation(context) -> Invitation | None:
    """The invitation that opened sign-up for this visitor, to name its group and inviter
    on the sign-up page; None without one (the page then says nothing about any group)."""
    request = context.get("request")
    return invitation_of_visitor(request) if request is not None else None

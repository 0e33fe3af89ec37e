"""`{% oidc_login_enabled as x %}`: is signing in with the municipal account set up?"""

from django import template

from accounts import oidc

register = template.Library()


@register.simple_tag
def oidc_login_enabled() -> bool:
    return oidc.enabled()

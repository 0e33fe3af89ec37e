from django import template

from plans.selectors import plan_summary

register = template.Library()


@register.simple_tag
def plan_summary_of(trajectory) -> dict:
    """The plan block of the trajectory page (templates/trajectories/partials/plan_summary.html)."""
    return plan_summary(trajectory)

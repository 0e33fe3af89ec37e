import datetime

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import PhasingFilterForm
from .models import Product, RoutePhase
from .phasing import product_status, route_statuses, table_as_of
from .timeline import Timeline


def phasing(request):
    """Fasering: every route and product on a timeline, planned vs actual, open or not."""
    form = PhasingFilterForm(request.GET or None)
    today = timezone.localdate()
    on, as_of = today, None
    if form.is_bound:
        if form.is_valid():
            on = form.cleaned_data["on"] or today
            as_of = form.cleaned_data["as_of"]
        else:
            messages.error(request, _("That is not a valid date: the page shows today."))

    if as_of:
        end_of_day = datetime.datetime.combine(
            as_of, datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
        phases = table_as_of(end_of_day)
    else:
        phases = list(RoutePhase.objects.all())
    products = list(Product.objects.all())

    timeline = Timeline.spanning(
        [p.planned_on for p in phases]
        + [p.opened_on for p in phases]
        + [p.moves_on for p in products]
        + [p.open_house_closes_on for p in products],
        today=on,
    )
    by_type = {phase.referrer_type: phase for phase in phases}
    routes = []
    for status in route_statuses(on, phases=phases):
        phase = by_type.get(status.referrer_type)
        routes.append(
            {
                "status": status,
                "phase": phase,
                "planned_at": timeline.position(phase.planned_on if phase else None),
                "opened_at": timeline.position(phase.opened_on if phase else None),
            }
        )
    product_rows = [
        {
            "product": product,
            "status": product_status(product, on),
            "moves_at": timeline.position(product.moves_on),
            "closes_at": timeline.position(product.open_house_closes_on),
        }
        for product in products
    ]
    return render(
        request,
        "referrals/phasing.html",
        {
            "form": form,
            "on": on,
            "as_of": as_of,
            "timeline": timeline,
            "on_at": timeline.position(on),
            "routes": routes,
            "products": product_rows,
        },
    )
